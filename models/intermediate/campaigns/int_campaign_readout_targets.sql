{#- One row per campaign, readout cutoff and target (a visitor, or an item for
    no-sales-items): each campaign's targeting rebuilt at the readout cutoff
    (int_recommendation_cutoffs, as-of minus readout_days) from what was known then, the
    same deterministic hold-out as the campaign marts (is_control_group on the same
    campaign name and id), and whether the target converted in (cutoff_at,
    outcome_ends_at]: a purchase by the visitor, for items a sale of the item.
      browse-abandoners   the cutoff's recommendation audience (an event in the
                          active_days before it, not bot-like) who had bought nothing;
      churned-customers   visitors who had bought, not bot-like, whose last event was more
                          than churn_days before the cutoff;
      no-sales-items      items viewed in the label_days before the cutoff without a sale
                          in them (the forecast's rule baseline: the forecast model itself
                          is fitted only at the prediction splits), not unavailable.
    Only the targeting is rebuilt: the recommended items are not needed to read the
    hold-out. -#}
{% set churn_days = var('churn_days') %}
{% set label_days = var('label_days') %}
{% set control_share = var('control_share') %}

with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where cutoff_name = 'readout'
),

events as (
    select * from {{ ref('int_events_enriched') }}
),

audience as (
    select * from {{ ref('int_recommendation_audience') }}
    where cutoff_name = 'readout'
),

suppressions as {{ cte_not_materialized() }} (
    select * from {{ ref('int_recommendation_suppressions') }}
    where cutoff_name = 'readout'
),

-- one pass over the events for everything measured per visitor or item
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

item_history as (
    select
        events.item_id,
        count(*) filter (
            where
            events.event_type = 'view'
            and events.event_at > cutoffs.cutoff_at - interval '{{ label_days }} days'
            and events.event_at <= cutoffs.cutoff_at
        ) as n_recent_views,
        count(*) filter (
            where
            events.event_type = 'transaction'
            and events.event_at > cutoffs.cutoff_at - interval '{{ label_days }} days'
            and events.event_at <= cutoffs.cutoff_at
        ) as n_recent_sales,
        count(*) filter (
            where events.event_type = 'transaction' and events.event_at > cutoffs.cutoff_at
        ) as n_sales_after
    from events
    inner join cutoffs
        on
            events.event_at > cutoffs.cutoff_at - interval '{{ label_days }} days'
            and events.event_at <= cutoffs.outcome_ends_at
    group by events.item_id
),

browse_abandoners as (
    select
        'browse-abandoners' as campaign,
        audience.visitor_id as target_id,
        {{ is_control_group('audience.visitor_id', 'browse-abandoners', control_share) }} as is_control,
        visitor_history.n_purchases_after > 0 as is_converted
    from audience
    inner join visitor_history
        on audience.visitor_id = visitor_history.visitor_id
    where audience.n_bought = 0
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
        item_history.item_id as target_id,
        {{ is_control_group('item_history.item_id', 'no-sales-items', control_share) }} as is_control,
        item_history.n_sales_after > 0 as is_converted
    from item_history
    anti join suppressions as unavailable
        on
            item_history.item_id = unavailable.item_id
            and unavailable.reason = 'unavailable'
    where item_history.n_recent_views > 0 and item_history.n_recent_sales = 0
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
