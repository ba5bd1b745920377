{#- Collapses ranked recommendations (visitor_id, rank, item_id, strategy) into one row
    per visitor: recommended_item_ids (comma-separated, best first) and the strategy of
    the best-ranked item. Used by the campaign marts. `list_length` = the lists' largest
    rank (ranks above it are dropped): one grouped pass picks the item at each rank 1 ..
    list_length and joins them, skipping the ranks a short list lacks (no ordered
    aggregate: about half the cost of an ordered list on DuckDB; portable SQL). -#}
{% macro recommended_item_list(recommendations_relation, list_length) -%}
    select
        visitor_id,
        concat_ws(
            ','
            {%- for list_rank in range(1, list_length + 1) %},
            cast(max(item_id) filter (where rank = {{ list_rank }}) as {{ type_text() }})
            {%- endfor %}
        ) as recommended_item_ids,
        {{ arg_max_keep_null('strategy', '-rank') }} as recommendation_strategy
    from {{ recommendations_relation }}
    group by visitor_id
{%- endmacro %}
