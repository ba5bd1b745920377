{#- One row: how many customers there are and how many of them are churned at the as-of
    time (see customer_churn), with the churn_days setting and the as-of time used. -#}
{% set churn_days = var('churn_days') %}

with

customer_churn as (
    select * from {{ ref('int_customer_churn') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

totals as (
    select
        count(*) as n_customers,
        count(*) filter (where is_churned) as n_churned
    from customer_churn
),

final as (
    select
        -- measures
        totals.n_customers,
        totals.n_churned,
        {{ safe_divide('totals.n_churned', 'totals.n_customers') }} as churn_rate,
        -- settings
        cast({{ churn_days }} as integer) as churn_days,
        as_of.as_of_at
    from totals
    cross join as_of
)

select * from final
