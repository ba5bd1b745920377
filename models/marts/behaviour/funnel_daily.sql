{#- One row per event date and funnel stage: the funnel of each day with events. Every
    stage is present for every such date (0 when the stage has no events that day). -#}
with

events as (
    select * from {{ ref('int_events_enriched') }}
),

-- the funnel stages are the event types, in their funnel order
stages as (
    {{ funnel_stages() }}
),

event_dates as (
    select distinct event_date
    from events
),

stage_sessions as (
    select distinct
        event_date,
        event_type,
        visitor_id,
        session_number
    from events
),

stage_counts as (
    select
        event_date,
        event_type,
        count(distinct visitor_id) as n_visitors,
        -- (visitor_id, session_number) identifies a session
        count(*) as n_sessions
    from stage_sessions
    group by event_date, event_type
),

date_stage_totals as (
    select
        event_dates.event_date,
        stages.event_type as stage,
        stages.event_rank as stage_order,
        coalesce(stage_counts.n_visitors, 0) as n_visitors,
        coalesce(stage_counts.n_sessions, 0) as n_sessions
    from event_dates
    cross join stages
    left join stage_counts
        on
            event_dates.event_date = stage_counts.event_date
            and stages.event_type = stage_counts.event_type
),

final as (
    select
        -- grain
        event_date,
        stage,
        cast(stage_order as integer) as stage_order,
        -- measures
        n_visitors,
        n_sessions,
        -- rates (fractions; of previous can exceed 1, stages are counted independently)
        {{ funnel_stage_share('n_visitors', 'previous', 'event_date') }} as pct_of_previous,
        {{ funnel_stage_share('n_visitors', 'first', 'event_date') }} as pct_of_first,
        {{ funnel_stage_share('n_sessions', 'previous', 'event_date') }} as session_pct_of_previous,
        {{ funnel_stage_share('n_sessions', 'first', 'event_date') }} as session_pct_of_first
    from date_stage_totals
)

select * from final
