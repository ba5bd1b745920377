{#- One row per cutoff that runs the single-generator recommenders, audience visitor and
    candidate item: the re-ranker's input. Candidates = the items any generator proposed
    (int_recommendation_candidates of the recommenders item_similarity, co_purchase,
    category_popularity, als and the hybrid blend: each already without bought and
    unavailable items) plus the
    cutoff's top list_length available items by popularity (global_popularity), minus the
    visitor's bought items. Features (0 / ln(1000) / 0 when a generator did not propose it):
      <generator>_score, <generator>_log_rank, <generator>_reciprocal_rank  per generator
                            (its score, ln and 1 / its rank);
      global_log_rank, global_reciprocal_rank  of the item's popularity rank at the cutoff
                            (macro rank_features for every rank);
      popularity_log        ln(1 + popularity score) (int_item_popularity);
      recent_weight         strongest recent event of the visitor on the item (0 none);
      category_share        share of the visitor's recent events in the item's category;
      top_category_share    category_share when the category generator proposed the item
                            (a top seller of the visitor's favourite category), else 0.
    is_new_interaction (label; null without an outcome window): the visitor had an event
    on the item in (cutoff_at, outcome_ends_at] and none at or before the cutoff
    (int_recommendation_new_item_targets), the target of recommendation_evaluation's
    visitor_time_split protocol. -#}
{% set generators = ['item_similarity', 'co_purchase', 'category_popularity', 'als', 'hybrid'] %}
{% set missing_rank = 1000 %}

with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

-- read twice below (the cutoffs it covers, the pool): scanned once per use
candidates as {{ cte_not_materialized() }} (
    select * from {{ ref('int_recommendation_candidates') }}
    where
        recommender in (
            '{{ generators | join("', '") }}'
        )
),

audience as (
    select * from {{ ref('int_recommendation_audience') }}
),

popularity as (
    select * from {{ ref('int_item_popularity') }}
),

suppressions as {{ cte_not_materialized() }} (
    select * from {{ ref('int_recommendation_suppressions') }}
),

recent_items as (
    select * from {{ ref('int_recommendation_recent_items') }}
),

visitor_items as (
    select * from {{ ref('int_recommendation_visitor_items') }}
),

item_state as {{ cte_not_materialized() }} (
    select * from {{ ref('int_recommendation_item_state') }}
),

new_item_targets as (
    select * from {{ ref('int_recommendation_new_item_targets') }}
),

-- cutoffs whose lists a re-ranker can order: the generator recommenders ran there
-- (the candidates' cutoffs grouped on the one key before the join: they are millions of
-- rows)
candidate_cutoffs as (
    select distinct cutoff_name
    from candidates
    -- every list has a rank 1: its first rows are enough (and this reads the candidates
    -- apart from the pool, without buffering them for it)
    where rank = 1
),

reranker_cutoffs as (
    select cutoffs.*
    from cutoffs
    inner join candidate_cutoffs
        on cutoffs.cutoff_name = candidate_cutoffs.cutoff_name
),

global_top as (
    select
        popularity.cutoff_name,
        popularity.item_id,
        row_number() over (
            partition by popularity.cutoff_name
            order by popularity.popularity_rank
        ) as available_rank
    -- (every cutoff's: global_candidates keeps the re-ranker's)
    from popularity
    anti join suppressions as unavailable
        on
            popularity.cutoff_name = unavailable.cutoff_name
            and popularity.item_id = unavailable.item_id
            and unavailable.reason = 'unavailable'
    qualify available_rank <= (
        select max(reranker_cutoffs.list_length) from reranker_cutoffs
    )
),

-- each re-ranker cutoff's top list_length available items
reranker_global_top as (
    select
        global_top.cutoff_name,
        global_top.item_id
    from global_top
    inner join reranker_cutoffs
        on
            global_top.cutoff_name = reranker_cutoffs.cutoff_name
            and global_top.available_rank <= reranker_cutoffs.list_length
),

-- the audience of those cutoffs (the other cutoffs' audience has no candidates)
reranker_audience as (
    select
        audience.cutoff_name,
        audience.visitor_id
    from audience
    semi join reranker_cutoffs
        on audience.cutoff_name = reranker_cutoffs.cutoff_name
),

global_candidates as (
    select
        reranker_audience.cutoff_name,
        reranker_audience.visitor_id,
        reranker_global_top.item_id
    from reranker_audience
    inner join reranker_global_top
        on reranker_audience.cutoff_name = reranker_global_top.cutoff_name
    anti join suppressions as already_bought
        on
            reranker_audience.cutoff_name = already_bought.cutoff_name
            and reranker_audience.visitor_id = already_bought.visitor_id
            and reranker_global_top.item_id = already_bought.item_id
            and already_bought.reason = 'already_bought'
),

-- one row per item the generators proposed to the visitor (grouped: an item several
-- generators proposed is one row), each generator's score and rank (null: not proposed;
-- the rank as a 4-byte integer: a smaller aggregate)
proposed as (
    select
        {%- for generator in generators %}
            max(score) filter (where recommender = '{{ generator }}') as {{ generator }}_score,
            min(cast(rank as int)) filter (where recommender = '{{ generator }}') as {{ generator }}_rank,
        {%- endfor %}
        cutoff_name,
        visitor_id,
        item_id
    from candidates
    group by cutoff_name, visitor_id, item_id
),

-- the candidates: the proposed items and the global ones (full join: a global item no
-- generator proposed has no generator score or rank)
pool as (
    select
        {%- for generator in generators %}
            proposed.{{ generator }}_score,
            proposed.{{ generator }}_rank,
        {%- endfor %}
        coalesce(proposed.cutoff_name, global_candidates.cutoff_name) as cutoff_name,
        coalesce(proposed.visitor_id, global_candidates.visitor_id) as visitor_id,
        coalesce(proposed.item_id, global_candidates.item_id) as item_id
    from proposed
    full join global_candidates
        on
            proposed.cutoff_name = global_candidates.cutoff_name
            and proposed.visitor_id = global_candidates.visitor_id
            and proposed.item_id = global_candidates.item_id
),

-- the re-ranker cutoffs' item popularity and categories (build sides of the joins below)
reranker_popularity as (
    select
        popularity.cutoff_name,
        popularity.item_id,
        popularity.popularity_rank,
        popularity.score
    from popularity
    semi join reranker_cutoffs
        on popularity.cutoff_name = reranker_cutoffs.cutoff_name
),

item_categories as (
    select
        item_state.cutoff_name,
        item_state.item_id,
        item_state.category_id
    from item_state
    semi join reranker_cutoffs
        on item_state.cutoff_name = reranker_cutoffs.cutoff_name
    where item_state.category_id is not null
),

recent_categories as (
    select
        recent_items.cutoff_name,
        recent_items.visitor_id,
        item_categories.category_id,
        sum(recent_items.n_recent_events) as n_category_events,
        sum(sum(recent_items.n_recent_events)) over (
            partition by recent_items.cutoff_name, recent_items.visitor_id
        ) as n_visitor_events
    from recent_items
    inner join item_categories
        on
            recent_items.cutoff_name = item_categories.cutoff_name
            and recent_items.item_id = item_categories.item_id
    group by recent_items.cutoff_name, recent_items.visitor_id, item_categories.category_id
),

-- the visitor's strongest recent event on the item before the cutoff (every candidate's
-- visitor is in the audience, whose recent items are the visitor items with a
-- recent_weight, so only the audience's visitor items are read)
audience_items as (
    select
        visitor_items.cutoff_name,
        visitor_items.visitor_id,
        visitor_items.item_id,
        visitor_items.recent_weight
    from visitor_items
    semi join reranker_audience
        on
            visitor_items.cutoff_name = reranker_audience.cutoff_name
            and visitor_items.visitor_id = reranker_audience.visitor_id
),

features as (
    select
        pool.cutoff_name,
        pool.visitor_id,
        pool.item_id,
        {%- for generator in generators %}
            coalesce(pool.{{ generator }}_score, 0) as {{ generator }}_score,
            {{ rank_features('pool.' ~ generator ~ '_rank', generator, missing_rank) }},
        {%- endfor %}
        {{ rank_features('popularity.popularity_rank', 'global', missing_rank) }},
        ln(1 + coalesce(popularity.score, 0)) as popularity_log,
        coalesce(audience_items.recent_weight, 0) as recent_weight,
        coalesce(recent_categories.n_category_events / recent_categories.n_visitor_events, 0)
            as category_share,
        case
            when coalesce(pool.category_popularity_score, 0) > 0
                then
                    coalesce(
                        recent_categories.n_category_events / recent_categories.n_visitor_events, 0
                    )
            else 0
        end as top_category_share,
        case
            when reranker_cutoffs.outcome_ends_at is null then null
            else new_item_targets.item_id is not null
        end as is_new_interaction
    from pool
    inner join reranker_cutoffs
        on pool.cutoff_name = reranker_cutoffs.cutoff_name
    left join reranker_popularity as popularity
        on
            pool.cutoff_name = popularity.cutoff_name
            and pool.item_id = popularity.item_id
    left join item_categories
        on
            pool.cutoff_name = item_categories.cutoff_name
            and pool.item_id = item_categories.item_id
    left join recent_categories
        on
            pool.cutoff_name = recent_categories.cutoff_name
            and pool.visitor_id = recent_categories.visitor_id
            and item_categories.category_id = recent_categories.category_id
    left join audience_items
        on
            pool.cutoff_name = audience_items.cutoff_name
            and pool.visitor_id = audience_items.visitor_id
            and pool.item_id = audience_items.item_id
    left join new_item_targets
        on
            pool.cutoff_name = new_item_targets.cutoff_name
            and pool.visitor_id = new_item_targets.visitor_id
            and pool.item_id = new_item_targets.item_id
),

final as (
    select
        -- ids
        cutoff_name,
        visitor_id,
        item_id,
        -- features
        {%- for generator in generators %}
            {{ generator }}_score,
            {{ generator }}_log_rank,
            {{ generator }}_reciprocal_rank,
        {%- endfor %}
        global_log_rank,
        global_reciprocal_rank,
        popularity_log,
        recent_weight,
        category_share,
        top_category_share,
        -- label
        is_new_interaction
    from features
)

select * from final
