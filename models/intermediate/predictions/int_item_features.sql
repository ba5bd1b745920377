{#- One row per cutoff family (production; readout: the forecast at the campaign
    readout's cutoff), split (train, validation, score) and item in that split's
    population: items with any event in the active_days before the split's cutoff.
    Features come from the item_features macro (events before the cutoff only; "recent" =
    the last label_days), one pass over the events for the six splits; the label says
    whether the item sold (a transaction event) in [cutoff_at, label_ends_at), null for
    the score splits. -#}
{% set label_days = var('label_days') %}
{#- the macro's split keys: production's splits by their own name, the readout's prefixed -#}
{% set split_keys = [
    'train', 'validation', 'score', 'readout_train', 'readout_validation', 'readout_score'
] %}

with

-- read three times below: scanned once per use rather than copied into a CTE result
events as {{ cte_not_materialized() }} (
    select * from {{ ref('int_events_enriched') }}
),

prediction_cutoffs as (
    select * from {{ ref('int_prediction_cutoffs') }}
),

-- one row per split key (see split_keys): what the macro and the label join read as split
cutoffs as (
    select
        prediction_cutoffs.*,
        prediction_cutoffs.split as model_split,
        case
            when prediction_cutoffs.cutoff_name = 'production' then prediction_cutoffs.split
            else concat(prediction_cutoffs.cutoff_name, '_', prediction_cutoffs.split)
        end as split_key
    from prediction_cutoffs
),

keyed_cutoffs as (
    select
        split_key as split,
        cutoff_at
    from cutoffs
),

label_cutoffs as (
    select
        split_key as split,
        cutoff_at,
        label_ends_at,
        is_labelled
    from cutoffs
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
    {{ item_features('candidate_events', 'keyed_cutoffs', label_days, split_keys) }}
),

population as (
    select
        features.*,
        cutoffs.cutoff_name,
        cutoffs.model_split,
        cutoffs.is_labelled
    from features
    inner join cutoffs
        on features.split = cutoffs.split_key
    where features.max_event_at_used >= cutoffs.activity_starts_at
),

sold_items as (
    {{ label_window_transactions('sales', 'label_cutoffs', 'item_id') }}
),

final as (
    select
        -- ids
        population.cutoff_name,
        population.model_split as split,
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
