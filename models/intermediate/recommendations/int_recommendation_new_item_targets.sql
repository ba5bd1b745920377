{#- One row per cutoff that runs recommenders and has an outcome window (evaluation,
    training), visitor and item new to the visitor in the window (cutoff_at,
    outcome_ends_at]: an event on the item there and none at or before cutoff_at (the item
    is not among the cutoff's int_recommendation_visitor_items). What a list made at the
    cutoff is judged on:
      evaluation  the targets of recommendation_evaluation's visitor_time_split protocol
                  (int_recommendation_visitor_time_split_metrics);
      training    the validation targets the ALS grid is scored on
                  (int_recommendation_als_settings); the window ends at the evaluation
                  cutoff, so the test window is never read there. -#}
with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where outcome_ends_at is not null
),

recommenders as (
    select * from {{ ref('int_recommenders') }}
),

events as (
    select * from {{ ref('int_events_enriched') }}
),

visitor_items as (
    select * from {{ ref('int_recommendation_visitor_items') }}
),

recommender_cutoffs as (
    select
        cutoffs.cutoff_name,
        cutoffs.cutoff_at,
        cutoffs.outcome_ends_at
    from cutoffs
    semi join recommenders
        on cutoffs.cutoff_name = recommenders.cutoff_name
),

window_items as (
    select distinct
        recommender_cutoffs.cutoff_name,
        events.visitor_id,
        events.item_id
    from events
    inner join recommender_cutoffs
        on
            events.event_at > recommender_cutoffs.cutoff_at
            and events.event_at <= recommender_cutoffs.outcome_ends_at
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
            window_items.cutoff_name = visitor_items.cutoff_name
            and window_items.visitor_id = visitor_items.visitor_id
            and window_items.item_id = visitor_items.item_id
)

select * from final
