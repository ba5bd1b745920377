with

base_category_tree as (
    select * from {{ ref('base_retailrocket__category_tree') }}
),

categories as (
    select * from {{ ref('stg_retailrocket__category_tree') }}
),

category_paths as (
    select * from {{ ref('int_category_paths') }}
),

quarantined_lines as (
    select
        file_name,
        raw_line,
        n_rows,
        category_id,
        parent_id,
        quarantine_reason as issue
    from base_category_tree
    where quarantine_reason is not null
),

unresolved_categories as (
    select
        'category_tree.csv' as file_name,
        concat(categories.category_id, ',', coalesce(cast(categories.parent_id as {{ type_text() }}), ''))
            as raw_line,
        1 as n_rows,
        categories.category_id,
        categories.parent_id,
        case
            when parents.category_id is null then 'unknown_parent'
            else 'unreachable_from_root'
        end as issue
    from categories
    left join category_paths
        on categories.category_id = category_paths.category_id
    left join categories as parents
        on categories.parent_id = parents.category_id
    where category_paths.category_id is null
),

final as (
    select * from quarantined_lines
    union all
    select * from unresolved_categories
)

select * from final
