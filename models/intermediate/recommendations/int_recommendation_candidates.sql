{#- One row per recommendation cutoff, recommender, audience visitor and rank: the
    visitor's best list_length items of the recommender's blend, before the popularity
    fill of int_recommendation_lists. Each generator scores (visitor, item) in (0, 1]:
      item_similarity / co_purchase: sum over the visitor's recent items of recent_weight
        x the link's strength (int_recommendation_item_neighbours: neighbour similarity or
        co-purchase confidence), over the visitor's best such sum;
      category_popularity: the item's score in the visitor's most-viewed category list
        (int_category_top_items; most recent views, then events, then category_id), over
        the list's best;
      als: 1 / rank in the visitor's ALS list (int_recommendation_als_candidates).
    The blend is the weighted sum of a recommender's generators (int_recommenders; hybrid =
    0.75 · similarity + 0.25 · category), rounded to 12 decimals; ranked by score desc,
    then item_id. Suppressed items (already bought, unavailable) never appear. -#}
with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

-- (cutoff, generator) and (cutoff, recommender) as small integer keys: DuckDB groups and
-- partitions the large CTEs below much faster by integers than by strings
recommenders as (
    select
        *,
        dense_rank() over (order by cutoff_name, generator) as generator_key,
        dense_rank() over (order by cutoff_name, recommender) as list_key
    from {{ ref('int_recommenders') }}
    where generator is not null
),

-- read by both generators: scanned once per use, not copied into a CTE result
recent_items as {{ cte_not_materialized() }} (
    select * from {{ ref('int_recommendation_recent_items') }}
),

item_neighbours as (
    select * from {{ ref('int_recommendation_item_neighbours') }}
),

item_state as (
    select * from {{ ref('int_recommendation_item_state') }}
    where category_id is not null
),

category_top_items as (
    select * from {{ ref('int_category_top_items') }}
),

suppressions as (
    select * from {{ ref('int_recommendation_suppressions') }}
),

als_candidates as (
    select * from {{ ref('int_recommendation_als_candidates') }}
),

generators as (
    select distinct
        cutoff_name,
        generator,
        generator_key
    from recommenders
),

-- -- item-neighbour generators ----------------------------------------------------------------
used_neighbours as (
    select
        item_neighbours.*,
        generators.generator_key
    from item_neighbours
    inner join generators
        on
            item_neighbours.cutoff_name = generators.cutoff_name
            and item_neighbours.generator = generators.generator
),

neighbour_sums as (
    select
        used_neighbours.generator_key,
        recent_items.visitor_id,
        used_neighbours.linked_item_id as item_id,
        sum(recent_items.recent_weight * used_neighbours.strength) as neighbour_sum
    from recent_items
    inner join used_neighbours
        on
            recent_items.cutoff_name = used_neighbours.cutoff_name
            and recent_items.item_id = used_neighbours.item_id
    group by
        used_neighbours.generator_key,
        recent_items.visitor_id,
        used_neighbours.linked_item_id
),

-- normalised by the visitor's best sum; a window, so neighbour_sums is read once
neighbour_scores as (
    select
        generator_key,
        visitor_id,
        item_id,
        neighbour_sum / max(neighbour_sum) over (partition by generator_key, visitor_id) as score,
        true as has_neighbour_score
    from neighbour_sums
),

-- -- category generator ------------------------------------------------------------------------
top_categories as (
    select
        generators.generator_key,
        recent_items.visitor_id,
        recent_items.cutoff_name,
        item_state.category_id,
        -- in the select list, not in qualify: Spark cannot order a qualify window by aggregates
        row_number() over (
            partition by generators.generator_key, recent_items.visitor_id
            order by
                sum(recent_items.n_recent_views) desc,
                sum(recent_items.n_recent_events) desc,
                item_state.category_id
        ) as category_rank
    from recent_items
    inner join generators
        on
            recent_items.cutoff_name = generators.cutoff_name
            and generators.generator = 'category_popularity'
    inner join item_state
        on
            recent_items.cutoff_name = item_state.cutoff_name
            and recent_items.item_id = item_state.item_id
    group by
        generators.generator_key,
        recent_items.visitor_id,
        recent_items.cutoff_name,
        item_state.category_id
    qualify category_rank = 1
),

