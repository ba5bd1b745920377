
    

    create  table
      "real"."intermediate"."int_winback_recommendations__dbt_tmp"
  
    
    as (
      

with

customer_churn as (
    select * from "real"."intermediate"."int_customer_churn"
    where is_churned
),

-- read three times below (bots, bought, unavailable): scanned once per use
suppressions as not materialized (
    select * from "real"."intermediate"."int_recommendation_suppressions"
    where cutoff_name = 'production'
),

item_state as (
    select * from "real"."intermediate"."int_recommendation_item_state"
    where cutoff_name = 'production'
),

category_top_items as (
    select * from "real"."intermediate"."int_category_top_items"
    where cutoff_name = 'production'
),

item_popularity as (
    select * from "real"."intermediate"."int_item_popularity"
    where cutoff_name = 'production'
),

targets as (
    select customer_churn.visitor_id
    from customer_churn
    anti join suppressions as bot_like
        on
            customer_churn.visitor_id = bot_like.visitor_id
            and bot_like.reason = 'bot_like'
),

purchases as (
    select
        already_bought.visitor_id,
        already_bought.item_id
    from suppressions as already_bought
    semi join targets
        on already_bought.visitor_id = targets.visitor_id
    where already_bought.reason = 'already_bought'
),

unavailable_items as (
    select item_id
    from suppressions
    where reason = 'unavailable'
),

category_candidates as (
    select
        purchases.visitor_id,
        category_top_items.item_id,
        -- best position in any of the customer's categories; 1.0 = a category's top item
        max(1.0 / category_top_items.rank) as score
    from purchases
    inner join item_state
        on purchases.item_id = item_state.item_id
    inner join category_top_items
        on item_state.category_id = category_top_items.category_id
    group by purchases.visitor_id, category_top_items.item_id
),

top_items as (
    select
        item_popularity.item_id,
        item_popularity.score
    from item_popularity
    anti join unavailable_items
        on item_popularity.item_id = unavailable_items.item_id
    order by item_popularity.score desc, item_popularity.item_id asc
    limit 30
),

global_candidates as (
    select
        targets.visitor_id,
        top_items.item_id,
        top_items.score / max(top_items.score) over () as score
    from targets
    cross join top_items
),

candidates as (
    select
        visitor_id,
        item_id,
        score,
        1 as strategy_order,
        'category_popularity' as strategy
    from category_candidates
    union all
    select
        visitor_id,
        item_id,
        score,
        2 as strategy_order,
        'global_popularity' as strategy
    from global_candidates
),

eligible as (
    select candidates.*
    from candidates
    anti join purchases
        on
            candidates.visitor_id = purchases.visitor_id
            and candidates.item_id = purchases.item_id
    anti join unavailable_items
        on candidates.item_id = unavailable_items.item_id
    -- an item offered by both strategies keeps its category row
    qualify row_number() over (
        partition by candidates.visitor_id, candidates.item_id
        order by candidates.strategy_order
    ) = 1
),

ranked as (
    select
        *,
        row_number() over (
            partition by visitor_id
            order by strategy_order asc, score desc, item_id asc
        ) as rank
    from eligible
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
    from ranked
    where rank <= 10
)

select * from final
    );
    
  