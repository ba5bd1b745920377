{#- Elapsed time from start_at to end_at in days, as a double (epoch seconds / 86400), so
    comparisons such as `> churn_days` are exact to the millisecond. Dispatched so another
    adapter (e.g. dbt-spark) can supply its own epoch function. -#}
{% macro elapsed_days(start_at, end_at) -%}
    {{ return(adapter.dispatch('elapsed_days', 'rocketmart')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__elapsed_days(start_at, end_at) -%}
    (epoch({{ end_at }}) - epoch({{ start_at }})) / 86400.0
{%- endmacro %}

{#- the same double operations as DuckDB's epoch() difference (no decimal literal: Spark
    would divide in decimal and round) -#}
{% macro spark__elapsed_days(start_at, end_at) -%}
    (
        cast(unix_micros({{ end_at }}) as double) / 1000000
        - cast(unix_micros({{ start_at }}) as double) / 1000000
    ) / 86400
{%- endmacro %}
