{#- One row per customer (visitor with at least one transaction): recency_days (elapsed
    days from the last purchase to the as-of time), frequency (distinct transaction ids),
    monetary (sum of the price at purchase time; null without properties), their 1–5
    ntile scores with flags saying when a score is only the visitor_id tie-break, and the
    K-means value tier (high / mid / low) with the scores it rests on (value_tier_basis). -#}
with

customer_rfm as (
    select * from {{ ref('int_customer_rfm') }}
),

value_tiers as (
    select * from {{ ref('int_customer_value_tiers') }}
),

final as (
    select
        -- ids
        customer_rfm.visitor_id,
        -- timestamps
        customer_rfm.first_purchase_at,
        customer_rfm.last_purchase_at,
        -- values
        customer_rfm.recency_days,
        customer_rfm.frequency,
        customer_rfm.monetary,
        -- scores
        cast(customer_rfm.r_score as integer) as r_score,
        cast(customer_rfm.f_score as integer) as f_score,
        cast(customer_rfm.m_score as integer) as m_score,
        cast(value_tiers.value_tier as {{ type_text() }}) as value_tier,
        cast(value_tiers.value_tier_basis as {{ type_text() }}) as value_tier_basis,
        -- flags
        customer_rfm.r_score_is_tie_break,
        customer_rfm.f_score_is_tie_break,
        customer_rfm.m_score_is_tie_break,
        customer_rfm.is_bot_like
    from customer_rfm
    left join value_tiers
        on customer_rfm.visitor_id = value_tiers.visitor_id
)

select * from final
