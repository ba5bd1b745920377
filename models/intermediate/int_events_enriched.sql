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

category_history as (
    select
        item_id,
        valid_from,
        category_id
    from item_properties
    where property_name = 'category_id'
),

price_history as (
    select
        item_id,
        valid_from,
        price
    from item_properties
    where property_name = 'price'
),

observed_events as (
    select
        events.*,
        {{ event_type_rank('events.event_type') }} as event_rank
    from events
    cross join as_of
    where events.event_at <= as_of.as_of_at
),

with_category as (
    select
        observed_events.*,
        category_history.category_id
    from observed_events
    asof left join category_history
        on
            observed_events.item_id = category_history.item_id
            and observed_events.event_at >= category_history.valid_from
),

with_price as (
    select
        with_category.*,
        price_history.price
    from with_category
    asof left join price_history
        on
            with_category.item_id = price_history.item_id
            and with_category.event_at >= price_history.valid_from
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
    from with_price
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
