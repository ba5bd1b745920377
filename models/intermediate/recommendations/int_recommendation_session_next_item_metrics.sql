{#- One row per next-item recommender and k: the session_next_item protocol of
    recommendation_evaluation at the evaluation cutoff. Test transitions: the evaluation
    window's session transitions (int_recommendation_session_transitions: views of
    non-bot visitors after the cutoff, consecutive repeats of one item collapsed). From
    the viewed item predict the next one with an item-to-item model fitted at the cutoff:
    association_rules (int_recommendation_session_rules), item_similarity
    (int_item_similarity), global_popularity (int_item_popularity) or reranked (the
    next-item re-ranker over those three, int_recommendation_next_item_reranked); items
    without rules fall back to global popularity for that strategy only. hit_rate_at_k =
    HR@k, mrr_at_k = MRR@k over transitions (each counted n_transitions times);
    n_recommended_items = distinct predicted items in the top k for the transitions'
    items. -#}
{% set k_values = var('evaluation_k_values') %}
{% set max_k = k_values | max %}

with

test_transitions as (
    select * from {{ ref('int_recommendation_session_transitions') }}
    where cutoff_name = 'evaluation'
),

association_rules as (
    select * from {{ ref('int_recommendation_session_rules') }}
    where cutoff_name = 'evaluation'
),

item_similarity as (
    select * from {{ ref('int_item_similarity') }}
    where cutoff_name = 'evaluation' and rank <= {{ max_k }}
),

popularity as (
    select * from {{ ref('int_item_popularity') }}
    where cutoff_name = 'evaluation'
),

reranked as (
    select * from {{ ref('int_recommendation_next_item_reranked') }}
),

k_values as (
    select {{ unnest_list(array_from(k_values | join(', '))) }} as k
),

test_items as (
    select distinct item_id
    from test_transitions
),

global_top_items as (
    select
        item_id as predicted_item_id,
        popularity_rank as rank
    from popularity
    where popularity_rank <= {{ max_k }}
),

session_strategies as (
    select
        {{ unnest_list(array_from(
            "'association_rules', 'item_similarity', 'global_popularity', 'reranked'"
        )) }} as strategy
),

item_predictions as (
    select
        'association_rules' as strategy,
        item_id,
        rule_item_id as predicted_item_id,
        rule_rank as rank
    from association_rules
    union all
    select
        'item_similarity' as strategy,
        item_id,
        similar_item_id as predicted_item_id,
        rank
    from item_similarity
    union all
    select
        'reranked' as strategy,
        item_id,
        predicted_item_id,
        rank
    from reranked
),

-- -- metrics -------------------------------------------------------------------------------
transition_ranks as (
    select
        session_strategies.strategy,
        test_transitions.n_transitions,
        coalesce(item_predictions.rank, global_top_items.rank) as hit_rank
    from test_transitions
    cross join session_strategies
    left join item_predictions
        on
            session_strategies.strategy = item_predictions.strategy
            and test_transitions.item_id = item_predictions.item_id
            and test_transitions.next_item_id = item_predictions.predicted_item_id
    left join global_top_items
        on
            session_strategies.strategy = 'global_popularity'
            and test_transitions.next_item_id = global_top_items.predicted_item_id
),

coverage as (
    select
        item_predictions.strategy,
        k_values.k,
        count(distinct item_predictions.predicted_item_id) as n_recommended_items
    from item_predictions
    semi join test_items
        on item_predictions.item_id = test_items.item_id
    inner join k_values
        on item_predictions.rank <= k_values.k
    group by item_predictions.strategy, k_values.k
    union all
    select
        'global_popularity' as strategy,
        k_values.k,
        count(*) as n_recommended_items
    from global_top_items
    inner join k_values
        on global_top_items.rank <= k_values.k
    group by k_values.k
),

metrics as (
    select
        transition_ranks.strategy,
        k_values.k,
        -- bigint on both engines (a DuckDB sum of bigints is a hugeint)
        cast(sum(transition_ranks.n_transitions) as bigint) as n_evaluated,
        -- averages over the transitions, each item pair weighted by its count; double,
        -- not decimal literals: Spark would divide decimals rounded
        sum(
            case
                when transition_ranks.hit_rank <= k_values.k
                    then cast(transition_ranks.n_transitions as double)
                else 0
            end
        ) / sum(transition_ranks.n_transitions) as hit_rate_at_k,
        sum(
            case
                when transition_ranks.hit_rank <= k_values.k
                    then cast(transition_ranks.n_transitions as double) / transition_ranks.hit_rank
                else 0
            end
        ) / sum(transition_ranks.n_transitions) as mrr_at_k
    from transition_ranks
    cross join k_values
    group by transition_ranks.strategy, k_values.k
),

final as (
    select
        -- ids
        'session_next_item' as protocol,
        metrics.strategy,
        metrics.k,
        -- measures
        metrics.n_evaluated,
        cast(null as double) as precision_at_k,
        cast(null as double) as recall_at_k,
        metrics.hit_rate_at_k,
        metrics.mrr_at_k,
        coverage.n_recommended_items
    from metrics
    left join coverage
        on
            metrics.strategy = coverage.strategy
            and metrics.k = coverage.k
)

select * from final
