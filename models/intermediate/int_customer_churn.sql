{#- One row per customer (visitor with at least one transaction). A customer is churned
    when their last event of any type is more than `churn_days` days before the as-of time
    (exactly `churn_days` is not churned). days_since_last_seen is elapsed days as a double,
    so is_churned = days_since_last_seen > churn_days holds exactly. -#}
{% set churn_days = var('churn_days') %}

with

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
    where n_transactions > 0
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

recency as (
    select
        visitor_activity.*,
        as_of.as_of_at,
        {{ elapsed_days('visitor_activity.last_seen_at', 'as_of.as_of_at') }} as days_since_last_seen
    from visitor_activity
    cross join as_of
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
        days_since_last_seen > {{ churn_days }} as is_churned,
        is_bot_like
    from recency
)

select * from final
