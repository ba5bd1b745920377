{#- One row per (churned non-bot customer, rank): up to top_n items for a win-back
    message. Churned customers have no recent activity, so visitor_recommendations (which
    covers the last 30 days) has nothing for them: they get the current top items of the
    categories they bought from (category_recommendations, which already excludes
    unavailable items), then global popularity. Items they already bought and items
    currently unavailable are never recommended. -#}
{% set top_n = var('top_n') %}

with

customer_churn as (
    select * from {{ ref('customer_churn') }}
    where is_churned and not is_bot_like
),

events as (
    select * from {{ ref('int_events_enriched') }}
),

item_state as (
    select * from {{ ref('int_item_current_state') }}
),

category_recommendations as (
    select * from {{ ref('category_recommendations') }}
),

item_popularity as (
    select * from {{ ref('int_item_popularity') }}
),

purchases as (
    select distinct
        events.visitor_id,
        events.item_id
    from events
    inner join customer_churn
        on events.visitor_id = customer_churn.visitor_id
    where events.event_type = 'transaction'
),

unavailable_items as (
    select item_id
    from item_state
    where is_available = false
),

category_candidates as (
    select
        purchases.visitor_id,
        category_recommendations.item_id,
        -- best position in any of the customer's categories; 1.0 = a category's top item
        max(1.0 / category_recommendations.rank) as score
    from purchases
    inner join item_state
        on purchases.item_id = item_state.item_id
    inner join category_recommendations
        on item_state.category_id = category_recommendations.category_id
    group by purchases.visitor_id, category_recommendations.item_id
),

top_items as (
    select
        item_popularity.item_id,
        item_popularity.score
    from item_popularity
    anti join unavailable_items
        on item_popularity.item_id = unavailable_items.item_id
    order by item_popularity.score desc, item_popularity.item_id asc
    limit {{ top_n * 3 }}
),

global_candidates as (
    select
        customer_churn.visitor_id,
        top_items.item_id,
        top_items.score / max(top_items.score) over () as score
    from customer_churn
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
        visitor_id,
        rank,
        item_id,
        score,
        strategy
    from ranked
    where rank <= {{ top_n }}
)

select * from final
