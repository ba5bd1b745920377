{#- Elapsed time from start_at to end_at in days, as a double (epoch seconds / 86400), so
    comparisons such as `> churn_days` are exact to the millisecond. Dispatched so another
    adapter (e.g. dbt-spark) can supply its own epoch function. -#}
{% macro elapsed_days(start_at, end_at) -%}
    {{ return(adapter.dispatch('elapsed_days', 'rocketmart')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__elapsed_days(start_at, end_at) -%}
    (epoch({{ end_at }}) - epoch({{ start_at }})) / 86400.0
{%- endmacro %}

{% macro spark__elapsed_days(start_at, end_at) -%}
    (unix_micros({{ end_at }}) - unix_micros({{ start_at }})) / 86400000000.0
{%- endmacro %}
