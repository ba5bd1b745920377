{#- The element at 1-based `position` of `list_expression` (null when out of range).
    Dispatched: DuckDB `list[i]`, Spark element_at (Spark's `list[i]` is 0-based: a
    silent off-by-one). -#}
{% macro list_element(list_expression, position) -%}
    {{ return(adapter.dispatch('list_element', 'rocketmart')(list_expression, position)) }}
{%- endmacro %}

{% macro default__list_element(list_expression, position) -%}
    {{ list_expression }}[{{ position }}]
{%- endmacro %}

{% macro spark__list_element(list_expression, position) -%}
    element_at({{ list_expression }}, cast({{ position }} as int))
{%- endmacro %}
