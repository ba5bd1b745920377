{#- One row per item with a training event: its popularity score on training events only
    (same macro as int_item_popularity). -#}
with

training_events as (
    select * from {{ ref('int_recommendation_training_events') }}
),

popularity as (
    {{ item_popularity_scores('training_events') }}
),

final as (
    select
        item_id,
        score
    from popularity
)

select * from final
