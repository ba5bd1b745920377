{#- One row per (recently active non-bot visitor, rank): their best `top_n` blended items
    (item similarity to their recent items and their category's popularity), before the
    global-popularity fill of visitor_recommendations. Materialised on its own so the
    list query reads a table instead of holding ~3 M rows of a CTE in memory; see the
    visitor_recommendation_candidates macro for the scoring. -#}
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

category_lists as (
    select * from {{ ref('category_recommendations') }}
),

item_similarity as (
    select * from {{ ref('item_similarity') }}
),

candidates as (
    {{ visitor_recommendation_candidates(
        events_relation='events',
        as_of_at='(select as_of.as_of_at from as_of)',
        item_state_relation='item_state',
        category_lists_relation='category_lists',
        neighbours_relation='item_similarity',
        n=top_n
    ) }}
),

final as (
    select
        -- ids
        visitor_id,
        item_id,
        -- measures
        score,
        has_neighbour_score,
        rank
    from candidates
)

select * from final
