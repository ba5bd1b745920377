{#- One row per customer (visitor with at least one transaction): recency, frequency and
    monetary value at the as-of time and their 1–5 ntile scores (5 = most recent / most
    frequent / highest value; ties broken by visitor_id). monetary is the sum of the price
    valid at each transaction event (null when no price is known, e.g. without property
    files; its score is then null too). r/f/m_score_is_tie_break say when a score is decided
    by visitor_id only (customers with the same value got different scores). Input of
    int_customer_value_tiers and customer_rfm. -#}
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

with_ties as (
    select
        *,
        {{ is_tie_break('r_score', 'recency_days') }} as r_score_is_tie_break,
        {{ is_tie_break('f_score', 'frequency') }} as f_score_is_tie_break,
        {{ is_tie_break('m_score', 'monetary') }} as m_score_is_tie_break
    from scored
),

final as (
    select
        -- ids
        with_ties.visitor_id,
        -- timestamps
        with_ties.first_purchase_at,
        with_ties.last_purchase_at,
        -- values
        with_ties.recency_days,
        with_ties.frequency,
        with_ties.monetary,
        -- scores
        with_ties.r_score,
        with_ties.f_score,
        with_ties.m_score,
        -- flags
        with_ties.r_score_is_tie_break,
        with_ties.f_score_is_tie_break,
        with_ties.m_score_is_tie_break,
        visitor_activity.is_bot_like
    from with_ties
    inner join visitor_activity
        on with_ties.visitor_id = visitor_activity.visitor_id
)

select * from final
