{#- One row per recommendation cutoff, recommender, audience visitor and rank: the
    visitor's list_length recommended items. First the recommender's blended candidates
    (int_recommendation_candidates), labelled with the recommender's name when one of
    them has an item-neighbour score, else category_popularity; then the free slots are
    filled from global popularity at the cutoff (score = popularity over the top
    available item's), labelled global_popularity (cold start). Already bought and
    unavailable items (int_recommendation_suppressions) never appear; ties by item_id.
    The recommender `reranked` takes its candidates from int_recommendation_reranked_candidates
    (with their reason); other blends' reason is "recommended by <recommender>", the fill's
    "top seller in the shop (#<global rank>)". Lists are made only where they are read:
    every recommender at the evaluation cutoff (recommendation_evaluation), the re-ranker's
    at the others (visitor_recommendations, the campaigns); elsewhere the single generators
    only feed the re-ranker (int_recommendation_reranker_features). -#}
with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

recommenders as (
    select distinct
        cutoff_name,
        recommender
    from {{ ref('int_recommenders') }}
    where cutoff_name = 'evaluation' or recommender = 'reranked'
),

audience as (
    select * from {{ ref('int_recommendation_audience') }}
),

-- the blends with their reason, then the re-ranker's lists: int_recommendation_reranked_candidates
-- has exactly these columns in this order (the candidates' shape plus reason)
candidates as {{ cte_not_materialized() }} (
    select
        cutoff_name,
        recommender,
        visitor_id,
        rank,
        item_id,
        score,
        has_neighbour_score,
        concat('recommended by ', recommender) as reason
    from {{ ref('int_recommendation_candidates') }}
    where cutoff_name = 'evaluation'
    union all
    select * from {{ ref('int_recommendation_reranked_candidates') }}
),

popularity as (
    select * from {{ ref('int_item_popularity') }}
),

suppressions as {{ cte_not_materialized() }} (
    select * from {{ ref('int_recommendation_suppressions') }}
),

candidate_counts as (
    -- a visitor's blended rows are labelled with the recommender when any of them has a
    -- neighbour score (then its best row does: neighbour scores dominate the blend)
    select
        cutoff_name,
        recommender,
        visitor_id,
        count(*) as n_blended,
        case
            when bool_or(has_neighbour_score) then recommender
            else 'category_popularity'
        end as strategy
    from candidates
    group by cutoff_name, recommender, visitor_id
),

global_ranked as (
    select
        popularity.cutoff_name,
        popularity.item_id,
        popularity.score / max(popularity.score) over (partition by popularity.cutoff_name) as score,
        row_number() over (
            partition by popularity.cutoff_name
            order by popularity.score desc, popularity.item_id asc
        ) as global_rank
    from popularity
    anti join suppressions as unavailable
        on
            popularity.cutoff_name = unavailable.cutoff_name
            and popularity.item_id = unavailable.item_id
            and unavailable.reason = 'unavailable'
),

fill_slots as (
    -- the global ranks a visitor's fill may reach, one row each (an equi-join below
    -- instead of a range join): list_length + n_bought + n_blended global items always
    -- leave enough after removing bought and already blended items; only visitors with
    -- free slots
    select
        audience.cutoff_name,
        recommenders.recommender,
        audience.visitor_id,
        coalesce(candidate_counts.n_blended, 0) as n_blended,
        {{ integer_series(
            1, 'cutoffs.list_length + audience.n_bought + coalesce(candidate_counts.n_blended, 0) + 1'
        ) }} as global_rank
    from audience
    inner join cutoffs
        on audience.cutoff_name = cutoffs.cutoff_name
    inner join recommenders
        on audience.cutoff_name = recommenders.cutoff_name
    left join candidate_counts
        on
            audience.cutoff_name = candidate_counts.cutoff_name
            and recommenders.recommender = candidate_counts.recommender
            and audience.visitor_id = candidate_counts.visitor_id
    where coalesce(candidate_counts.n_blended, 0) < cutoffs.list_length
),

global_fill as (
    select
        fill_slots.cutoff_name,
        fill_slots.recommender,
        fill_slots.visitor_id,
        global_ranked.item_id,
        global_ranked.score,
        global_ranked.global_rank,
        fill_slots.n_blended + row_number() over (
            partition by fill_slots.cutoff_name, fill_slots.recommender, fill_slots.visitor_id
            order by fill_slots.global_rank
        ) as rank
    from fill_slots
    inner join global_ranked
        on
            fill_slots.cutoff_name = global_ranked.cutoff_name
            and fill_slots.global_rank = global_ranked.global_rank
    anti join suppressions as already_bought
        on
            fill_slots.cutoff_name = already_bought.cutoff_name
            and fill_slots.visitor_id = already_bought.visitor_id
            and global_ranked.item_id = already_bought.item_id
            and already_bought.reason = 'already_bought'
    anti join candidates
        on
            fill_slots.cutoff_name = candidates.cutoff_name
            and fill_slots.recommender = candidates.recommender
            and fill_slots.visitor_id = candidates.visitor_id
            and global_ranked.item_id = candidates.item_id
),

-- the labelled candidates, then the popularity fill of the free slots
final as (
    select
        -- ids
        candidates.cutoff_name,
        candidates.recommender,
        candidates.visitor_id,
        candidates.rank,
        candidates.item_id,
        -- measures
        candidates.score,
        candidate_counts.strategy,
        candidates.reason
    from candidates
    inner join candidate_counts
        on
            candidates.cutoff_name = candidate_counts.cutoff_name
            and candidates.recommender = candidate_counts.recommender
            and candidates.visitor_id = candidate_counts.visitor_id

    union all

    select
        global_fill.cutoff_name,
        global_fill.recommender,
        global_fill.visitor_id,
        global_fill.rank,
        global_fill.item_id,
        global_fill.score,
        'global_popularity' as strategy,
        concat('top seller in the shop (#', global_fill.global_rank, ')') as reason
    from global_fill
    inner join cutoffs
        on global_fill.cutoff_name = cutoffs.cutoff_name
    where global_fill.rank <= cutoffs.list_length
)

select * from final
