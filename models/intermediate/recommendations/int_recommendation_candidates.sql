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
    then item_id. Suppressed items (already bought, unavailable) never appear.
    A list of the category generator alone is its category list without the suppressed
    items: ranked once per category list, not once per visitor, except for the visitors
    who bought an item of their list (ranked with the blends). -#}
with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

-- cutoff, (cutoff, generator) and (cutoff, recommender) as small integer keys: DuckDB
-- groups and partitions the large CTEs below much faster by integers than by strings
recommenders as (
    select
        *,
        dense_rank() over (order by cutoff_name) as cutoff_key,
        dense_rank() over (order by cutoff_name, generator) as generator_key,
        dense_rank() over (order by cutoff_name, recommender) as list_key,
        generator = 'category_popularity'
        and count(*) over (partition by cutoff_name, recommender) = 1 as is_category_only
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
    where reason in ('already_bought', 'unavailable')
),

als_candidates as (
    select * from {{ ref('int_recommendation_als_candidates') }}
),

generators as (
    select distinct
        cutoff_name,
        cutoff_key,
        generator,
        generator_key
    from recommenders
),

cutoff_keys as (
    select distinct
        cutoff_name,
        cutoff_key
    from recommenders
),

-- the suppressed (visitor, item) pairs and items of each cutoff, on its integer key
cutoff_suppressions as (
    select
        cutoff_keys.cutoff_key,
        suppressions.reason,
        suppressions.visitor_id,
        suppressions.item_id
    from suppressions
    inner join cutoff_keys
        on suppressions.cutoff_name = cutoff_keys.cutoff_name
),

-- -- item-neighbour generators ----------------------------------------------------------------
used_neighbours as (
    select
        item_neighbours.*,
        generators.cutoff_key,
        generators.generator_key
    from item_neighbours
    inner join generators
        on
            item_neighbours.cutoff_name = generators.cutoff_name
            and item_neighbours.generator = generators.generator
),

neighbour_sums as (
    select
        used_neighbours.cutoff_key,
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
        used_neighbours.cutoff_key,
        used_neighbours.generator_key,
        recent_items.visitor_id,
        used_neighbours.linked_item_id
),

-- normalised by the visitor's best sum; a window, so neighbour_sums is read once
neighbour_scores as (
    select
        cutoff_key,
        generator_key,
        visitor_id,
        item_id,
        neighbour_sum / max(neighbour_sum) over (partition by generator_key, visitor_id) as score,
        true as has_neighbour_score,
        false as is_list_ranked
    from neighbour_sums
),

-- -- category generator ------------------------------------------------------------------------
top_categories as (
    select
        generators.cutoff_key,
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
        generators.cutoff_key,
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

-- visitors who bought an item of their category's list: their category-only list is not
-- that list as ranked once for everyone (below), so it is ranked with the blends
bought_category_items as (
    select distinct
        top_categories.generator_key,
        top_categories.visitor_id
    from top_categories
    inner join cutoff_suppressions as already_bought
        on
            top_categories.cutoff_key = already_bought.cutoff_key
            and top_categories.visitor_id = already_bought.visitor_id
            and already_bought.reason = 'already_bought'
    inner join category_list_scores
        on
            top_categories.cutoff_name = category_list_scores.cutoff_name
            and top_categories.category_id = category_list_scores.category_id
            and already_bought.item_id = category_list_scores.item_id
),

category_visitors as (
    select
        top_categories.cutoff_key,
        top_categories.generator_key,
        top_categories.visitor_id,
        top_categories.cutoff_name,
        top_categories.category_id,
        bought_category_items.visitor_id is null as is_list_ranked
    from top_categories
    left join bought_category_items
        on
            top_categories.generator_key = bought_category_items.generator_key
            and top_categories.visitor_id = bought_category_items.visitor_id
),

category_scores as (
    select
        category_visitors.cutoff_key,
        category_visitors.generator_key,
        category_visitors.visitor_id,
        category_list_scores.item_id,
        category_list_scores.score,
        false as has_neighbour_score,
        category_visitors.is_list_ranked
    from category_visitors
    inner join category_list_scores
        on
            category_visitors.cutoff_name = category_list_scores.cutoff_name
            and category_visitors.category_id = category_list_scores.category_id
),

-- -- ALS generator -----------------------------------------------------------------------------
-- score = 1 / ALS rank (factor dot products are not on a common scale across visitors)
als_scores as (
    select
        generators.cutoff_key,
        generators.generator_key,
        als_candidates.visitor_id,
        als_candidates.item_id,
        cast(1 as double) / als_candidates.rank as score,
        true as has_neighbour_score,
        false as is_list_ranked
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

-- suppressed once per generator row (before the blends copy them into several lists): an
-- item is left out of a list exactly when it is left out of every generator it blends
kept_scores as (
    select generator_scores.*
    from generator_scores
    anti join cutoff_suppressions as already_bought
        on
            generator_scores.cutoff_key = already_bought.cutoff_key
            and generator_scores.visitor_id = already_bought.visitor_id
            and generator_scores.item_id = already_bought.item_id
            and already_bought.reason = 'already_bought'
    anti join cutoff_suppressions as unavailable
        on
            generator_scores.cutoff_key = unavailable.cutoff_key
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
    -- except the category-only lists that are their category list as ranked (below)
    where not (recommenders.is_category_only and kept_scores.is_list_ranked)
    group by recommenders.list_key, kept_scores.visitor_id, kept_scores.item_id
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

-- -- category-only lists ------------------------------------------------------------------------
-- each category list without its unavailable items, scored and ranked as the blend would
-- (round(weight x score, 12) desc, then item_id) once, then given to every visitor whose
-- top category it is and who bought none of its items
category_list_ranks as (
    select
        recommenders.list_key,
        category_list_scores.category_id,
        category_list_scores.item_id,
        round(recommenders.weight * category_list_scores.score, 12) as score,
        row_number() over (
            partition by recommenders.list_key, category_list_scores.category_id
            order by
                round(recommenders.weight * category_list_scores.score, 12) desc,
                category_list_scores.item_id asc
        ) as rank
    from category_list_scores
    inner join recommenders
        on
            category_list_scores.cutoff_name = recommenders.cutoff_name
            and recommenders.is_category_only
    anti join cutoff_suppressions as unavailable
        on
            recommenders.cutoff_key = unavailable.cutoff_key
            and category_list_scores.item_id = unavailable.item_id
            and unavailable.reason = 'unavailable'
),

ranked_category_lists as (
    select
        category_list_ranks.list_key,
        category_visitors.visitor_id,
        category_list_ranks.item_id,
        category_list_ranks.score,
        false as has_neighbour_score,
        category_list_ranks.rank
    from category_visitors
    inner join recommenders
        on
            category_visitors.generator_key = recommenders.generator_key
            and recommenders.is_category_only
    inner join category_list_ranks
        on
            recommenders.list_key = category_list_ranks.list_key
            and category_visitors.category_id = category_list_ranks.category_id
    where category_visitors.is_list_ranked
),

-- -- lists ----------------------------------------------------------------------------------
ranked as (
    select * from ranked_blend
    union all
    select * from ranked_category_lists
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

final as (
    select
        -- ids
        lists.cutoff_name,
        lists.recommender,
        ranked.visitor_id,
        ranked.rank,
        ranked.item_id,
        -- measures
        ranked.score,
        -- flags
        ranked.has_neighbour_score
    from ranked
    inner join lists
        on ranked.list_key = lists.list_key
    where ranked.rank <= lists.list_length
)

select * from final
