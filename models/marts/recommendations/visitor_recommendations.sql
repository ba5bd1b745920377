{#- One row per (recently active non-bot visitor, rank): the top `top_n` items, a blend of
    item similarity to their recent items and their category's popularity, with category
    and global popularity as cold-start fallbacks. The blended candidates come from
    int_visitor_recommendation_candidates; see the visitor_recommendation_lists and
    visitor_recommendation_candidates macros for the exact scoring. -#}
{% set top_n = var('top_n') %}

with

events as (
    select * from {{ ref('int_events_enriched') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

item_state as (
    select * from {{ ref('int_item_current_state') }}
),

popularity as (
    select * from {{ ref('int_item_popularity') }}
),

candidates as (
    select * from {{ ref('int_visitor_recommendation_candidates') }}
),

recommendations as (
    {{ visitor_recommendation_lists(
        events_relation='events',
        as_of_at='(select as_of.as_of_at from as_of)',
        item_state_relation='item_state',
        popularity_relation='popularity',
        category_lists_relation=none,
        neighbours_relation=none,
        n=top_n,
        candidates_relation='candidates'
    ) }}
),

final as (
    select
        -- ids
        visitor_id,
        rank,
        item_id,
        -- measures
        score,
        strategy
    from recommendations
)

select * from final
