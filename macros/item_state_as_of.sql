{#- Select of one row per item with a kept property valid at `as_of_at` (a SQL
    expression): its category, availability and price as of then (the latest value at or
    before it). Used for the current state (as-of) and for the evaluation's training
    cutoff, so no later property change leaks into a fit. `property_names` (optional list)
    skips the other properties' histories; their columns are then null. -#}
{% macro item_state_as_of(properties_relation, as_of_at, property_names=none) -%}
    with

    latest_values as (
        select
            state_properties.item_id,
            state_properties.property_name,
            state_properties.category_id,
            state_properties.is_available,
            state_properties.price
        from {{ properties_relation }} as state_properties
        where
            state_properties.valid_from <= {{ as_of_at }}
            {% if property_names %}
                and state_properties.property_name in ('{{ property_names | join("', '") }}')
            {% endif %}
        qualify row_number() over (
            partition by state_properties.item_id, state_properties.property_name
            order by state_properties.valid_from desc
        ) = 1
    )

    select
        item_id,
        max(category_id) filter (where property_name = 'category_id') as category_id,
        bool_or(is_available) filter (where property_name = 'is_available') as is_available,
        max(price) filter (where property_name = 'price') as price
    from latest_values
    group by item_id
{%- endmacro %}
