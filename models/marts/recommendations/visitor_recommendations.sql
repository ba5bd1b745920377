{#- One row per (recently active non-bot visitor, rank): the top `top_n` items, a blend of
    item similarity to their recent items and their category's popularity, with category
    and global popularity as cold-start fallbacks. See the visitor_recommendation_lists
    macro for the exact scoring. -#}
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

category_lists as (
    select * from {{ ref('category_recommendations') }}
),

item_similarity as (
    select * from {{ ref('item_similarity') }}
),

recommendations as (
    {{ visitor_recommendation_lists(
        events_relation='events',
        as_of_at='(select as_of.as_of_at from as_of)',
        item_state_relation='item_state',
        popularity_relation='popularity',
        category_lists_relation='category_lists',
        neighbours_relation='item_similarity',
        n=top_n
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
