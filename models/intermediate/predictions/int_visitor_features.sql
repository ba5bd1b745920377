{#- One row per split (train, validation, score) and visitor in that split's population:
    visitors with an event in the 30 days before the split's cutoff. Bot-like visitors
    are left out of train and validation (never trained or evaluated on) but are scored.
    Features come from the visitor_features macro (events before the cutoff only); the
    label says whether the visitor made a transaction in [cutoff_at, label_ends_at),
    null for the score split. -#}
{% set splits = ['train', 'validation', 'score'] %}
{#- "recent" = the last week, the window of the rule baseline "carted in the last week" -#}
{% set recent_days = 7 %}

with

events as (
    select * from {{ ref('int_events_enriched') }}
),

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

cutoffs as (
    select * from {{ ref('int_prediction_cutoffs') }}
),

stacked_features as (
    {% for split in splits %}
        select
            '{{ split }}' as split,
            *
        from (
            {{ visitor_features(
                'events',
                "(select cutoff_at from cutoffs where split = '" ~ split ~ "')",
                recent_days
            ) }}
        ) as {{ split }}_features
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

population as (
    select
        stacked_features.*,
        cutoffs.is_labelled,
        visitor_activity.is_bot_like
    from stacked_features
    inner join cutoffs
        on stacked_features.split = cutoffs.split
    inner join visitor_activity
        on stacked_features.visitor_id = visitor_activity.visitor_id
    where
        stacked_features.max_event_at_used >= cutoffs.activity_starts_at
        and not (cutoffs.is_labelled and visitor_activity.is_bot_like)
),

purchases as (
    select distinct
        cutoffs.split,
        events.visitor_id
    from events
    inner join cutoffs
        on
            events.event_at >= cutoffs.cutoff_at
            and events.event_at < cutoffs.label_ends_at
    where
        cutoffs.is_labelled
        and events.event_type = 'transaction'
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
        population.n_orders,
        population.n_distinct_items,
        population.n_distinct_categories,
        population.n_sessions,
        population.n_active_days,
        population.carts_per_view,
        population.n_events_recent,
        population.n_addtocarts_recent,
        -- rule baseline and flags
        population.has_addtocart_recent,
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
