{#- One row per funnel stage (view, addtocart, transaction): visitors and sessions with at
    least one event of that stage. Stages are counted independently: a visitor who buys
    without a recorded view counts in `transaction` but not in `view`. Counted from the
    per-visitor and per-session aggregates (no second pass over the events). -#}
with

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

sessions as (
    select * from {{ ref('sessions') }}
),

-- the funnel stages are the event types, in their funnel order
stages as (
    {{ funnel_stages() }}
),

visitor_counts as (
    select
        count(*) filter (where n_views > 0) as view_visitors,
        count(*) filter (where n_addtocarts > 0) as addtocart_visitors,
        count(*) filter (where n_transactions > 0) as transaction_visitors
    from visitor_activity
),

session_counts as (
    select
        count(*) filter (where n_views > 0) as view_sessions,
        count(*) filter (where n_addtocarts > 0) as addtocart_sessions,
        count(*) filter (where n_transactions > 0) as transaction_sessions
    from sessions
),

stage_totals as (
    select
        stages.event_type as stage,
        stages.event_rank as stage_order,
        case stages.event_type
            when 'view' then visitor_counts.view_visitors
            when 'addtocart' then visitor_counts.addtocart_visitors
            when 'transaction' then visitor_counts.transaction_visitors
        end as n_visitors,
        case stages.event_type
            when 'view' then session_counts.view_sessions
            when 'addtocart' then session_counts.addtocart_sessions
            when 'transaction' then session_counts.transaction_sessions
        end as n_sessions
    from stages
    cross join visitor_counts
    cross join session_counts
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
