{#- Top-`n` item lists for the recently active, non-bot visitors of an events relation.
    Used by visitor_recommendations (all events, as-of) and by recommendation_evaluation
    (training events, training cutoff), so both run exactly the same code.

    Who is active and what is never recommended: visitor_recommendation_context. The
    blended part (item similarity to the visitor's recent items and popularity in their
    most-viewed category): visitor_recommendation_candidates, inlined, or read from
    `candidates_relation` when production has materialised it. The visitor's best n
    candidates are labelled `blend_strategy` when one of them has a neighbour score, else
    `category_popularity`; remaining slots are filled from global popularity
    (popularity_relation: item_id, score, normalised by the top item), labelled
    `global_popularity` (cold start). Order: blended rows by score desc, then global rows
    by score desc; ties by item_id.
    Output: visitor_id, rank, item_id, score, strategy. -#}
{% macro visitor_recommendation_lists(
    events_relation,
    as_of_at,
    item_state_relation,
    popularity_relation,
    category_lists_relation,
    neighbours_relation,
    n,
    blend_strategy='hybrid',
    neighbour_weight=none,
    category_weight=none,
    recent_days=30,
    candidates_relation=none
) -%}
    with

    {{ visitor_recommendation_context(
        events_relation, as_of_at, item_state_relation, recent_days
    ) }},

    blended_top as (
        {%- if candidates_relation %}
            select
                visitor_id,
                item_id,
                score,
                has_neighbour_score,
                rank
            from {{ candidates_relation }}
        {%- else %}
            {{ visitor_recommendation_candidates(
                events_relation,
                as_of_at,
                item_state_relation,
                category_lists_relation,
                neighbours_relation,
                n,
                neighbour_weight,
                category_weight,
                recent_days,
                with_context=false
            ) }}
        {%- endif %}
    ),

    blended_counts as (
        -- a visitor's blended rows are labelled blend_strategy when any of them has a
        -- neighbour score (then its best row does: neighbour scores dominate the blend)
        select
            visitor_id,
            count(*) as n_blended,
            case
                when bool_or(has_neighbour_score) then '{{ blend_strategy }}'
                else 'category_popularity'
            end as strategy
        from blended_top
        group by visitor_id
    ),

    global_ranked as (
        select
            popularity.item_id,
            popularity.score / max(popularity.score) over () as score,
            row_number() over (order by popularity.score desc, popularity.item_id asc) as global_rank
        from {{ popularity_relation }} as popularity
        left join unavailable_items
            on popularity.item_id = unavailable_items.item_id
        where unavailable_items.item_id is null
    ),

    global_fill as (
        -- only visitors with free slots; n + n_bought + n_blended global items always
        -- leave enough after removing bought and already blended items
        select
            active_visitors.visitor_id,
            global_ranked.item_id,
            global_ranked.score,
            coalesce(blended_counts.n_blended, 0) + row_number() over (
                partition by active_visitors.visitor_id
                order by global_ranked.global_rank
            ) as rank
        from active_visitors
        left join blended_counts
            on active_visitors.visitor_id = blended_counts.visitor_id
        inner join global_ranked
            on
                global_ranked.global_rank
                <= {{ n }} + active_visitors.n_bought + coalesce(blended_counts.n_blended, 0)
        left join excluded_items
            on
                active_visitors.visitor_id = excluded_items.visitor_id
                and global_ranked.item_id = excluded_items.item_id
        left join blended_top
            on
                active_visitors.visitor_id = blended_top.visitor_id
                and global_ranked.item_id = blended_top.item_id
        where
            coalesce(blended_counts.n_blended, 0) < {{ n }}
            and excluded_items.item_id is null
            and blended_top.item_id is null
    ),

    ranked as (
        select
            blended_top.visitor_id,
            blended_top.rank,
            blended_top.item_id,
            blended_top.score,
            blended_counts.strategy
        from blended_top
        inner join blended_counts
            on blended_top.visitor_id = blended_counts.visitor_id

        union all

        select
            visitor_id,
            rank,
            item_id,
            score,
            'global_popularity' as strategy
        from global_fill
    )

    select *
    from ranked
    where rank <= {{ n }}
{%- endmacro %}
