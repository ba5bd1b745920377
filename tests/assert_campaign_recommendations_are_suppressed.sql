-- Suppression (SPEC §7): no campaign recommends an item the visitor already bought or an
-- item that is currently unavailable. Returns the offending (campaign, visitor, item).
with

events as (
    select * from {{ ref('int_events_enriched') }}
),

item_state as (
    select * from {{ ref('int_item_current_state') }}
),

browse_abandoners as (
    select * from {{ ref('campaign_browse_abandoners') }}
),

churned_customers as (
    select * from {{ ref('campaign_churned_customers') }}
),

recommended as (
    select
        'browse-abandoners' as campaign,
        visitor_id,
        cast(unnest(string_split(recommended_item_ids, ',')) as bigint) as item_id
    from browse_abandoners
    union all
    select
        'churned-customers' as campaign,
        visitor_id,
        cast(unnest(string_split(recommended_item_ids, ',')) as bigint) as item_id
    from churned_customers
),

bought as (
    select distinct
        visitor_id,
        item_id
    from events
    where event_type = 'transaction'
),

unavailable as (
    select item_id
    from item_state
    where is_available = false
),

violations as (
    select
        recommended.*,
        'already bought' as problem
    from recommended
    inner join bought
        on
            recommended.visitor_id = bought.visitor_id
            and recommended.item_id = bought.item_id
    union all
    select
        recommended.*,
        'unavailable' as problem
    from recommended
    inner join unavailable
        on recommended.item_id = unavailable.item_id
)

select * from violations
