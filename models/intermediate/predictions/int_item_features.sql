{#- One row per split (train, validation, score) and item in that split's population:
    items with any event in the active_days before the split's cutoff. Features come from the
    item_features macro (events before the cutoff only; "recent" = the last label_days);
    the label says whether the item sold (a transaction event) in
    [cutoff_at, label_ends_at), null for the score split. -#}
{% set label_days = var('label_days') %}

with

-- read three times below: scanned once per use rather than copied into a CTE result
events as {{ cte_not_materialized() }} (
    select * from {{ ref('int_events_enriched') }}
),

cutoffs as (
    select * from {{ ref('int_prediction_cutoffs') }}
),

sales as (
    select * from events
    where event_type = 'transaction'
),

-- events since the earliest population window
window_events as (
    select * from events
    where event_at >= (select min(cutoffs.activity_starts_at) from cutoffs)
),

-- only items with an event since the earliest population window can be in a
-- population: narrows the history the features scan without changing any result
candidate_items as (
    select distinct item_id
    from window_events
),

candidate_events as (
    select events.*
    from events
    semi join candidate_items
        on events.item_id = candidate_items.item_id
),

features as (
    {{ item_features('candidate_events', 'cutoffs', label_days) }}
),

population as (
    select
        features.*,
        cutoffs.is_labelled
    from features
    inner join cutoffs
        on features.split = cutoffs.split
    where features.max_event_at_used >= cutoffs.activity_starts_at
),

sold_items as (
    {{ label_window_transactions('sales', 'cutoffs', 'item_id') }}
),

final as (
    select
        -- ids
        population.split,
        population.item_id,
        -- timestamps
        population.cutoff_at,
        population.max_event_at_used,
        -- features
        population.recency_days,
        population.age_days,
        population.n_views,
        population.n_addtocarts,
        population.n_sales,
        population.n_visitors,
        population.carts_per_view,
        population.n_views_recent,
        population.n_addtocarts_recent,
        population.n_sales_recent,
        -- rule baseline
        population.n_sales_recent > 0 as has_sale_recent,
        -- label
        case
            when population.is_labelled then sold_items.item_id is not null
        end as has_sale_in_label_window
    from population
    left join sold_items
        on
            population.split = sold_items.split
            and population.item_id = sold_items.item_id
)

select * from final
