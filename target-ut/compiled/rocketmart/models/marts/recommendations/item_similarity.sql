with

item_similarity as (
    select * from "real"."intermediate"."int_item_similarity"
    where cutoff_name = 'production'
),

final as (
    select
        -- ids
        item_id,
        similar_item_id,
        -- measures
        similarity,
        n_common_visitors,
        rank
    from item_similarity
)

select * from final