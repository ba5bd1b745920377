{#- Select of one row per cutoff of `cutoffs_relation` (cutoff_name, cutoff_at) and item
    with a kept property valid at that cutoff: its category, availability and price as of
    then (the latest value at or before cutoff_at). Used for the current state (the as-of
    time) and for the recommendation cutoffs, so no later property change leaks into a
    fit. `property_names` (optional list) skips the other properties' histories; their
    columns are then null. -#}
{% macro item_state_as_of(properties_relation, cutoffs_relation, property_names=none) -%}
    with

    latest_values as (
        select
            state_cutoffs.cutoff_name,
            state_properties.item_id,
            state_properties.property_name,
            state_properties.category_id,
            state_properties.is_available,
            state_properties.price
        from {{ properties_relation }} as state_properties
        inner join {{ cutoffs_relation }} as state_cutoffs
            on state_properties.valid_from <= state_cutoffs.cutoff_at
        {% if property_names -%}
            where state_properties.property_name in ('{{ property_names | join("', '") }}')
        {%- endif %}
        qualify row_number() over (
            partition by state_cutoffs.cutoff_name, state_properties.item_id, state_properties.property_name
            order by state_properties.valid_from desc
        ) = 1
    )

    select
        cutoff_name,
        item_id,
        max(category_id) filter (where property_name = 'category_id') as category_id,
        bool_or(is_available) filter (where property_name = 'is_available') as is_available,
        max(price) filter (where property_name = 'price') as price
    from latest_values
    group by cutoff_name, item_id
{%- endmacro %}
