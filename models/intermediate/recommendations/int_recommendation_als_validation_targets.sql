{#- One row per visitor of the training cutoff's ALS matrix (int_recommendation_als_pairs)
    and item new to them in the training cutoff's outcome window (cutoff_at,
    outcome_ends_at]: an event on the item there and none at or before cutoff_at. The
    window int_recommendation_als_settings scores its grid on: it ends at the evaluation
    cutoff, so the test window is never read. -#}
with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where cutoff_name = 'training'
),

events as (
    select * from {{ ref('int_events_enriched') }}
),

als_pairs as (
    select * from {{ ref('int_recommendation_als_pairs') }}
    where cutoff_name = 'training'
),

visitor_items as (
    select * from {{ ref('int_recommendation_visitor_items') }}
    where cutoff_name = 'training'
),

matrix_visitors as (
    select distinct visitor_id
    from als_pairs
),

window_items as (
    select distinct
        cutoffs.cutoff_name,
        events.visitor_id,
        events.item_id
    from events
    inner join cutoffs
        on
            events.event_at > cutoffs.cutoff_at
            and events.event_at <= cutoffs.outcome_ends_at
    inner join matrix_visitors
        on events.visitor_id = matrix_visitors.visitor_id
),

final as (
    select
        -- ids
        window_items.cutoff_name,
        window_items.visitor_id,
        window_items.item_id
    from window_items
    anti join visitor_items
        on
            window_items.visitor_id = visitor_items.visitor_id
            and window_items.item_id = visitor_items.item_id
)

select * from final
