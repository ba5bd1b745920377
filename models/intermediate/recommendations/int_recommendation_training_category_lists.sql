{#- One row per (category, rank): the category_recommendations logic on training data
    (training popularity, item state at the cutoff), 20 deep for the k = 20 metrics. -#}
{% set max_k = 20 %}

with

popularity as (
    select * from {{ ref('int_recommendation_training_item_popularity') }}
),

item_state as (
    select * from {{ ref('int_recommendation_training_item_state') }}
),

category_paths as (
    select * from {{ ref('int_category_paths') }}
),

category_lists as (
    {{ category_top_items('popularity', 'item_state', 'category_paths', max_k) }}
),

final as (
    select
        category_id,
        rank,
        item_id,
        score,
        source_level
    from category_lists
)

select * from final
