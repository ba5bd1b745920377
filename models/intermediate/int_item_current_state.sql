{#- One row per item with any clean property: its category, availability and price as of
    the as-of time (the latest value valid at or before it). -#}
with

item_properties as (
    select * from {{ ref('stg_retailrocket__item_properties') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

latest_values as (
    select
        item_properties.item_id,
        item_properties.property_name,
        item_properties.category_id,
        item_properties.is_available,
        item_properties.price
    from item_properties
    cross join as_of
    where item_properties.valid_from <= as_of.as_of_at
    qualify row_number() over (
        partition by item_properties.item_id, item_properties.property_name
        order by item_properties.valid_from desc
    ) = 1
),

final as (
    select
        item_id,
        max(category_id) filter (where property_name = 'category_id') as category_id,
        bool_or(is_available) filter (where property_name = 'is_available') as is_available,
        max(price) filter (where property_name = 'price') as price
    from latest_values
    group by item_id
)

select * from final
