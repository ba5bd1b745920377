{#- One row per cutoff with an outcome window (training, evaluation), source item and
    candidate next item: the next-item re-ranker's input for the session_next_item
    protocol. Source items: the items with a session transition in (cutoff_at,
    outcome_ends_at] (int_recommendation_session_transitions; only they need a list).
    Candidates: the source's top max(k) association rules at the cutoff
    (int_recommendation_session_rules), its top max(k) similar items (int_item_similarity)
    and the max(k) most popular items. Features: ln(1 + rule sessions), rule confidence
    (rule sessions / sessions of the source), ln and 1 / rank of the rule, of the
    similarity neighbour and of the popularity rank (macro rank_features; missing:
    ln(1000) and 0), similarity, ln(1 + popularity), same current category. Labels:
    n_followed = transitions source -> candidate in the window, n_source_transitions =
    transitions from the source. -#}
{% set k_values = var('evaluation_k_values') %}
{% set max_k = k_values | max %}
{% set missing_rank = 1000 %}

with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where cutoff_name in ('training', 'evaluation')
),

transitions as (
    select * from {{ ref('int_recommendation_session_transitions') }}
),

rules as (
    select * from {{ ref('int_recommendation_session_rules') }}
),

item_similarity as (
    select * from {{ ref('int_item_similarity') }}
    where rank <= {{ max_k }}
),

popularity as (
    select * from {{ ref('int_item_popularity') }}
),

item_state as (
    select item_state.*
    from {{ ref('int_recommendation_item_state') }} as item_state
    semi join cutoffs
        on item_state.cutoff_name = cutoffs.cutoff_name
),

source_items as (
    select
        cutoff_name,
        item_id,
        -- bigint on both engines (a DuckDB sum of bigints is a hugeint)
        cast(sum(n_transitions) as bigint) as n_source_transitions
    from transitions
    group by cutoff_name, item_id
),

-- -- candidates ------------------------------------------------------------------------------
-- each generator's rows with its own features, then one row per candidate (grouped max): one
-- pass instead of joining the rules and the similarity back onto the pool, so the rules are
-- read once and never held in memory beside the wide join (it ran out of memory under the
-- 1 GB cap at full scale)
generator_rows as (
    select
        cutoff_name,
        item_id,
        rule_item_id as candidate_item_id,
        n_rule_sessions,
        n_item_sessions,
        rule_rank,
        cast(null as double) as similarity,
        cast(null as bigint) as similarity_rank
    from rules
    union all
    select
        item_similarity.cutoff_name,
        item_similarity.item_id,
        item_similarity.similar_item_id as candidate_item_id,
        cast(null as bigint) as n_rule_sessions,
        cast(null as bigint) as n_item_sessions,
        cast(null as bigint) as rule_rank,
        item_similarity.similarity,
        item_similarity.rank as similarity_rank
    from item_similarity
    semi join source_items
        on
            item_similarity.cutoff_name = source_items.cutoff_name
            and item_similarity.item_id = source_items.item_id
    union all
    select
        source_items.cutoff_name,
        source_items.item_id,
        popularity.item_id as candidate_item_id,
        cast(null as bigint) as n_rule_sessions,
        cast(null as bigint) as n_item_sessions,
        cast(null as bigint) as rule_rank,
        cast(null as double) as similarity,
        cast(null as bigint) as similarity_rank
    from source_items
    inner join popularity
        on
            source_items.cutoff_name = popularity.cutoff_name
            and popularity.popularity_rank <= {{ max_k }}
            and source_items.item_id != popularity.item_id
),

pool as (
    select
        cutoff_name,
        item_id,
        candidate_item_id,
        max(n_rule_sessions) as n_rule_sessions,
        max(n_item_sessions) as n_item_sessions,
        max(rule_rank) as rule_rank,
        max(similarity) as similarity,
        max(similarity_rank) as similarity_rank
    from generator_rows
    group by cutoff_name, item_id, candidate_item_id
),

features as (
    select
        pool.cutoff_name,
        pool.item_id,
        pool.candidate_item_id,
        ln(1 + coalesce(pool.n_rule_sessions, 0)) as rule_sessions_log,
        coalesce(pool.n_rule_sessions / pool.n_item_sessions, 0) as rule_confidence,
        {{ rank_features('pool.rule_rank', 'rule', missing_rank) }},
        coalesce(pool.similarity, 0) as similarity,
        {{ rank_features('pool.similarity_rank', 'similarity', missing_rank) }},
        {{ rank_features('popularity.popularity_rank', 'global', missing_rank) }},
        ln(1 + coalesce(popularity.score, 0)) as popularity_log,
        case
            when coalesce(source_state.category_id = candidate_state.category_id, false)
                then cast(1 as double)
            else cast(0 as double)
        end as same_category,
        coalesce(transitions.n_transitions, 0) as n_followed,
        source_items.n_source_transitions
    from pool
    inner join source_items
        on
            pool.cutoff_name = source_items.cutoff_name
            and pool.item_id = source_items.item_id
    left join popularity
        on
            pool.cutoff_name = popularity.cutoff_name
            and pool.candidate_item_id = popularity.item_id
    left join item_state as source_state
        on
            pool.cutoff_name = source_state.cutoff_name
            and pool.item_id = source_state.item_id
    left join item_state as candidate_state
        on
            pool.cutoff_name = candidate_state.cutoff_name
            and pool.candidate_item_id = candidate_state.item_id
    left join transitions
        on
            pool.cutoff_name = transitions.cutoff_name
            and pool.item_id = transitions.item_id
            and pool.candidate_item_id = transitions.next_item_id
),

final as (
    select
        -- ids
        cutoff_name,
        item_id,
        candidate_item_id,
        -- features
        rule_sessions_log,
        rule_confidence,
        rule_log_rank,
        rule_reciprocal_rank,
        similarity,
        similarity_log_rank,
        similarity_reciprocal_rank,
        global_log_rank,
        global_reciprocal_rank,
        popularity_log,
        same_category,
        -- labels
        n_followed,
        n_source_transitions
    from features
)

select * from final
