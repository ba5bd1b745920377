{#- One row per funnel stage (view, addtocart, transaction): visitors and sessions with at
    least one event of that stage. Stages are counted independently: a visitor who buys
    without a recorded view counts in `transaction` but not in `view`. -#}
with

events as (
    select * from {{ ref('int_events_enriched') }}
),

stages as (
    select * from {{ ref('event_type_weights') }}
),

stage_counts as (
    select
        event_type,
        count(distinct visitor_id) as n_visitors,
        count(distinct session_id) as n_sessions
    from events
    group by event_type
),

stage_totals as (
    select
        stages.event_type as stage,
        stages.event_rank as stage_order,
        coalesce(stage_counts.n_visitors, 0) as n_visitors,
        coalesce(stage_counts.n_sessions, 0) as n_sessions
    from stages
    left join stage_counts
        on stages.event_type = stage_counts.event_type
),

final as (
    select
        -- stage
        stage,
        cast(stage_order as integer) as stage_order,
        -- measures
        n_visitors,
        n_sessions,
        -- rates (fractions; of previous can exceed 1, stages are counted independently)
        {{ funnel_stage_share('n_visitors', 'previous') }} as pct_of_previous,
        {{ funnel_stage_share('n_visitors', 'first') }} as pct_of_first,
        {{ funnel_stage_share('n_sessions', 'previous') }} as session_pct_of_previous,
        {{ funnel_stage_share('n_sessions', 'first') }} as session_pct_of_first
    from stage_totals
)

select * from final
