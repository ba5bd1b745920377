{#- One row per (protocol, strategy, k): the offline evaluation at the evaluation cutoff
    (as-of minus test_days). Every strategy is fitted on the events at or before the
    cutoff by the same models as production (keyed by cutoff_name) and scored on the test
    window. One intermediate model per protocol holds the metrics:
    int_recommendation_visitor_time_split_metrics and
    int_recommendation_session_next_item_metrics. -#}
{#- visitors (transitions) with a hit: hit_rate_at_k is their share of n_evaluated -#}
{% set n_hits = 'round(metrics.hit_rate_at_k * metrics.n_evaluated)' %}

with

visitor_time_split as (
    select * from {{ ref('int_recommendation_visitor_time_split_metrics') }}
),

session_next_item as (
    select * from {{ ref('int_recommendation_session_next_item_metrics') }}
),

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where cutoff_name = 'evaluation'
),

-- the catalogue: items with an event at or before the cutoff
catalogue as (
    select count(*) as n_catalogue_items
    from {{ ref('int_item_popularity') }}
    where cutoff_name = 'evaluation'
),

metrics as (
    select * from visitor_time_split
    union all
    select * from session_next_item
),

final as (
    select
        -- keys
        metrics.protocol,
        metrics.strategy,
        cast(metrics.k as integer) as k,
        -- population
        metrics.n_evaluated,
        -- metrics (rounded: parallel float averages differ in the last bits between runs)
        round(metrics.precision_at_k, 12) as precision_at_k,
        round(metrics.recall_at_k, 12) as recall_at_k,
        round(metrics.hit_rate_at_k, 12) as hit_rate_at_k,
        -- 95 % Wilson interval of the hit rate: how far the figure can be read
        round({{ wilson_lower_bound(n_hits, 'metrics.n_evaluated') }}, 12) as hit_rate_lower,
        round({{ wilson_upper_bound(n_hits, 'metrics.n_evaluated') }}, 12) as hit_rate_upper,
        round(metrics.mrr_at_k, 12) as mrr_at_k,
        coalesce(metrics.n_recommended_items, 0) / nullif(catalogue.n_catalogue_items, 0)
            as catalogue_coverage,
        -- split
        cutoffs.cutoff_at as train_end_at,
        cutoffs.outcome_ends_at as as_of_at
    from metrics
    cross join catalogue
    cross join cutoffs
)

select * from final
