{#- The two features of a rank (1 = best): ln(rank) and 1 / rank; missing_rank and 0 when
    the rank is null (the generator did not propose the item). -#}
{% macro rank_features(rank, name, missing_rank) -%}
    ln(coalesce({{ rank }}, {{ missing_rank }})) as {{ name }}_log_rank,
    coalesce(cast(1 as double) / {{ rank }}, 0) as {{ name }}_reciprocal_rank
{%- endmacro %}
