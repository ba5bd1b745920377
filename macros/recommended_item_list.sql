{#- Collapses ranked recommendations (visitor_id, rank, item_id, strategy) into one row
    per visitor: recommended_item_ids (comma-separated, best first) and the strategy of
    the best-ranked item. Used by the campaign marts. -#}
{% macro recommended_item_list(recommendations_relation) -%}
    select
        visitor_id,
        string_agg(cast(item_id as varchar), ',' order by rank) as recommended_item_ids,
        arg_min(strategy, rank) as recommendation_strategy
    from {{ recommendations_relation }}
    group by visitor_id
{%- endmacro %}
