{#- The three per-type event counts of an aggregate: n_views, n_addtocarts,
    n_transactions (column `event_type` of the events in scope). -#}
{% macro event_type_counts(event_type_column='event_type') -%}
    count(*) filter (where {{ event_type_column }} = 'view') as n_views,
    count(*) filter (where {{ event_type_column }} = 'addtocart') as n_addtocarts,
    count(*) filter (where {{ event_type_column }} = 'transaction') as n_transactions
{%- endmacro %}
