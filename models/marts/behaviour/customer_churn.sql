{#- One row per customer (visitor with at least one transaction), churned when their last
    event is more than `churn_days` days before as-of: int_customer_churn, which the
    churn summary and the win-back list read too. -#}
with

customer_churn as (
    select * from {{ ref('int_customer_churn') }}
),

final as (
    select
        -- ids
        visitor_id,
        -- timestamps
        first_purchase_at,
        last_purchase_at,
        last_seen_at,
        -- measures
        days_since_last_seen,
        n_orders,
        -- flags
        is_churned,
        is_bot_like
    from customer_churn
)

select * from final
