{#- Days from start_at to end_at counted in whole seconds (the difference of the two
    epoch seconds, each truncated) divided by 86400, as a double: DuckDB's
    `date_diff('second', …) / 86400.0`. The Spark form does not use timestampdiff, which
    truncates the difference instead of each end (0.5 s → 1.2 s is 1 s in DuckDB, 0 s
    there), nor a decimal literal (Spark would divide in decimal). -#}
{% macro elapsed_whole_second_days(start_at, end_at) -%}
    {{ return(adapter.dispatch('elapsed_whole_second_days', 'rocketmart')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__elapsed_whole_second_days(start_at, end_at) -%}
    date_diff('second', {{ start_at }}, {{ end_at }}) / 86400.0
{%- endmacro %}

{% macro spark__elapsed_whole_second_days(start_at, end_at) -%}
    cast(unix_seconds({{ end_at }}) - unix_seconds({{ start_at }}) as double) / 86400
{%- endmacro %}
