
    

    create  table
      "real"."intermediate"."int_recommendation_visitor_items__dbt_tmp"
  
    
    as (
      

with

events as (
    select * from "real"."intermediate"."int_events_enriched"
),

cutoffs as (
    select * from "real"."intermediate"."int_recommendation_cutoffs"
),

event_type_weights as (
    select * from "real"."staging"."event_type_weights"
),

events_at_cutoffs as (
    select
        cutoffs.cutoff_name,
        events.visitor_id,
        events.item_id,
        events.event_type,
        event_type_weights.popularity_weight,
        -- in the active window that ends at the cutoff
        events.event_at > cutoffs.cutoff_at - interval '30 days' as is_recent
    from events
    inner join cutoffs
        on events.event_at <= cutoffs.cutoff_at
    inner join event_type_weights
        on events.event_type = event_type_weights.event_type
),

visitor_items as (
    select
        cutoff_name,
        visitor_id,
        item_id,
        cast(sum(popularity_weight) as bigint) as popularity_weight,
        -- the strongest event type of the active window (null: no recent event)
        max(popularity_weight) filter (where is_recent) as recent_weight,
        count(*) filter (where is_recent and event_type = 'view') as n_recent_views,
        count(*) filter (where is_recent) as n_recent_events,
        bool_or(event_type = 'transaction') as is_bought
    from events_at_cutoffs
    group by cutoff_name, visitor_id, item_id
),

final as (
    select
        -- ids
        cutoff_name,
        visitor_id,
        item_id,
        -- measures
        popularity_weight,
        recent_weight,
        n_recent_views,
        n_recent_events,
        -- flags
        is_bought
    from visitor_items
)

select * from final
    );
    
  