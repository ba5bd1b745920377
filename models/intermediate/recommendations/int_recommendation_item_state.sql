{#- One row per recommendation cutoff and item with a category or availability valid at
    the cutoff: both as of cutoff_at (macro item_state_as_of, as int_item_current_state),
    so no later property change leaks into a fit. Price is read by no recommender. -#}
with

item_properties as (
    select * from {{ ref('stg_retailrocket__item_properties') }}
),

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

item_state as (
    {{ item_state_as_of('item_properties', 'cutoffs', property_names=['category_id', 'is_available']) }}
),

final as (
    select
        -- ids
        cutoff_name,
        item_id,
        category_id,
        -- flags
        is_available
    from item_state
)

select * from final
