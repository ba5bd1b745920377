{#- Select of (visitor_id, item_id, score, has_neighbour_score, rank): each active visitor's
    best `n` blended items that may be recommended (see visitor_recommendation_context for
    who is active and what is excluded). For a visitor:
    - neighbour score: sum over recent items of weight x neighbour similarity
      (neighbours_relation: item_id, similar_item_id, similarity), divided by the visitor's
      best neighbour score, so in (0, 1];
    - category score: the visitor's most-viewed current category (item_state_relation),
      its list in category_lists_relation (category_id, item_id, score), score divided by
      the list's best, so in (0, 1];
    - blend = neighbour_weight x neighbour score + category_weight x category score
      (defaults 0.75 / 0.25: exact in binary floating point), ranked by score desc, then
      item_id. neighbours_relation / category_lists_relation may be none.
    With with_context = false the context CTEs must already be in scope (the macro is then
    inlined by visitor_recommendation_lists); else it renders them itself. Production
    materialises it as int_visitor_recommendation_candidates: as a CTE read three times
    by the list query, DuckDB had to hold ~3 M rows pinned and ran out of memory under a
    1 GB limit. -#}
{% macro visitor_recommendation_candidates(
    events_relation,
    as_of_at,
    item_state_relation,
    category_lists_relation,
    neighbours_relation,
    n,
    neighbour_weight=none,
    category_weight=none,
    recent_days=30,
    with_context=true
) -%}
    {#- the production blend: similarity first, category popularity as a 1/4 bonus -#}
    {%- set neighbour_weight = 0.75 if neighbour_weight is none else neighbour_weight -%}
    {%- set category_weight = 0.25 if category_weight is none else category_weight -%}
    with

    {% if with_context -%}
        {{ visitor_recommendation_context(
            events_relation, as_of_at, item_state_relation, recent_days
        ) }},
    {%- endif %}

    {% if neighbours_relation %}
        neighbour_sums as (
            select
                recent_items.visitor_id,
                neighbours.similar_item_id as item_id,
                sum(recent_items.recent_weight * neighbours.similarity) as neighbour_sum
            from recent_items
            inner join {{ neighbours_relation }} as neighbours
                on recent_items.item_id = neighbours.item_id
            group by recent_items.visitor_id, neighbours.similar_item_id
        ),

        -- normalised by the visitor's best neighbour sum; a window, so neighbour_sums is
        -- read once (read twice, DuckDB would first copy its ~5 M rows into a CTE result)
        neighbour_scores as (
            select
                visitor_id,
                item_id,
                {{ neighbour_weight }} * neighbour_sum
                / max(neighbour_sum) over (partition by visitor_id) as score
            from neighbour_sums
        ),
    {% endif %}

    {% if category_lists_relation %}
        top_categories as (
            select
                recent_items.visitor_id,
                item_state.category_id
            from recent_items
            inner join {{ item_state_relation }} as item_state
                on recent_items.item_id = item_state.item_id
            where item_state.category_id is not null
            group by recent_items.visitor_id, item_state.category_id
            qualify row_number() over (
                partition by recent_items.visitor_id
                order by
                    sum(recent_items.n_recent_views) desc,
                    sum(recent_items.n_recent_events) desc,
                    item_state.category_id
            ) = 1
        ),

        category_list_scores as (
            -- each item's score over the best in its list (small: categories x n)
            select
                category_id,
                item_id,
                score / max(score) over (partition by category_id) as relative_score
            from {{ category_lists_relation }}
        ),

        category_scores as (
            select
                top_categories.visitor_id,
                category_list_scores.item_id,
                {{ category_weight }} * category_list_scores.relative_score as score
            from top_categories
            inner join category_list_scores
                on top_categories.category_id = category_list_scores.category_id
        ),
    {% endif %}

    blended as (
        -- (visitor, item) is unique in both parts: a full join adds the two scores
        -- (same sum as a group by over their union, without hashing every row twice)
        {%- if neighbours_relation and category_lists_relation %}
            select
                coalesce(neighbour_scores.visitor_id, category_scores.visitor_id) as visitor_id,
                coalesce(neighbour_scores.item_id, category_scores.item_id) as item_id,
                -- rounded: parallel float sums differ in the last bits between runs, and
                -- ranks must not
                round(
                    case
                        when neighbour_scores.item_id is null then category_scores.score
                        when category_scores.item_id is null then neighbour_scores.score
                        else neighbour_scores.score + category_scores.score
                    end,
                    12
                ) as score,
                neighbour_scores.item_id is not null as has_neighbour_score
            from neighbour_scores
            full outer join category_scores
                on
                    neighbour_scores.visitor_id = category_scores.visitor_id
                    and neighbour_scores.item_id = category_scores.item_id
        {%- elif neighbours_relation %}
            select
                visitor_id,
                item_id,
                round(score, 12) as score,
                true as has_neighbour_score
            from neighbour_scores
        {%- elif category_lists_relation %}
            select
                visitor_id,
                item_id,
                score,
                false as has_neighbour_score
            from category_scores
        {%- else %}
            select
                null::bigint as visitor_id,
                null::bigint as item_id,
                null::double as score,
                null::boolean as has_neighbour_score
            where false
        {%- endif %}
    ),

    blended_top as (
        -- the visitor's best n blended items that may be recommended
        select
            blended.visitor_id,
            blended.item_id,
            blended.score,
            blended.has_neighbour_score,
            row_number() over (
                partition by blended.visitor_id
                order by blended.score desc, blended.item_id asc
            ) as rank
        from blended
        left join excluded_items
            on
                blended.visitor_id = excluded_items.visitor_id
                and blended.item_id = excluded_items.item_id
        left join unavailable_items
            on blended.item_id = unavailable_items.item_id
        where excluded_items.item_id is null and unavailable_items.item_id is null
        qualify rank <= {{ n }}
    )

    select
        visitor_id,
        item_id,
        score,
        has_neighbour_score,
        rank
    from blended_top
{%- endmacro %}
