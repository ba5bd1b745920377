{#- One row per recommendation cutoff, visitor and item with an event at or before the
    cutoff: the visitor x item history every recommendation model starts from (item
    popularity, the similarity matrix, what a visitor bought, their recent items). Bot-like
    visitors are kept here; int_recommendation_suppressions flags them. -#}
{% set active_days = var('active_days') %}

with

events as (
    select * from {{ ref('int_events_enriched') }}
),

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

event_type_weights as (
    select * from {{ ref('event_type_weights') }}
),

-- cutoffs at the same instant (with the default vars training and readout: 2 x test_days =
-- readout_days) have the same rows: aggregated once per distinct cutoff_at, on a small
-- integer key, then copied to each cutoff_name
cutoff_instants as (
    select
        cutoff_at,
        dense_rank() over (order by cutoff_at) as instant_key
    from cutoffs
    group by cutoff_at
),

events_at_instants as (
    select
        cutoff_instants.instant_key,
        events.visitor_id,
        events.item_id,
        events.event_type,
        event_type_weights.popularity_weight,
        -- in the active window that ends at the cutoff
        events.event_at > cutoff_instants.cutoff_at - interval '{{ active_days }} days' as is_recent
    from events
    inner join cutoff_instants
        on events.event_at <= cutoff_instants.cutoff_at
    inner join event_type_weights
        on events.event_type = event_type_weights.event_type
),

instant_items as (
    select
        instant_key,
        visitor_id,
        item_id,
        cast(sum(popularity_weight) as bigint) as popularity_weight,
        -- the strongest event type of the active window (null: no recent event)
        max(popularity_weight) filter (where is_recent) as recent_weight,
        count(*) filter (where is_recent and event_type = 'view') as n_recent_views,
        count(*) filter (where is_recent) as n_recent_events,
        bool_or(event_type = 'transaction') as is_bought
    from events_at_instants
    group by instant_key, visitor_id, item_id
),

final as (
    select
        -- ids
        cutoffs.cutoff_name,
        instant_items.visitor_id,
        instant_items.item_id,
        -- measures
        instant_items.popularity_weight,
        instant_items.recent_weight,
        instant_items.n_recent_views,
        instant_items.n_recent_events,
        -- flags
        instant_items.is_bought
    from instant_items
    inner join cutoff_instants
        on instant_items.instant_key = cutoff_instants.instant_key
    inner join cutoffs
        on cutoff_instants.cutoff_at = cutoffs.cutoff_at
)

select * from final
