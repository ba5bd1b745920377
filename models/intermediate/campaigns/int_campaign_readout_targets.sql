{#- One row per campaign, readout cutoff and target (a visitor, or an item for
    no-sales-items): each campaign's targeting rebuilt at the readout cutoff
    (int_recommendation_cutoffs, as-of minus readout_days) from what was known then, by
    the campaign marts' own rules with the cutoff in the role of as-of, the same
    deterministic hold-out (is_control_group on the same campaign name and id), and
    whether the target converted in (cutoff_at, outcome_ends_at]: a purchase by the
    visitor, for items a sale of the item.
      browse-abandoners   visitors with an event in the active_days before the cutoff
                          (recent_activity_counts, as in campaign_browse_abandoners), no
                          purchase at or before it, not bot-like at it;
      churned-customers   visitors who had bought, not bot-like, whose last event was more
                          than churn_days before the cutoff (int_customer_churn's rule);
      no-sales-items      items viewed in the label_days before the cutoff that the sales
                          forecast fitted at the readout cutoff predicts will not sell
                          (int_campaign_readout_item_forecast), not unavailable at it.
    Bot-like visitors and unavailable items: int_recommendation_suppressions at the
    readout cutoff. Only the targeting is rebuilt: the recommended items are not needed
    to read the hold-out. -#}
{% set active_days = var('active_days') %}
{% set churn_days = var('churn_days') %}
{% set label_days = var('label_days') %}
{% set control_share = var('control_share') %}

with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where cutoff_name = 'readout'
),

-- read three times below: scanned once per use rather than copied into a CTE result
events as {{ cte_not_materialized() }} (
    select * from {{ ref('int_events_enriched') }}
),

suppressions as {{ cte_not_materialized() }} (
    select * from {{ ref('int_recommendation_suppressions') }}
    where cutoff_name = 'readout'
),

item_sales_forecast as (
    select * from {{ ref('int_campaign_readout_item_forecast') }}
),

-- the readout cutoff in the role of the campaigns' as-of, and the events known then: the
-- campaign marts' recent-activity SQL runs on them unchanged
readout_as_of as (
    select cutoff_at as as_of_at
    from cutoffs
),

known_events as {{ cte_not_materialized() }} (
    select events.*
    from events
    inner join cutoffs
        on events.event_at <= cutoffs.cutoff_at
),

recent_visitors as (
    {{ recent_activity_counts('known_events', 'readout_as_of', 'visitor_id', 'item_id', active_days) }}
),

recent_items as (
    {{ recent_activity_counts('known_events', 'readout_as_of', 'item_id', 'visitor_id', label_days) }}
),

-- one pass over the events for everything measured per visitor
visitor_history as (
    select
        events.visitor_id,
        max(events.event_at) filter (where events.event_at <= cutoffs.cutoff_at) as last_seen_at,
        count(*) filter (
            where events.event_at <= cutoffs.cutoff_at and events.event_type = 'transaction'
        ) as n_purchases_before,
        count(*) filter (
            where events.event_at > cutoffs.cutoff_at and events.event_type = 'transaction'
        ) as n_purchases_after
    from events
    inner join cutoffs
        on events.event_at <= cutoffs.outcome_ends_at
    group by events.visitor_id
),

item_outcomes as (
    select
        events.item_id,
        count(*) as n_sales_after
    from events
    inner join cutoffs
        on
            events.event_at > cutoffs.cutoff_at
            and events.event_at <= cutoffs.outcome_ends_at
    where events.event_type = 'transaction'
    group by events.item_id
),

browse_abandoners as (
    select
        'browse-abandoners' as campaign,
        recent_visitors.visitor_id as target_id,
        {{ is_control_group('recent_visitors.visitor_id', 'browse-abandoners', control_share) }}
            as is_control,
        visitor_history.n_purchases_after > 0 as is_converted
    from recent_visitors
    inner join visitor_history
        on recent_visitors.visitor_id = visitor_history.visitor_id
    anti join suppressions as bot_like
        on
            recent_visitors.visitor_id = bot_like.visitor_id
            and bot_like.reason = 'bot_like'
    where visitor_history.n_purchases_before = 0
),

churned_customers as (
    select
        'churned-customers' as campaign,
        visitor_history.visitor_id as target_id,
        {{ is_control_group('visitor_history.visitor_id', 'churned-customers', control_share) }}
            as is_control,
        visitor_history.n_purchases_after > 0 as is_converted
    from visitor_history
    cross join cutoffs
    anti join suppressions as bot_like
        on
            visitor_history.visitor_id = bot_like.visitor_id
            and bot_like.reason = 'bot_like'
    where
        visitor_history.n_purchases_before > 0
        and {{ elapsed_days('visitor_history.last_seen_at', 'cutoffs.cutoff_at') }} > {{ churn_days }}
),

no_sales_items as (
    select
        'no-sales-items' as campaign,
        recent_items.item_id as target_id,
        {{ is_control_group('recent_items.item_id', 'no-sales-items', control_share) }} as is_control,
        coalesce(item_outcomes.n_sales_after, 0) > 0 as is_converted
    from recent_items
    inner join item_sales_forecast
        on recent_items.item_id = item_sales_forecast.item_id
    left join item_outcomes
        on recent_items.item_id = item_outcomes.item_id
    anti join suppressions as unavailable
        on
            recent_items.item_id = unavailable.item_id
            and unavailable.reason = 'unavailable'
    where
        recent_items.n_recent_views > 0
        and not item_sales_forecast.predicted_to_sell
),

targets as (
    select * from browse_abandoners
    union all
    select * from churned_customers
    union all
    select * from no_sales_items
),

final as (
    select
        -- ids
        targets.campaign,
        targets.target_id,
        -- timestamps
        cutoffs.cutoff_at as readout_cutoff_at,
        cutoffs.outcome_ends_at as readout_ends_at,
        -- flags
        targets.is_control,
        targets.is_converted
    from targets
    cross join cutoffs
)

select * from final
