{#- One row per data-quality check with the number of rows (or ids) it flags, so the state
    of the input is visible at a glance. Every quarantine reason is listed, with 0 when
    nothing was quarantined for it. -#}
with

quarantine_reasons as (
    select * from {{ ref('quarantine_reasons') }}
),

load_reconciliation as (
    select * from {{ ref('load_reconciliation') }}
),

quarantined_events as (
    select * from {{ ref('quarantined_events') }}
),

quarantined_item_properties as (
    select * from {{ ref('quarantined_item_properties') }}
),

category_tree_issues as (
    select * from {{ ref('category_tree_issues') }}
),

events as (
    select * from {{ ref('int_events_enriched') }}
),

clean_events as (
    select * from {{ ref('stg_retailrocket__events') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

item_properties as (
    select * from {{ ref('stg_retailrocket__item_properties') }}
),

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

quarantine_counts as (
    select
        'events' as raw_file_kind,
        quarantine_reason,
        count(*) as n_flagged
    from quarantined_events
    group by quarantine_reason
    union all
    select
        'item_properties' as raw_file_kind,
        quarantine_reason,
        count(*) as n_flagged
    from quarantined_item_properties
    group by quarantine_reason
    union all
    select
        'category_tree' as raw_file_kind,
        issue as quarantine_reason,
        sum(n_rows) as n_flagged
    from category_tree_issues
    group by issue
),

quarantine_checks as (
    select
        concat('quarantined_', quarantine_reasons.raw_file_kind, '__', quarantine_reasons.quarantine_reason)
            as check_name,
        coalesce(quarantine_counts.n_flagged, 0) as n_flagged,
        quarantine_reasons.description
    from quarantine_reasons
    left join quarantine_counts
        on
            quarantine_reasons.raw_file_kind = quarantine_counts.raw_file_kind
            and quarantine_reasons.quarantine_reason = quarantine_counts.quarantine_reason
),

shared_transaction_ids as (
    select transaction_id
    from events
    where transaction_id is not null
    group by transaction_id
    having count(distinct visitor_id) > 1
),

categorised_items as (
    select distinct item_id
    from item_properties
    where property_name = 'category_id'
),

event_checks as (
    select
        'events_after_as_of' as check_name,
        (
            select count(*) from clean_events
            cross join as_of
            where clean_events.event_at > as_of.as_of_at
        ) as n_flagged,
        'Clean events after the as-of time (isolated far-future outliers, or after the '
        || 'as_of var), left out of every mart' as description
    union all
    select
        'exact_duplicate_rows' as check_name,
        (select sum(duplicate_rows_dropped) from load_reconciliation) as n_flagged,
        'Exact duplicate raw rows dropped (kept once), all files' as description
    union all
    select
        'transaction_ids_with_several_visitors' as check_name,
        (select count(*) from shared_transaction_ids) as n_flagged,
        'Transaction ids used by more than one visitor' as description
    union all
    select
        'events_without_category_at_event_time' as check_name,
        (
            select count(*) from events
            where category_id is null
        ) as n_flagged,
        'Events on items with no known category at the event time' as description
    union all
    select
        'items_never_categorised' as check_name,
        (
            select count(distinct events.item_id)
            from events
            anti join categorised_items
                on events.item_id = categorised_items.item_id
        ) as n_flagged,
        'Items with events but no categoryid in any property snapshot' as description
    union all
    select
        'bot_like_visitors' as check_name,
        (
            select count(*) from visitor_activity
            where is_bot_like
        ) as n_flagged,
        'Visitors with more than max_items_per_visitor distinct items (kept in counts, '
        || 'excluded from training and campaigns)' as description
),

final as (
    select
        check_name,
        cast(coalesce(n_flagged, 0) as bigint) as n_flagged,
        description
    from quarantine_checks
    union all
    select
        check_name,
        cast(coalesce(n_flagged, 0) as bigint) as n_flagged,
        description
    from event_checks
)

select * from final
