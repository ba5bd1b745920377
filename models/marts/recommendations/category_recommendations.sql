{#- One row per (category, rank): the top `top_n` items of each category by popularity,
    filled from the parent, grandparent, ... when the category has fewer than top_n. -#}
{% set top_n = var('top_n') %}

with

popularity as (
    select * from {{ ref('int_item_popularity') }}
),

item_state as (
    select * from {{ ref('int_item_current_state') }}
),

category_paths as (
    select * from {{ ref('int_category_paths') }}
),

category_lists as (
    {{ category_top_items('popularity', 'item_state', 'category_paths', top_n) }}
),

final as (
    select
        -- ids
        category_id,
        rank,
        item_id,
        -- measures
        score,
        source_level
    from category_lists
)

select * from final
