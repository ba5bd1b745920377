with

category_top_items as (
    select * from "real"."intermediate"."int_category_top_items"
    where cutoff_name = 'production'
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
    from category_top_items
)

select * from final