{#- A set-returning select expression: one row per week number 0, 1, … from the week
    starting on `start_week` to the week starting on `end_week` (both Monday dates), none
    when end_week < start_week. Dispatched: DuckDB unnest(range(…)) with `//`, Spark
    explode(sequence(…)) with `div` (sequence(0, -1) would count down, hence the guard). -#}
{% macro week_number_series(start_week, end_week) -%}
    {{ return(adapter.dispatch('week_number_series', 'rocketmart')(start_week, end_week)) }}
{%- endmacro %}

{% macro default__week_number_series(start_week, end_week) -%}
    unnest(range(0, date_diff('day', {{ start_week }}, {{ end_week }}) // 7 + 1))
{%- endmacro %}

{% macro spark__week_number_series(start_week, end_week) -%}
    explode(
        case
            when {{ end_week }} >= {{ start_week }}
                then sequence(0, datediff({{ end_week }}, {{ start_week }}) div 7)
            else cast(array() as array<int>)
        end
    )
{%- endmacro %}
