{#- visitor_purchase_propensity holds exactly the visitors with an event in the 30 days
    before as-of, (as_of - 30 days, as_of], bot-like ones included: none missing, none
    extra. -#}
with

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

propensity as (
    select * from {{ ref('visitor_purchase_propensity') }}
),

recently_active as (
    select visitor_activity.visitor_id
    from visitor_activity
    cross join as_of
    where visitor_activity.last_seen_at > as_of.as_of_at - interval '30 days'
),

final as (
    select
        coalesce(recently_active.visitor_id, propensity.visitor_id) as visitor_id,
        recently_active.visitor_id is null as is_extra
    from recently_active
    full outer join propensity
        on recently_active.visitor_id = propensity.visitor_id
    where recently_active.visitor_id is null or propensity.visitor_id is null
)

select * from final
