{#- One feature's share of a logistic model's logit: coefficient x (value - mean) / scale,
    0 when the scale is 0 or anything is null. `model` is a relation with the columns of
    logistic_model_columns, `features` one with the feature's value. -#}
{% macro logit_contribution(model, features, feature) -%}
    coalesce(
        {{ model }}.{{ feature }}_coefficient
        * ({{ features }}.{{ feature }} - {{ model }}.{{ feature }}_mean)
        / nullif({{ model }}.{{ feature }}_scale, 0),
        0
    )
{%- endmacro %}
