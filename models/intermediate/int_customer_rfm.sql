{#- One row per customer (visitor with at least one transaction): recency, frequency and
    monetary value at the as-of time and their 1–5 ntile scores (5 = most recent / most
    frequent / highest value; ties broken by visitor_id). monetary is the sum of the price
    valid at each transaction event (null when no price is known, e.g. without property
    files; its score is then null too). Input of int_customer_value_tiers and customer_rfm. -#}
with

events as (
    select * from {{ ref('int_events_enriched') }}
    where event_type = 'transaction'
),

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

per_customer as (
    select
        visitor_id,
        min(event_at) as first_purchase_at,
        max(event_at) as last_purchase_at,
        count(distinct transaction_id) as frequency,
        sum(price) as monetary
    from events
    group by visitor_id
),

with_recency as (
    select
        per_customer.*,
        {{ elapsed_days('per_customer.last_purchase_at', 'as_of.as_of_at') }} as recency_days
    from per_customer
    cross join as_of
),

scored as (
    select
        *,
        ntile(5) over (order by recency_days desc, visitor_id asc) as r_score,
        ntile(5) over (order by frequency asc, visitor_id asc) as f_score,
        case
            when monetary is not null
                then ntile(5) over (
                    partition by monetary is null
                    order by monetary asc, visitor_id asc
                )
        end as m_score
    from with_recency
),

final as (
    select
        -- ids
        scored.visitor_id,
        -- timestamps
        scored.first_purchase_at,
        scored.last_purchase_at,
        -- values
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        -- scores
        scored.r_score,
        scored.f_score,
        scored.m_score,
        -- flags
        visitor_activity.is_bot_like
    from scored
    inner join visitor_activity
        on scored.visitor_id = visitor_activity.visitor_id
)

select * from final
