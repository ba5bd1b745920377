{#- Seconds since 1970-01-01 UTC of a timestamp, as a double with its fraction. The
    Spark form computes exactly what DuckDB's epoch() does (microseconds as a double
    divided by 1e6), so differences of it agree to the last bit on both engines. -#}
{% macro epoch_seconds(timestamp_expression) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'rocketmart')(timestamp_expression)) }}
{%- endmacro %}

{% macro default__epoch_seconds(timestamp_expression) -%}
    epoch({{ timestamp_expression }})
{%- endmacro %}

{% macro spark__epoch_seconds(timestamp_expression) -%}
    (cast(unix_micros({{ timestamp_expression }}) as double) / 1000000)
{%- endmacro %}
