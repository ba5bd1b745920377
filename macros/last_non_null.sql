{#- The last non-null value of `column_name` in the window frame that follows the call
    (`{{ last_non_null('x') }} over w`). Dispatched: each engine rejects the other's
    form (DuckDB `last_value(x ignore nulls)`, Spark `last_value(x) ignore nulls`). -#}
{% macro last_non_null(column_name) -%}
    {{ return(adapter.dispatch('last_non_null', 'rocketmart')(column_name)) }}
{%- endmacro %}

{% macro default__last_non_null(column_name) -%}
    last_value({{ column_name }} ignore nulls)
{%- endmacro %}

{% macro spark__last_non_null(column_name) -%}
    last_value({{ column_name }}) ignore nulls
{%- endmacro %}
