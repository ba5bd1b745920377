{#- One row per cohort type, cohort week and week number. Cohort `visitor`: visitors by
    the week of their first event; `customer`: customers by the week of their first
    purchase, active in a later week with any event. Weeks start on Monday (UTC date).
    Every week from the cohort week to the week containing the as-of time is present,
    with 0 when nobody was active; that last week is not fully observed
    (is_complete_week = false). -#}
with

events as (
    select * from {{ ref('int_events_enriched') }}
),

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

as_of_week as (
    select cast(date_trunc('week', as_of_at) as date) as as_of_week
    from as_of
),

cohort_members as (
    select
        'visitor' as cohort_type,
        visitor_id,
        cast(date_trunc('week', first_seen_at) as date) as cohort_week
    from visitor_activity

    union all

    select
        'customer' as cohort_type,
        visitor_id,
        cast(date_trunc('week', first_purchase_at) as date) as cohort_week
    from visitor_activity
    where first_purchase_at is not null
),

active_weeks as (
    select distinct
        visitor_id,
        cast(date_trunc('week', event_at) as date) as activity_week
    from events
),

cohort_sizes as (
    select
        cohort_type,
        cohort_week,
        count(*) as cohort_size
    from cohort_members
    group by cohort_type, cohort_week
),

cohort_activity as (
    select
        cohort_members.cohort_type,
        cohort_members.cohort_week,
        active_weeks.activity_week,
        count(*) as n_active
    from cohort_members
    inner join active_weeks
        on
            cohort_members.visitor_id = active_weeks.visitor_id
            and cohort_members.cohort_week <= active_weeks.activity_week
    group by cohort_members.cohort_type, cohort_members.cohort_week, active_weeks.activity_week
),

week_numbers as (
    select
        cohort_sizes.cohort_type,
        cohort_sizes.cohort_week,
        cohort_sizes.cohort_size,
        as_of_week.as_of_week,
        {{ week_number_series('cohort_sizes.cohort_week', 'as_of_week.as_of_week') }} as week_number
    from cohort_sizes
    cross join as_of_week
),

cohort_weeks as (
    select
        cohort_type,
        cohort_week,
        cohort_size,
        as_of_week,
        cast(week_number as integer) as week_number,
        cohort_week + cast(week_number * 7 as integer) as activity_week
    from week_numbers
),

final as (
    select
        -- grain
        cohort_weeks.cohort_type,
        cohort_weeks.cohort_week,
        cohort_weeks.week_number,
        cohort_weeks.activity_week,
        -- measures
        cohort_weeks.cohort_size,
        coalesce(cohort_activity.n_active, 0) as n_active,
        {{ safe_divide(
            'coalesce(cohort_activity.n_active, 0)', 'cohort_weeks.cohort_size'
        ) }} as retention_rate,
        -- flags
        cohort_weeks.activity_week < cohort_weeks.as_of_week as is_complete_week
    from cohort_weeks
    left join cohort_activity
        on
            cohort_weeks.cohort_type = cohort_activity.cohort_type
            and cohort_weeks.cohort_week = cohort_activity.cohort_week
            and cohort_weeks.activity_week = cohort_activity.activity_week
)

select * from final
