{#- One row per recommendation cutoff, recommender, audience visitor and rank: the
    visitor's best list_length items of the recommender's blend, before the popularity
    fill of int_recommendation_lists. Each generator scores (visitor, item) in (0, 1]:
      item_similarity / co_purchase: sum over the visitor's recent items of recent_weight
        x neighbour similarity (int_item_similarity) or co-purchase confidence
        (int_bought_together, both directions), over the visitor's best such sum;
      category_popularity: the item's score in the visitor's most-viewed category list
        (int_category_top_items; most recent views, then events, then category_id), over
        the list's best.
    The blend is the weighted sum of a recommender's generators (int_recommenders; hybrid =
    0.75 · similarity + 0.25 · category), rounded to 12 decimals; ranked by score desc,
    then item_id. Suppressed items (already bought, unavailable) never appear. -#}
with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

recommenders as (
    select * from {{ ref('int_recommenders') }}
    where generator is not null
),

-- read by both generators: scanned once per use, not copied into a CTE result
recent_items as not materialized (
    select * from {{ ref('int_recommendation_recent_items') }}
),

item_similarity as (
    select * from {{ ref('int_item_similarity') }}
),

bought_together as (
    select * from {{ ref('int_bought_together') }}
),

item_state as (
    select * from {{ ref('int_recommendation_item_state') }}
    where category_id is not null
),

category_top_items as (
    select * from {{ ref('int_category_top_items') }}
),

-- read twice below (bought, unavailable): scanned once per use
suppressions as not materialized (
    select * from {{ ref('int_recommendation_suppressions') }}
),

-- -- item-neighbour generators ----------------------------------------------------------------
neighbours as (
    select
        cutoff_name,
        'item_similarity' as generator,
        item_id,
        similar_item_id,
        similarity
    from item_similarity
    union all
    select
        cutoff_name,
        'co_purchase' as generator,
        item_a as item_id,
        item_b as similar_item_id,
        confidence_a_to_b as similarity
    from bought_together
    union all
    select
        cutoff_name,
        'co_purchase' as generator,
        item_b as item_id,
        item_a as similar_item_id,
        confidence_b_to_a as similarity
    from bought_together
),

used_neighbours as (
    select neighbours.*
    from neighbours
    semi join recommenders
        on
            neighbours.cutoff_name = recommenders.cutoff_name
            and neighbours.generator = recommenders.generator
),

neighbour_sums as (
    select
        recent_items.cutoff_name,
        used_neighbours.generator,
        recent_items.visitor_id,
        used_neighbours.similar_item_id as item_id,
        sum(recent_items.recent_weight * used_neighbours.similarity) as neighbour_sum
    from recent_items
    inner join used_neighbours
        on
            recent_items.cutoff_name = used_neighbours.cutoff_name
            and recent_items.item_id = used_neighbours.item_id
    group by
        recent_items.cutoff_name,
        used_neighbours.generator,
        recent_items.visitor_id,
        used_neighbours.similar_item_id
),

-- normalised by the visitor's best sum; a window, so neighbour_sums is read once
neighbour_scores as (
    select
        cutoff_name,
        generator,
        visitor_id,
        item_id,
        neighbour_sum / max(neighbour_sum) over (
            partition by cutoff_name, generator, visitor_id
        ) as score
    from neighbour_sums
),

-- -- category generator ------------------------------------------------------------------------
category_cutoffs as (
    select distinct cutoff_name
    from recommenders
    where generator = 'category_popularity'
),

top_categories as (
    select
        recent_items.cutoff_name,
        recent_items.visitor_id,
        item_state.category_id
    from recent_items
    semi join category_cutoffs
        on recent_items.cutoff_name = category_cutoffs.cutoff_name
    inner join item_state
        on
            recent_items.cutoff_name = item_state.cutoff_name
            and recent_items.item_id = item_state.item_id
    group by recent_items.cutoff_name, recent_items.visitor_id, item_state.category_id
    qualify row_number() over (
        partition by recent_items.cutoff_name, recent_items.visitor_id
        order by
            sum(recent_items.n_recent_views) desc,
            sum(recent_items.n_recent_events) desc,
            item_state.category_id
    ) = 1
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
        top_categories.cutoff_name,
        'category_popularity' as generator,
        top_categories.visitor_id,
        category_list_scores.item_id,
        category_list_scores.score
    from top_categories
    inner join category_list_scores
        on
            top_categories.cutoff_name = category_list_scores.cutoff_name
            and top_categories.category_id = category_list_scores.category_id
),

-- -- blend ------------------------------------------------------------------------------------
generator_scores as (
    select * from neighbour_scores
    union all
    select * from category_scores
),

blended as (
    select
        generator_scores.cutoff_name,
        recommenders.recommender,
        generator_scores.visitor_id,
        generator_scores.item_id,
        -- rounded: parallel float sums differ in the last bits between runs, and ranks
        -- must not
        round(sum(recommenders.weight * generator_scores.score), 12) as score,
        bool_or(generator_scores.generator != 'category_popularity') as has_neighbour_score
    from generator_scores
    inner join recommenders
        on
            generator_scores.cutoff_name = recommenders.cutoff_name
            and generator_scores.generator = recommenders.generator
    group by
        generator_scores.cutoff_name,
        recommenders.recommender,
        generator_scores.visitor_id,
        generator_scores.item_id
),

blended_top as (
    select
        blended.*,
        row_number() over (
            partition by blended.cutoff_name, blended.recommender, blended.visitor_id
            order by blended.score desc, blended.item_id asc
        ) as rank
    from blended
    inner join cutoffs
        on blended.cutoff_name = cutoffs.cutoff_name
    anti join suppressions as already_bought
        on
            blended.cutoff_name = already_bought.cutoff_name
            and blended.visitor_id = already_bought.visitor_id
            and blended.item_id = already_bought.item_id
            and already_bought.reason = 'already_bought'
    anti join suppressions as unavailable
        on
            blended.cutoff_name = unavailable.cutoff_name
            and blended.item_id = unavailable.item_id
            and unavailable.reason = 'unavailable'
    qualify rank <= cutoffs.list_length
),

final as (
    select
        -- ids
        cutoff_name,
        recommender,
        visitor_id,
        rank,
        item_id,
        -- measures
        score,
        -- flags
        has_neighbour_score
    from blended_top
)

select * from final
