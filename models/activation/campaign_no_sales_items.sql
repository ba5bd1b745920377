{#- Items that drew views in the last label_days days but are predicted not to sell in the
    next label_days: candidates for a discount or promotion. Ranked by attention left
    unconverted: recent views × (1 − sale probability). Unavailable items (the shared
    suppression rules at the production cutoff) are never promoted. -#}
{% set recent_days = var('label_days') %}
{% set control_share = var('control_share') %}

with

events as (
    select * from {{ ref('int_events_enriched') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

item_sales_forecast as (
    select * from {{ ref('item_sales_forecast') }}
),

item_current_state as (
    select * from {{ ref('int_item_current_state') }}
),

unavailable_items as (
    select * from {{ ref('int_recommendation_suppressions') }}
    where cutoff_name = 'production' and reason = 'unavailable'
),

recent_activity as (
    {{ recent_activity_counts('events', 'as_of', 'item_id', 'visitor_id', recent_days) }}
),

targets as (
    select
        recent_activity.item_id,
        item_current_state.category_id,
        item_current_state.price,
        recent_activity.n_recent_views,
        recent_activity.n_recent_addtocarts,
        recent_activity.n_recent_distinct as n_recent_visitors,
        item_sales_forecast.sale_probability,
        recent_activity.n_recent_views * (1 - item_sales_forecast.sale_probability) as score
    from recent_activity
    inner join item_sales_forecast
        on recent_activity.item_id = item_sales_forecast.item_id
    left join item_current_state
        on recent_activity.item_id = item_current_state.item_id
    anti join unavailable_items
        on recent_activity.item_id = unavailable_items.item_id
    where
        recent_activity.n_recent_views > 0
        and not item_sales_forecast.predicted_to_sell
),

final as (
    select
        -- ids
        targets.item_id,
        targets.category_id,
        -- ranking
        cast(row_number() over (order by targets.score desc, targets.item_id asc) as bigint) as rank,
        targets.score,
        {{ is_control_group('targets.item_id', 'no-sales-items', control_share) }} as is_control,
        -- evidence
        targets.n_recent_views,
        targets.n_recent_addtocarts,
        targets.n_recent_visitors,
        targets.sale_probability,
        targets.price,
        concat(
            targets.n_recent_views, ' views, ',
            targets.n_recent_addtocarts, ' carts by ',
            targets.n_recent_visitors, ' visitors in the last {{ recent_days }} days; ',
            'p(sale in next {{ recent_days }} days)=', round(targets.sale_probability, 2)
        ) as evidence,
        as_of.as_of_at
    from targets
    cross join as_of
)

select * from final
