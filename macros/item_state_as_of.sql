{#- Select of one row per cutoff of `cutoffs_relation` (cutoff_name, cutoff_at) and item
    with a kept property valid at that cutoff: its category, availability and price as of
    then (the value of the latest change at or before cutoff_at). Used for the current
    state (the as-of time) and for the recommendation cutoffs, so no later property change
    leaks into a fit. `property_names` (optional list) skips the other properties'
    histories; their columns are then null. One grouped pass (arg_max_null: the value of
    the latest change, also when it is null), no window. -#}
{% macro item_state_as_of(properties_relation, cutoffs_relation, property_names=none) -%}
    select
        state_cutoffs.cutoff_name,
        state_properties.item_id,
        arg_max_null(state_properties.category_id, state_properties.valid_from) filter (
            where state_properties.property_name = 'category_id'
        ) as category_id,
        arg_max_null(state_properties.is_available, state_properties.valid_from) filter (
            where state_properties.property_name = 'is_available'
        ) as is_available,
        arg_max_null(state_properties.price, state_properties.valid_from) filter (
            where state_properties.property_name = 'price'
        ) as price
    from {{ properties_relation }} as state_properties
    inner join {{ cutoffs_relation }} as state_cutoffs
        on state_properties.valid_from <= state_cutoffs.cutoff_at
    {% if property_names -%}
        where state_properties.property_name in ('{{ property_names | join("', '") }}')
    {%- endif %}
    group by state_cutoffs.cutoff_name, state_properties.item_id
{%- endmacro %}
