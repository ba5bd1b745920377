{#- Epoch milliseconds (bigint) to a UTC timestamp. Dispatched so the project can run on
    another adapter (e.g. dbt-spark) with its own implementation. -#}
{% macro epoch_ms_to_timestamp(column_name) -%}
    {{ return(adapter.dispatch('epoch_ms_to_timestamp', 'rocketmart')(column_name)) }}
{%- endmacro %}

{% macro default__epoch_ms_to_timestamp(column_name) -%}
    epoch_ms({{ column_name }})
{%- endmacro %}

{% macro spark__epoch_ms_to_timestamp(column_name) -%}
    timestamp_millis({{ column_name }})
{%- endmacro %}
