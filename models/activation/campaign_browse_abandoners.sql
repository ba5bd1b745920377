{#- Visitors active in the `active_days` before as-of who viewed or carted but never
    bought, ranked by purchase propensity, each with its recommended items (the re-ranked
    list at the production cutoff). Bot-like visitors are never targeted. -#}
{% set active_days = var('active_days') %}
{% set control_share = var('control_share') %}
{% set top_n = var('top_n') %}

with

events as (
    select * from {{ ref('int_events_enriched') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

propensity as (
    select * from {{ ref('visitor_purchase_propensity') }}
),

recommendations as (
    select * from {{ ref('int_recommendation_lists') }}
    where cutoff_name = 'production' and recommender = 'reranked'
),

recent_activity as (
    {{ recent_activity_counts('events', 'as_of', 'visitor_id', 'item_id', active_days) }}
),

recommended_items as (
    {{ recommended_item_list('recommendations', top_n) }}
),

targets as (
    select
        visitor_activity.visitor_id,
        visitor_activity.last_seen_at,
        recent_activity.n_recent_views,
        recent_activity.n_recent_addtocarts,
        recent_activity.n_recent_distinct as n_recent_items,
        propensity.purchase_probability,
        propensity.decile as propensity_decile,
        recommended_items.recommended_item_ids,
        recommended_items.recommendation_strategy
    from visitor_activity
    inner join recent_activity
        on visitor_activity.visitor_id = recent_activity.visitor_id
    left join propensity
        on visitor_activity.visitor_id = propensity.visitor_id
    left join recommended_items
        on visitor_activity.visitor_id = recommended_items.visitor_id
    where
        not visitor_activity.is_bot_like
        and visitor_activity.n_transactions = 0
),

final as (
    select
        -- ids
        targets.visitor_id,
        -- ranking
        cast(row_number() over (
            order by targets.purchase_probability desc nulls last, targets.visitor_id asc
        ) as bigint) as rank,
        coalesce(targets.purchase_probability, 0) as score,
        {{ is_control_group('targets.visitor_id', 'browse-abandoners', control_share) }} as is_control,
        -- evidence
        targets.purchase_probability,
        targets.propensity_decile,
        targets.n_recent_views,
        targets.n_recent_addtocarts,
        targets.n_recent_items,
        targets.last_seen_at,
        concat(
            targets.n_recent_views, ' views, ',
            targets.n_recent_addtocarts, ' carts in the last {{ active_days }} days, no purchase; ',
            'p=', coalesce(cast(round(targets.purchase_probability, 2) as {{ type_text() }}), 'n/a')
        ) as evidence,
        -- what to show
        targets.recommended_item_ids,
        targets.recommendation_strategy,
        as_of.as_of_at
    from targets
    cross join as_of
)

select * from final
