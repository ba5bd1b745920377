{#- Lower bound of the Wilson score interval for a binomial proportion successes / trials
    (z = 1.96: 95 %). Small samples get a low bound, so an item seen by one visitor who
    bought it does not top a ranking by luck. Null when trials is 0; a floating-point
    round-off below 0 (at successes = 0) is reported as 0. -#}
{% macro wilson_lower_bound(successes, trials, z=1.96) -%}
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
