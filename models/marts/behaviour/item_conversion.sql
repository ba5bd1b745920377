{#- One row per item with events: event counts, distinct visitors / carters / buyers and
    the rates over visitors, with a 95 % Wilson lower bound of the conversion rate for
    ranking. category_id is the item's current category (null without properties). -#}
with

events as (
    select * from {{ ref('int_events_enriched') }}
),

item_state as (
    select * from {{ ref('int_item_current_state') }}
),

per_item_visitor as (
    select
        item_id,
        visitor_id,
        {{ event_type_counts() }}
    from events
    group by item_id, visitor_id
),

per_item as (
    select
        item_id,
        {{ conversion_counts() }}
    from per_item_visitor
    group by item_id
),

final as (
    select
        -- ids
        per_item.item_id,
        item_state.category_id,
        -- measures
        per_item.n_views,
        per_item.n_addtocarts,
        per_item.n_transactions,
        per_item.n_visitors,
        per_item.n_carters,
        per_item.n_buyers,
        -- rates over distinct visitors
        {{ safe_divide('per_item.n_carters', 'per_item.n_visitors') }} as cart_rate,
        {{ safe_divide('per_item.n_buyers', 'per_item.n_visitors') }} as conversion_rate,
        {{ wilson_lower_bound('per_item.n_buyers', 'per_item.n_visitors') }} as conversion_rate_lower
    from per_item
    left join item_state
        on per_item.item_id = item_state.item_id
)

select * from final
