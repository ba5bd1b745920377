{#- A struct whose fields are the given columns, named after them (ordered field by
    field, so `min(...)` picks the smallest first field, ties by the next). Dispatched:
    DuckDB struct_pack, Spark named_struct. Read a field back with `struct_column.field`. -#}
{% macro struct_of(column_names) -%}
    {{ return(adapter.dispatch('struct_of', 'rocketmart')(column_names)) }}
{%- endmacro %}

{% macro default__struct_of(column_names) -%}
    struct_pack(
        {%- for name in column_names %}{{ name }} := {{ name }}{{ ', ' if not loop.last }}{% endfor -%}
    )
{%- endmacro %}

{% macro spark__struct_of(column_names) -%}
    named_struct(
        {%- for name in column_names %}'{{ name }}', {{ name }}{{ ', ' if not loop.last }}{% endfor -%}
    )
{%- endmacro %}
