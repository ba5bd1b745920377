{#- Churned customers (no event for more than churn_days days) for a win-back campaign,
    most valuable first, with their last purchase, value tier and recommended items.
    Bot-like visitors are never targeted. -#}
{% set control_share = var('control_share') %}
{% set top_n = var('top_n') %}

with

customer_churn as (
    select * from {{ ref('customer_churn') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

recommendations as (
    select * from {{ ref('int_winback_recommendations') }}
),

recommended_items as (
    {{ recommended_item_list('recommendations', top_n) }}
),

targets as (
    select
        customer_churn.visitor_id,
        customer_churn.first_purchase_at,
        customer_churn.last_purchase_at,
        customer_churn.last_seen_at,
        customer_churn.days_since_last_seen,
        customer_churn.n_orders,
        customer_rfm.monetary,
        customer_rfm.value_tier,
        customer_rfm.f_score,
        customer_rfm.m_score,
        recommended_items.recommended_item_ids,
        recommended_items.recommendation_strategy,
        (customer_rfm.f_score + coalesce(customer_rfm.m_score, customer_rfm.f_score))
        / cast(10 as double) as score
    from customer_churn
    left join customer_rfm
        on customer_churn.visitor_id = customer_rfm.visitor_id
    left join recommended_items
        on customer_churn.visitor_id = recommended_items.visitor_id
    where
        customer_churn.is_churned
        and not customer_churn.is_bot_like
),

final as (
    select
        -- ids
        targets.visitor_id,
        -- ranking
        cast(row_number() over (
            order by targets.score desc, targets.last_purchase_at desc, targets.visitor_id asc
        ) as bigint) as rank,
        targets.score,
        {{ is_control_group('targets.visitor_id', 'churned-customers', control_share) }} as is_control,
        -- evidence
        targets.value_tier,
        targets.n_orders,
        targets.monetary,
        targets.first_purchase_at,
        targets.last_purchase_at,
        targets.last_seen_at,
        targets.days_since_last_seen,
        concat(
            targets.n_orders, case when targets.n_orders = 1 then ' order' else ' orders' end,
            ', last purchase ', cast(targets.last_purchase_at as date),
            ', last seen ', cast(floor(targets.days_since_last_seen) as integer), ' days ago',
            ', value tier ', coalesce(targets.value_tier, 'n/a')
        ) as evidence,
        -- what to show
        targets.recommended_item_ids,
        targets.recommendation_strategy,
        as_of.as_of_at
    from targets
    cross join as_of
)

select * from final
