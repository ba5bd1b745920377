{#- One row per raw file: every raw line is either clean, a dropped exact duplicate or
    quarantined (raw_rows = clean_rows + duplicate_rows_dropped + quarantined_rows, a
    tested invariant). Each term is counted from a different model, so the test proves
    that staging neither loses nor invents rows. For property files, clean_rows includes
    the well-formed lines of property keys that staging does not keep (out_of_scope_rows);
    staged_rows is what reached staging. The property files' raw_rows and
    out_of_scope_rows come from a count-only scan of the files
    (base_retailrocket__item_property_files), not from the model that parses them. -#}
with

base_events as (
    select * from {{ ref('base_retailrocket__events') }}
),

stg_events as (
    select * from {{ ref('stg_retailrocket__events') }}
),

quarantined_events as (
    select * from {{ ref('quarantined_events') }}
),

base_item_properties as (
    select * from {{ ref('base_retailrocket__item_properties') }}
),

item_property_files as (
    select * from {{ ref('base_retailrocket__item_property_files') }}
),

stg_item_properties as (
    select * from {{ ref('stg_retailrocket__item_properties') }}
),

quarantined_item_properties as (
    select * from {{ ref('quarantined_item_properties') }}
),

base_category_tree as (
    select * from {{ ref('base_retailrocket__category_tree') }}
),

stg_category_tree as (
    select * from {{ ref('stg_retailrocket__category_tree') }}
),

distinct_clean_events as (
    select distinct
        event_epoch_ms,
        visitor_id,
        event_type,
        item_id,
        transaction_id
    from base_events
    where quarantine_reason is null
),

-- events.csv ---------------------------------------------------------------------------
events_file as (
    select
        'events.csv' as file_name,
        (select count(*) from base_events) as raw_rows,
        (select count(*) from stg_events) as staged_rows,
        0 as out_of_scope_rows,
        (
            select count(*) from base_events
            where quarantine_reason is null
        )
        - (select count(*) from distinct_clean_events) as duplicate_rows_dropped,
        (select count(*) from quarantined_events) as quarantined_rows
),

-- category_tree.csv --------------------------------------------------------------------
category_tree_file as (
    select
        'category_tree.csv' as file_name,
        (select sum(n_rows) from base_category_tree) as raw_rows,
        (select count(*) from stg_category_tree) as staged_rows,
        0 as out_of_scope_rows,
        (
            select coalesce(sum(n_rows - 1), 0)
            from base_category_tree
            where quarantine_reason is null
        ) as duplicate_rows_dropped,
        (
            select coalesce(sum(n_rows), 0)
            from base_category_tree
            where quarantine_reason is not null
        ) as quarantined_rows
),

-- item_properties_part*.csv ------------------------------------------------------------
property_files_duplicates as (
    select
        file_name,
        sum(case when is_first_occurrence then n_rows - 1 else n_rows end) filter (
            where quarantine_reason is null
        ) as duplicate_rows_dropped
    from base_item_properties
    group by file_name
),

property_files_staged as (
    select
        source_file as file_name,
        count(*) as staged_rows
    from stg_item_properties
    group by source_file
),

property_files_quarantined as (
    select
        file_name,
        count(*) as quarantined_rows
    from quarantined_item_properties
    group by file_name
),

property_files as (
    select
        item_property_files.file_name,
        item_property_files.raw_rows,
        coalesce(property_files_staged.staged_rows, 0) as staged_rows,
        item_property_files.out_of_scope_rows,
        coalesce(property_files_duplicates.duplicate_rows_dropped, 0)
            as duplicate_rows_dropped,
        coalesce(property_files_quarantined.quarantined_rows, 0) as quarantined_rows
    from item_property_files
    left join property_files_duplicates
        on item_property_files.file_name = property_files_duplicates.file_name
    left join property_files_staged
        on item_property_files.file_name = property_files_staged.file_name
    left join property_files_quarantined
        on item_property_files.file_name = property_files_quarantined.file_name
),

all_files as (
    select * from events_file
    union all
    select * from category_tree_file
    union all
    select * from property_files
),

final as (
    select
        file_name,
        cast(coalesce(raw_rows, 0) as bigint) as raw_rows,
        cast(coalesce(staged_rows, 0) + coalesce(out_of_scope_rows, 0) as bigint) as clean_rows,
        cast(coalesce(duplicate_rows_dropped, 0) as bigint) as duplicate_rows_dropped,
        cast(coalesce(quarantined_rows, 0) as bigint) as quarantined_rows,
        cast(coalesce(out_of_scope_rows, 0) as bigint) as out_of_scope_rows,
        cast(coalesce(staged_rows, 0) as bigint) as staged_rows
    from all_files
)

select * from final
