{#- One row per item with any clean property valid at the training cutoff: its category and
    availability as of train_end_at (the latest value at or before it). The training-time
    twin of int_item_current_state, so no later property change leaks into fitting. -#}
with

item_properties as (
    select * from {{ ref('stg_retailrocket__item_properties') }}
),

time_split as (
    select * from {{ ref('int_recommendation_time_split') }}
),

latest_values as (
    select
        item_properties.item_id,
        item_properties.property_name,
        item_properties.category_id,
        item_properties.is_available
    from item_properties
    inner join time_split
        on item_properties.valid_from <= time_split.train_end_at
    where item_properties.property_name in ('category_id', 'is_available')
    qualify row_number() over (
        partition by item_properties.item_id, item_properties.property_name
        order by item_properties.valid_from desc
    ) = 1
),

final as (
    select
        item_id,
        max(category_id) filter (where property_name = 'category_id') as category_id,
        bool_or(is_available) filter (where property_name = 'is_available') as is_available
    from latest_values
    group by item_id
)

select * from final
