{#- Upper bound of the Wilson score interval for a binomial proportion successes / trials
    (z = 1.96: 95 %); the counterpart of wilson_lower_bound. Null when trials is 0; a
    floating-point round-off above 1 (at successes = trials) is reported as 1.
    Dispatched like wilson_lower_bound: Spark's form casts each decimal quotient's
    operands to double (Spark divides decimal literals in decimal, rounded to 6 places). -#}
{% macro wilson_upper_bound(successes, trials, z=1.96) -%}
    {{ return(adapter.dispatch('wilson_upper_bound', 'rocketmart')(successes, trials, z)) }}
{%- endmacro %}

{% macro default__wilson_upper_bound(successes, trials, z) -%}
    {%- set p = '(cast(' ~ successes ~ ' as double) / nullif(' ~ trials ~ ', 0))' -%}
    {%- set n = 'nullif(' ~ trials ~ ', 0)' -%}
    case
        when {{ successes }} = {{ trials }} and {{ trials }} > 0 then 1.0
        else (
            {{ p }} + {{ z }} * {{ z }} / (2.0 * {{ n }})
            + {{ z }} * sqrt({{ p }} * (1.0 - {{ p }}) / {{ n }} + {{ z }} * {{ z }} / (4.0 * {{ n }} * {{ n }}))
        ) / (1.0 + {{ z }} * {{ z }} / {{ n }})
    end
{%- endmacro %}

{% macro spark__wilson_upper_bound(successes, trials, z) -%}
    {%- set p = '(cast(' ~ successes ~ ' as double) / nullif(' ~ trials ~ ', 0))' -%}
    {%- set n = 'nullif(' ~ trials ~ ', 0)' -%}
    {%- set z2 = 'cast(' ~ z ~ ' * ' ~ z ~ ' as double)' -%}
    case
        when {{ successes }} = {{ trials }} and {{ trials }} > 0 then cast(1 as double)
        else (
            {{ p }} + {{ z2 }} / cast(2.0 * {{ n }} as double)
            + cast({{ z }} as double) * sqrt(
                {{ p }} * (1 - {{ p }}) / {{ n }} + {{ z2 }} / cast(4.0 * {{ n }} * {{ n }} as double)
            )
        ) / (1 + {{ z2 }} / cast({{ n }} as double))
    end
{%- endmacro %}
