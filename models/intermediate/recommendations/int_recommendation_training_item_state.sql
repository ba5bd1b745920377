{#- One row per item with any clean property valid at the training cutoff: its category,
    availability and price as of train_end_at (same macro as int_item_current_state), so
    no later property change leaks into fitting. -#}
with

item_properties as (
    select * from {{ ref('stg_retailrocket__item_properties') }}
),

time_split as (
    select * from {{ ref('int_recommendation_time_split') }}
),

training_state as (
    {{ item_state_as_of('item_properties', '(select time_split.train_end_at from time_split)') }}
),

final as (
    select
        item_id,
        category_id,
        is_available,
        price
    from training_state
)

select * from final
