{#- One row per recommendation cutoff and visitor who gets a list: an event in the
    active_days before the cutoff, not bot-like (int_recommendation_suppressions), and,
    when the cutoff's lists_only_returning_visitors is set (evaluation), an event after
    the cutoff. n_bought (items bought at or before the cutoff) sizes the popularity fill. -#}
with

-- read twice below: scanned once per use rather than copied into a CTE result
visitor_items as {{ cte_not_materialized() }} (
    select * from {{ ref('int_recommendation_visitor_items') }}
),

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

bot_like_visitors as (
    select * from {{ ref('int_recommendation_suppressions') }}
    where reason = 'bot_like'
),

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

-- an event in the active window = an item with a recent_weight
active_visitors as (
    select distinct
        cutoff_name,
        visitor_id
    from visitor_items
    where recent_weight is not null
),

-- only the (few) bought rows are counted, not every visitor's history
bought_counts as (
    select
        cutoff_name,
        visitor_id,
        count(*) as n_bought
    from visitor_items
    where is_bought
    group by cutoff_name, visitor_id
),

final as (
    select
        -- ids
        active_visitors.cutoff_name,
        active_visitors.visitor_id,
        -- measures
        coalesce(bought_counts.n_bought, 0) as n_bought
    from active_visitors
    inner join cutoffs
        on active_visitors.cutoff_name = cutoffs.cutoff_name
    inner join visitor_activity
        on active_visitors.visitor_id = visitor_activity.visitor_id
    left join bought_counts
        on
            active_visitors.cutoff_name = bought_counts.cutoff_name
            and active_visitors.visitor_id = bought_counts.visitor_id
    anti join bot_like_visitors
        on
            active_visitors.cutoff_name = bot_like_visitors.cutoff_name
            and active_visitors.visitor_id = bot_like_visitors.visitor_id
    where
        not cutoffs.lists_only_returning_visitors
        or visitor_activity.last_seen_at > cutoffs.cutoff_at
)

select * from final
