{#- One row per cutoff with an outcome window (training, evaluation), source item and
    candidate next item: the next-item re-ranker's input for the session_next_item
    protocol. Source items: items viewed in a session transition of (cutoff_at,
    outcome_ends_at] (non-bot visitors, consecutive repeats collapsed, as in
    int_recommendation_session_next_item_metrics; only they need a list). Candidates: the
    source's top max(k) association rules (items co-viewed in a training session at or
    before the cutoff, by sessions desc, then item id), its top max(k) similar items
    (int_item_similarity) and the max(k) most popular items. Features: ln(1 + rule
    sessions), rule confidence (rule sessions / sessions of the source), ln and 1 / rank
    of the rule, of the similarity neighbour and of the popularity rank (macro
    rank_features; missing: ln(1000) and 0), similarity, ln(1 + popularity), same current
    category. Labels: n_followed =
    transitions source -> candidate in the window, n_source_transitions = transitions
    from the source. -#}
{% set k_values = var('evaluation_k_values') %}
{% set max_k = k_values | max %}
{% set missing_rank = 1000 %}

with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where cutoff_name in ('training', 'evaluation')
),

views as {{ cte_not_materialized() }} (
    select * from {{ ref('int_events_enriched') }}
    where event_type = 'view'
),

bot_like_visitors as (
    select * from {{ ref('int_recommendation_suppressions') }}
    where reason = 'bot_like'
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

-- -- transitions of the outcome window ------------------------------------------------------
window_views as (
    select
        cutoffs.cutoff_name,
        views.visitor_id,
        views.session_number,
        views.visitor_event_number,
        views.item_id,
        lag(views.item_id) over session_timeline as previous_item_id
    from views
    inner join cutoffs
        on
            views.event_at > cutoffs.cutoff_at
            and views.event_at <= cutoffs.outcome_ends_at
    anti join bot_like_visitors
        on
            views.visitor_id = bot_like_visitors.visitor_id
            -- evaluation: bot-like over the whole period, as the metrics model; training:
            -- as known at the evaluation cutoff, so its labels never read the test window
            and bot_like_visitors.cutoff_name
            = case when cutoffs.cutoff_name = 'training' then 'evaluation' else 'production' end
    window session_timeline as (
        partition by cutoffs.cutoff_name, views.visitor_id, views.session_number
        order by views.visitor_event_number
    )
),

collapsed_views as (
    select
        cutoff_name,
        item_id,
        lead(item_id) over (
            partition by cutoff_name, visitor_id, session_number order by visitor_event_number
        ) as next_item_id
    from window_views
    where previous_item_id is distinct from item_id
),

transitions as (
    select
        cutoff_name,
        item_id,
        next_item_id,
        count(*) as n_followed
    from collapsed_views
    where next_item_id is not null
    group by cutoff_name, item_id, next_item_id
),

source_items as (
    select
        cutoff_name,
        item_id,
        -- bigint on both engines (a DuckDB sum of bigints is a hugeint)
        cast(sum(n_followed) as bigint) as n_source_transitions
    from transitions
    group by cutoff_name, item_id
),

-- -- association rules at the cutoff -----------------------------------------------------------
session_items as (
    select distinct
        cutoffs.cutoff_name,
        views.visitor_id,
        views.session_number,
        views.item_id
    from views
    inner join cutoffs
        on views.event_at <= cutoffs.cutoff_at
    anti join bot_like_visitors
        on
            cutoffs.cutoff_name = bot_like_visitors.cutoff_name
            and views.visitor_id = bot_like_visitors.visitor_id
),

source_sessions as (
    select
        session_items.cutoff_name,
        session_items.item_id,
        count(*) as n_sessions
    from session_items
    semi join source_items
        on
            session_items.cutoff_name = source_items.cutoff_name
            and session_items.item_id = source_items.item_id
    group by session_items.cutoff_name, session_items.item_id
),

rules as (
    select
        items_a.cutoff_name,
        items_a.item_id,
        items_b.item_id as candidate_item_id,
        count(*) as n_rule_sessions,
        row_number() over (
            partition by items_a.cutoff_name, items_a.item_id
            order by count(*) desc, items_b.item_id asc
        ) as rule_rank
    from session_items as items_a
    semi join source_items
        on
            items_a.cutoff_name = source_items.cutoff_name
            and items_a.item_id = source_items.item_id
    inner join session_items as items_b
        on
            items_a.cutoff_name = items_b.cutoff_name
            and items_a.visitor_id = items_b.visitor_id
            and items_a.session_number = items_b.session_number
            and items_a.item_id != items_b.item_id
    group by items_a.cutoff_name, items_a.item_id, items_b.item_id
    qualify rule_rank <= {{ max_k }}
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
        candidate_item_id,
        n_rule_sessions,
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
        coalesce(pool.n_rule_sessions / source_sessions.n_sessions, 0) as rule_confidence,
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
        coalesce(transitions.n_followed, 0) as n_followed,
        source_items.n_source_transitions
    from pool
    inner join source_items
        on
            pool.cutoff_name = source_items.cutoff_name
            and pool.item_id = source_items.item_id
    left join source_sessions
        on
            pool.cutoff_name = source_sessions.cutoff_name
            and pool.item_id = source_sessions.item_id
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
