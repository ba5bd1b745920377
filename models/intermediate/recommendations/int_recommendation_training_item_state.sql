{#- One row per item with a category or availability valid at the training cutoff: both as
    of train_end_at (same macro as int_item_current_state), so no later property change
    leaks into fitting. Price is not needed by any recommender and not read. -#}
with

item_properties as (
    select * from {{ ref('stg_retailrocket__item_properties') }}
),

time_split as (
    select * from {{ ref('int_recommendation_time_split') }}
),

training_state as (
    {{ item_state_as_of(
        'item_properties',
        '(select time_split.train_end_at from time_split)',
        property_names=['category_id', 'is_available']
    ) }}
),

final as (
    select
        item_id,
        category_id,
        is_available
    from training_state
)

select * from final
