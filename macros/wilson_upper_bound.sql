{#- Upper bound of the Wilson score interval for a binomial proportion successes / trials
    (z = 1.96: 95 %); the counterpart of wilson_lower_bound. Null when trials is 0; a
    floating-point round-off above 1 (at successes = trials) is reported as 1. -#}
{% macro wilson_upper_bound(successes, trials, z=1.96) -%}
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
