{#- Top `n` items per category by popularity score (ties by item_id), from the items whose
    category (item_state_relation.category_id) is the category itself (source_level 0),
    then its parent (1), grandparent (2), ... up to the root while fewer than `n`.
    Items with is_available = false are excluded (unknown availability is kept).
    Inputs: popularity (item_id, score), item state (item_id, category_id, is_available),
    category paths (category_id, depth, path_ids root..self). -#}
{% macro category_top_items(popularity_relation, item_state_relation, category_paths_relation, n) -%}
    with

    eligible_items as (
        select
            item_state.category_id,
            popularity.item_id,
            popularity.score
        from {{ popularity_relation }} as popularity
        inner join {{ item_state_relation }} as item_state
            on popularity.item_id = item_state.item_id
        where
            item_state.category_id is not null
            and item_state.is_available is distinct from false
        -- no level ever contributes more than n items
        qualify row_number() over (
            partition by item_state.category_id
            order by popularity.score desc, popularity.item_id
        ) <= {{ n }}
    ),

    category_levels as (
        -- every category with itself (level 0) and each ancestor (level 1 = parent, ...)
        select
            category_paths.category_id,
            levels.source_level,
            category_paths.path_ids[category_paths.depth - levels.source_level] as source_category_id
        from {{ category_paths_relation }} as category_paths
        cross join lateral (
            select unnest(range(category_paths.depth)) as source_level
        ) as levels
    ),

    candidates as (
        select
            category_levels.category_id,
            eligible_items.item_id,
            eligible_items.score,
            category_levels.source_level
        from category_levels
        inner join eligible_items
            on category_levels.source_category_id = eligible_items.category_id
    )

    select
        category_id,
        row_number() over (
            partition by category_id
            order by source_level, score desc, item_id
        ) as rank,
        item_id,
        score,
        source_level
    from candidates
    qualify rank <= {{ n }}
{%- endmacro %}
