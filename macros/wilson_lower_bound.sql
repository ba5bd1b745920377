{#- Lower bound of the Wilson score interval for a binomial proportion successes / trials
    (z = 1.96: 95 %). Small samples get a low bound, so an item seen by one visitor who
    bought it does not top a ranking by luck. Null when trials is 0; a floating-point
    round-off below 0 (at successes = 0) is reported as 0. Dispatched: Spark reads 1.96
    and 2.0 as decimals and divides decimals in decimal (rounded to 6 places), so its
    form casts each decimal quotient's operands to double, as DuckDB does implicitly. -#}
{% macro wilson_lower_bound(successes, trials, z=1.96) -%}
    {{ return(adapter.dispatch('wilson_lower_bound', 'rocketmart')(successes, trials, z)) }}
{%- endmacro %}

{% macro default__wilson_lower_bound(successes, trials, z) -%}
    {%- set p = '(cast(' ~ successes ~ ' as double) / nullif(' ~ trials ~ ', 0))' -%}
    {%- set n = 'nullif(' ~ trials ~ ', 0)' -%}
    case
        when {{ successes }} = 0 and {{ trials }} > 0 then 0.0
        else (
            {{ p }} + {{ z }} * {{ z }} / (2.0 * {{ n }})
            - {{ z }} * sqrt({{ p }} * (1.0 - {{ p }}) / {{ n }} + {{ z }} * {{ z }} / (4.0 * {{ n }} * {{ n }}))
        ) / (1.0 + {{ z }} * {{ z }} / {{ n }})
    end
{%- endmacro %}

{% macro spark__wilson_lower_bound(successes, trials, z) -%}
    {%- set p = '(cast(' ~ successes ~ ' as double) / nullif(' ~ trials ~ ', 0))' -%}
    {%- set n = 'nullif(' ~ trials ~ ', 0)' -%}
    {%- set z2 = 'cast(' ~ z ~ ' * ' ~ z ~ ' as double)' -%}
    case
        when {{ successes }} = 0 and {{ trials }} > 0 then cast(0 as double)
        else (
            {{ p }} + {{ z2 }} / cast(2.0 * {{ n }} as double)
            - cast({{ z }} as double) * sqrt(
                {{ p }} * (1 - {{ p }}) / {{ n }} + {{ z2 }} / cast(4.0 * {{ n }} * {{ n }} as double)
            )
        ) / (1 + {{ z2 }} / cast({{ n }} as double))
    end
{%- endmacro %}
