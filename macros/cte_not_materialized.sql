{#- The CTE modifier that makes DuckDB inline a CTE read several times (`events as {{
    cte_not_materialized() }} (...)`) instead of materialising it first; nothing on
    engines without it (Spark always inlines CTEs). -#}
{% macro cte_not_materialized() -%}
    {{ return(adapter.dispatch('cte_not_materialized', 'rocketmart')()) }}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro spark__cte_not_materialized() -%}
{%- endmacro %}
