{#- A set-returning select expression: one bigint row per integer from `start` up to
    `stop` - 1 (none when stop <= start), like Python's range. Dispatched: DuckDB
    unnest(range(…)), Spark explode(sequence(…)) (sequence(0, -1) would count down,
    hence the guard). -#}
{% macro integer_series(start, stop) -%}
    {{ return(adapter.dispatch('integer_series', 'rocketmart')(start, stop)) }}
{%- endmacro %}

{% macro default__integer_series(start, stop) -%}
    unnest(range({{ start }}, {{ stop }}))
{%- endmacro %}

{% macro spark__integer_series(start, stop) -%}
    explode(
        case
            when ({{ stop }}) > ({{ start }})
                then sequence(cast({{ start }} as bigint), cast({{ stop }} as bigint) - 1)
            else cast(array() as array<bigint>)
        end
    )
{%- endmacro %}