category_list_scores as (
    -- each item's score over the best in its list (small: categories x list_length)
    select
        cutoff_name,
        category_id,
        item_id,
        score / max(score) over (partition by cutoff_name, category_id) as score
    from category_top_items
),

category_scores as (
    select
        top_categories.generator_key,
        top_categories.visitor_id,
        category_list_scores.item_id,
        category_list_scores.score,
        false as has_neighbour_score
    from top_categories
    inner join category_list_scores
        on
            top_categories.cutoff_name = category_list_scores.cutoff_name
            and top_categories.category_id = category_list_scores.category_id
),

-- -- ALS generator -----------------------------------------------------------------------------
-- score = 1 / ALS rank (factor dot products are not on a common scale across visitors)
als_scores as (
    select
        generators.generator_key,
        als_candidates.visitor_id,
        als_candidates.item_id,
        cast(1 as double) / als_candidates.rank as score,
        true as has_neighbour_score
    from als_candidates
    inner join generators
        on
            als_candidates.cutoff_name = generators.cutoff_name
            and generators.generator = 'als'
),

-- -- blend ------------------------------------------------------------------------------------
generator_scores as (
    select * from neighbour_scores
    union all
    select * from category_scores
    union all
    select * from als_scores
),

-- the suppressed (visitor, item) pairs and items of each generator's cutoff, on its key
generator_suppressions as (
    select
        generators.generator_key,
        suppressions.reason,
        suppressions.visitor_id,
        suppressions.item_id
    from suppressions
    inner join generators
        on suppressions.cutoff_name = generators.cutoff_name
    where suppressions.reason in ('already_bought', 'unavailable')
),

-- suppressed once per generator row (before the blends copy them into several lists): an
-- item is left out of a list exactly when it is left out of every generator it blends
kept_scores as (
    select generator_scores.*
    from generator_scores
    anti join generator_suppressions as already_bought
        on
            generator_scores.generator_key = already_bought.generator_key
            and generator_scores.visitor_id = already_bought.visitor_id
            and generator_scores.item_id = already_bought.item_id
            and already_bought.reason = 'already_bought'
    anti join generator_suppressions as unavailable
        on
            generator_scores.generator_key = unavailable.generator_key
            and generator_scores.item_id = unavailable.item_id
            and unavailable.reason = 'unavailable'
),

blended as (
    select
        recommenders.list_key,
        kept_scores.visitor_id,
        kept_scores.item_id,
        -- rounded: parallel float sums differ in the last bits between runs, and ranks
        -- must not
        round(sum(recommenders.weight * kept_scores.score), 12) as score,
        bool_or(kept_scores.has_neighbour_score) as has_neighbour_score
    from kept_scores
    inner join recommenders
        on kept_scores.generator_key = recommenders.generator_key
    group by recommenders.list_key, kept_scores.visitor_id, kept_scores.item_id
),

lists as (
    select distinct
        recommenders.list_key,
        recommenders.cutoff_name,
        recommenders.recommender,
        cutoffs.list_length
    from recommenders
    inner join cutoffs
        on recommenders.cutoff_name = cutoffs.cutoff_name
),

-- ranked on the narrow rows (the window holds only keys and scores in memory)
ranked_blend as (
    select
        list_key,
        visitor_id,
        item_id,
        score,
        has_neighbour_score,
        row_number() over (
            partition by list_key, visitor_id
            order by score desc, item_id asc
        ) as rank
    from blended
),

final as (
    select
        -- ids
        lists.cutoff_name,
        lists.recommender,
        ranked_blend.visitor_id,
        ranked_blend.rank,
        ranked_blend.item_id,
        -- measures
        ranked_blend.score,
        -- flags
        ranked_blend.has_neighbour_score
    from ranked_blend
    inner join lists
        on ranked_blend.list_key = lists.list_key
    where ranked_blend.rank <= lists.list_length
)

select * from final
