{#- One row per clean event at or before the as-of time, with the item's category and
    price valid at the event time (ASOF join on the property history), the funnel rank
    of its type and its session. A session is a visitor's run of events, ordered by
    event_at, then event type (view < addtocart < transaction), then item_id, in which
    no gap to the previous event exceeds `session_gap_minutes`. -#}
{% set gap_minutes = var('session_gap_minutes') %}

with

events as (
    select * from {{ ref('stg_retailrocket__events') }}
),

item_properties as (
    select * from {{ ref('stg_retailrocket__item_properties') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

-- one timeline of both values: each change point of an item's category or price, with
-- the category and price valid from then on, so one ASOF join finds both
property_changes as (
    select
        item_id,
        valid_from,
        -- staging has one row per (item, property, valid_from): max() only merges a
        -- category and a price change at the same time
        max(category_id) as category_change,
        max(price) as price_change
    from item_properties
    where property_name in ('category_id', 'price')
    group by item_id, valid_from
),

property_timeline as (
    select
        item_id,
        valid_from,
        {{ last_non_null('category_change') }} over item_timeline as category_id,
        {{ last_non_null('price_change') }} over item_timeline as price
    from property_changes
    window item_timeline as (
        partition by item_id
        order by valid_from
        rows between unbounded preceding and current row
    )
),

observed_events as (
    select
        events.*,
        {{ event_type_rank('events.event_type') }} as event_rank
    from events
    cross join as_of
    where events.event_at <= as_of.as_of_at
),

-- each event with the category and price valid at its time (an ASOF join)
with_properties as (
    {{ asof_left_join(
        'observed_events', 'property_timeline', 'item_id', 'event_at', 'valid_from',
        ['category_id', 'price']
    ) }}
),

session_starts as (
    select
        *,
        coalesce(
            event_at - lag(event_at) over visitor_timeline
            > interval '{{ gap_minutes }} minutes',
            true
        ) as is_session_start,
        row_number() over visitor_timeline as visitor_event_number
    from with_properties
    window visitor_timeline as (
        partition by visitor_id
        order by event_at, event_rank, item_id, event_id
    )
),

sessionised as (
    select
        *,
        cast(sum(case when is_session_start then 1 else 0 end) over (
            partition by visitor_id
            order by visitor_event_number
            rows between unbounded preceding and current row
        ) as bigint) as session_number
    from session_starts
),

final as (
    select
        -- ids
        event_id,
        visitor_id,
        item_id,
        transaction_id,
        category_id,
        -- timestamps
        event_at,
        cast(event_at as date) as event_date,
        -- attributes
        event_type,
        event_rank,
        price,
        -- ordering
        session_number,
        visitor_event_number,
        is_session_start
    from sessionised
)

select * from final
