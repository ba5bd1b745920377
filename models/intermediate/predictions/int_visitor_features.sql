{#- One row per split (train, validation, score) and visitor in that split's population:
    visitors with an event in the active_days before the split's cutoff. Bot-like visitors
    are left out of train and validation (never trained or evaluated on) but are scored.
    Features come from the visitor_features macro (events before the cutoff only); the
    label says whether the visitor made a transaction in [cutoff_at, label_ends_at),
    null for the score split. -#}
{#- "recent" = the label window's length before the cutoff (label_days, default 7): the
    window of the rule baseline "carted in the last label_days" -#}
{% set recent_days = var('label_days') %}

with

-- read twice below: scanned once per use rather than copied into a CTE result
events as {{ cte_not_materialized() }} (
    select * from {{ ref('int_events_enriched') }}
),

transactions as (
    select * from events
    where event_type = 'transaction'
),

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

-- the production splits (the readout family is the sales forecast's only)
cutoffs as (
    select * from {{ ref('int_prediction_cutoffs') }}
    where cutoff_name = 'production'
),

-- only visitors seen since the earliest population window can be in a population:
-- narrows the history the features scan without changing any result
candidate_visitors as (
    select
        visitor_id,
        is_bot_like
    from visitor_activity
    where last_seen_at >= (select min(cutoffs.activity_starts_at) from cutoffs)
),

candidate_events as (
    select events.*
    from events
    inner join candidate_visitors
        on events.visitor_id = candidate_visitors.visitor_id
),

features as (
    {{ visitor_features('candidate_events', 'cutoffs', recent_days) }}
),

population as (
    select
        features.*,
        cutoffs.is_labelled,
        candidate_visitors.is_bot_like
    from features
    inner join cutoffs
        on features.split = cutoffs.split
    inner join candidate_visitors
        on features.visitor_id = candidate_visitors.visitor_id
    where
        features.max_event_at_used >= cutoffs.activity_starts_at
        and not (cutoffs.is_labelled and candidate_visitors.is_bot_like)
),

purchases as (
    {{ label_window_transactions('transactions', 'cutoffs', 'visitor_id') }}
),

final as (
    select
        -- ids
        population.split,
        population.visitor_id,
        -- timestamps
        population.cutoff_at,
        population.max_event_at_used,
        -- features
        population.recency_days,
        population.tenure_days,
        population.n_events,
        population.n_views,
        population.n_addtocarts,
        population.n_transactions,
        population.n_distinct_items,
        population.n_sessions,
        population.carts_per_view,
        population.n_events_recent,
        population.n_addtocarts_recent,
        -- rule baseline and flags
        population.n_addtocarts_recent > 0 as has_addtocart_recent,
        population.is_bot_like,
        -- label
        case
            when population.is_labelled then purchases.visitor_id is not null
        end as has_purchase_in_label_window
    from population
    left join purchases
        on
            population.split = purchases.split
            and population.visitor_id = purchases.visitor_id
)

select * from final
