{#- One row per (visitor, item) with a training event, bot-like visitors (on training
    events) excluded: the input of int_recommendation_training_item_similarity. -#}
with

training_events as (
    select * from {{ ref('int_recommendation_training_events') }}
),

interactions as (
    {{ visitor_item_interactions('training_events') }}
),

final as (
    select
        visitor_id,
        item_id
    from interactions
)

select * from final
