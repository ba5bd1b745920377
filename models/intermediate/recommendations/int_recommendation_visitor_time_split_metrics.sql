{#- One row per recommender and k: the visitor_time_split protocol of
    recommendation_evaluation at the evaluation cutoff. Evaluated: visitors with a list
    at the cutoff (int_recommendation_lists: active, non-bot, returning) and at least one
    target, an item they interacted with in the test window (cutoff_at, outcome_ends_at]
    and never at or before the cutoff (int_recommendation_new_item_targets). Metrics averaged over them: precision@k = hits in
    the top k / k, recall@k = hits / targets, hit_rate@k = at least one hit, MRR@k = 1 /
    rank of the first hit in the top k (0 if none); n_recommended_items = distinct items
    in their top k lists. -#}
{% set k_values = var('evaluation_k_values') %}

with

test_targets as (
    select * from {{ ref('int_recommendation_new_item_targets') }}
    where cutoff_name = 'evaluation'
),

lists as (
    select * from {{ ref('int_recommendation_lists') }}
    where cutoff_name = 'evaluation'
),

k_values as (
    select {{ unnest_list(array_from(k_values | join(', '))) }} as k
),

target_counts as (
    select
        visitor_id,
        count(*) as n_targets
    from test_targets
    group by visitor_id
),

-- the evaluated lists: one per recommender and visitor with a target, cut at each k
evaluated_lists as (
    select
        lists.recommender,
        lists.visitor_id,
        lists.rank,
        lists.item_id,
        k_values.k,
        target_counts.n_targets
    from lists
    inner join target_counts
        on lists.visitor_id = target_counts.visitor_id
    inner join k_values
        on lists.rank <= k_values.k
),

visitor_hits as (
    select
        evaluated_lists.recommender,
        evaluated_lists.visitor_id,
        evaluated_lists.k,
        evaluated_lists.n_targets,
        count(test_targets.item_id) as n_hits,
        min(evaluated_lists.rank) filter (where test_targets.item_id is not null) as first_hit_rank
    from evaluated_lists
    left join test_targets
        on
            evaluated_lists.visitor_id = test_targets.visitor_id
            and evaluated_lists.item_id = test_targets.item_id
    group by
        evaluated_lists.recommender,
        evaluated_lists.visitor_id,
        evaluated_lists.k,
        evaluated_lists.n_targets
),

coverage as (
    select
        recommender,
        k,
        count(distinct item_id) as n_recommended_items
    from evaluated_lists
    group by recommender, k
),

metrics as (
    select
        recommender,
        k,
        count(*) as n_evaluated,
        avg(n_hits / k) as precision_at_k,
        avg(n_hits / n_targets) as recall_at_k,
        -- double, not decimal literals: Spark would average and divide decimals rounded
        avg(case when n_hits > 0 then cast(1 as double) else 0 end) as hit_rate_at_k,
        avg(coalesce(cast(1 as double) / first_hit_rank, 0)) as mrr_at_k
    from visitor_hits
    group by recommender, k
),

final as (
    select
        -- ids
        'visitor_time_split' as protocol,
        metrics.recommender as strategy,
        metrics.k,
        -- measures
        metrics.n_evaluated,
        metrics.precision_at_k,
        metrics.recall_at_k,
        metrics.hit_rate_at_k,
        metrics.mrr_at_k,
        coverage.n_recommended_items
    from metrics
    inner join coverage
        on
            metrics.recommender = coverage.recommender
            and metrics.k = coverage.k
)

select * from final
