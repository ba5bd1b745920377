with

lists as (
    select * from "real"."intermediate"."int_recommendation_lists"
    where cutoff_name = 'production' and recommender = 'hybrid'
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
    from lists
)

select * from final