{#- The select list that turns a coefficient table (one row per feature: feature, mean,
    scale, coefficient; the intercept as feature '(intercept)') into one row with columns
    <feature>_mean, <feature>_scale, <feature>_coefficient for each of `features`, and
    intercept. Aggregates: select it `from` the coefficient table. -#}
{% macro logistic_model_columns(features) -%}
    {%- for feature in features %}
    max(mean) filter (where feature = '{{ feature }}') as {{ feature }}_mean,
    max(scale) filter (where feature = '{{ feature }}') as {{ feature }}_scale,
    max(coefficient) filter (where feature = '{{ feature }}') as {{ feature }}_coefficient,
    {%- endfor %}
    max(coefficient) filter (where feature = '(intercept)') as intercept
{%- endmacro %}
