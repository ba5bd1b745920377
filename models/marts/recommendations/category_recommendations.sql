{#- One row per (category, rank): the top `top_n` items of each category by popularity,
    filled from the parent, grandparent, ... when the category has fewer than top_n: the
    production cutoff of int_category_top_items. -#}
with

category_top_items as (
    select * from {{ ref('int_category_top_items') }}
    where cutoff_name = 'production'
),

final as (
    select
        -- ids
        category_id,
        cast(rank as bigint) as rank,
        item_id,
        -- measures
        score,
        source_level
    from category_top_items
)

select * from final
