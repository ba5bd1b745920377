{#- One row per cutoff with an outcome window (training, evaluation), viewed item and next
    item: how often a session of the window viewed item_id and then next_item_id. The
    window's views (cutoff_at, outcome_ends_at] of non-bot visitors, one session in
    visitor event order; consecutive views of one item collapse into one, so every
    transition goes to a different item. Bot-like: for the evaluation window over the
    whole period (production cutoff), for the training window as known at the evaluation
    cutoff, so that the training labels never read the test window. Read by
    int_recommendation_next_item_features (labels) and
    int_recommendation_session_next_item_metrics (test transitions). -#}
with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where cutoff_name in ('training', 'evaluation')
),

views as (
    select * from {{ ref('int_events_enriched') }}
    where event_type = 'view'
),

bot_like_visitors as (
    select * from {{ ref('int_recommendation_suppressions') }}
    where reason = 'bot_like'
),

window_views as (
    select
        cutoffs.cutoff_name,
        views.visitor_id,
        views.session_number,
        views.visitor_event_number,
        views.item_id,
        lag(views.item_id) over session_timeline as previous_item_id
    from views
    inner join cutoffs
        on
            views.event_at > cutoffs.cutoff_at
            and views.event_at <= cutoffs.outcome_ends_at
    anti join bot_like_visitors
        on
            views.visitor_id = bot_like_visitors.visitor_id
            and bot_like_visitors.cutoff_name
            = case when cutoffs.cutoff_name = 'training' then 'evaluation' else 'production' end
    window session_timeline as (
        partition by cutoffs.cutoff_name, views.visitor_id, views.session_number
        order by views.visitor_event_number
    )
),

-- a repeated view of the item just viewed is no step
collapsed_views as (
    select
        cutoff_name,
        item_id,
        lead(item_id) over (
            partition by cutoff_name, visitor_id, session_number order by visitor_event_number
        ) as next_item_id
    from window_views
    where previous_item_id is distinct from item_id
),

transitions as (
    select
        cutoff_name,
        item_id,
        next_item_id,
        count(*) as n_transitions
    from collapsed_views
    where next_item_id is not null
    group by cutoff_name, item_id, next_item_id
),

final as (
    select
        -- ids
        cutoff_name,
        item_id,
        next_item_id,
        -- measures
        n_transitions
    from transitions
)

select * from final
