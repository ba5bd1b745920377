{#- Top-`n` item lists for the recently active, non-bot visitors of an events relation.
    Used by visitor_recommendations (all events, as-of) and by recommendation_evaluation
    (training events, training cutoff), so both run exactly the same code.

    For a visitor active in the `recent_days` days before `as_of_at` (a SQL expression):
    - recent items: items of their events in that window, weighted by the strongest event
      type (event_type_weights: view 1, addtocart 5, transaction 10);
    - neighbour score: sum over recent items of weight x neighbour similarity
      (neighbours_relation: item_id, similar_item_id, similarity), divided by the visitor's
      best neighbour score, so in (0, 1];
    - category score: the visitor's most-viewed current category (item_state_relation),
      its list in category_lists_relation (category_id, item_id, score), score divided by
      the list's best, so in (0, 1];
    - blend = neighbour_weight x neighbour score + category_weight x category score
      (defaults 0.75 / 0.25: exact in binary floating point); the visitor's best n
      blended rows are labelled `blend_strategy` when one of them has a neighbour score,
      else `category_popularity`;
    - remaining slots are filled from global popularity (popularity_relation: item_id,
      score, normalised by the top item), labelled `global_popularity` (cold start).
    Items the visitor ever bought (in the events relation) and items with is_available =
    false are never recommended. Order: blended rows by score desc, then global rows by
    score desc; ties by item_id. neighbours_relation / category_lists_relation may be none.
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
    recent_days=30
) -%}
    {%- set max_items = var('max_items_per_visitor') -%}
    {#- the production blend: similarity first, category popularity as a 1/4 bonus -#}
    {%- set neighbour_weight = 0.75 if neighbour_weight is none else neighbour_weight -%}
    {%- set category_weight = 0.25 if category_weight is none else category_weight -%}
    with

    recent_visitors as (
        select distinct recent_events.visitor_id
        from {{ events_relation }} as recent_events
        where
            recent_events.event_at <= {{ as_of_at }}
            and recent_events.event_at > {{ as_of_at }} - interval '{{ recent_days }} days'
    ),

    visitor_items as (
        -- the whole history of the recently active visitors, one row per item
        select
            list_events.visitor_id,
            list_events.item_id,
            max(event_weights.popularity_weight) filter (
                where list_events.event_at > {{ as_of_at }} - interval '{{ recent_days }} days'
            ) as recent_weight,
            count(*) filter (
                where
                    list_events.event_at > {{ as_of_at }} - interval '{{ recent_days }} days'
                    and list_events.event_type = 'view'
            ) as n_recent_views,
            count(*) filter (
                where list_events.event_at > {{ as_of_at }} - interval '{{ recent_days }} days'
            ) as n_recent_events,
            bool_or(list_events.event_type = 'transaction') as is_bought
        from {{ events_relation }} as list_events
        inner join recent_visitors
            on list_events.visitor_id = recent_visitors.visitor_id
        inner join {{ ref('event_type_weights') }} as event_weights
            on list_events.event_type = event_weights.event_type
        where list_events.event_at <= {{ as_of_at }}
        group by list_events.visitor_id, list_events.item_id
    ),

    active_visitors as (
        select
            visitor_id,
            count(*) filter (where is_bought) as n_bought
        from visitor_items
        group by visitor_id
        having count(*) <= {{ max_items }} and count(recent_weight) > 0
    ),

    recent_items as (
        select visitor_items.*
        from visitor_items
        inner join active_visitors
            on visitor_items.visitor_id = active_visitors.visitor_id
        where visitor_items.recent_weight is not null
    ),

    excluded_items as (
        select
            visitor_items.visitor_id,
            visitor_items.item_id
        from visitor_items
        inner join active_visitors
            on visitor_items.visitor_id = active_visitors.visitor_id
        where visitor_items.is_bought
    ),

    unavailable_items as (
        select item_id
        from {{ item_state_relation }}
        where is_available = false
    ),

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

        neighbour_maxima as (
            select
                visitor_id,
                max(neighbour_sum) as max_neighbour_sum
            from neighbour_sums
            group by visitor_id
        ),

        neighbour_scores as (
            select
                neighbour_sums.visitor_id,
                neighbour_sums.item_id,
                {{ neighbour_weight }} * neighbour_sums.neighbour_sum
                / neighbour_maxima.max_neighbour_sum as score
            from neighbour_sums
            inner join neighbour_maxima
                on neighbour_sums.visitor_id = neighbour_maxima.visitor_id
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
