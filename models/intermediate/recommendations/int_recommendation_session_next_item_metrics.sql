{#- One row per next-item recommender and k: the session_next_item protocol of
    recommendation_evaluation at the evaluation cutoff. Test sessions: the views of
    non-bot visitors (bot-like over the whole period: production cutoff) after the
    cutoff, consecutive repeats of one item collapsed; each view with a next view is a
    transition. From the viewed item predict the next one with an item-to-item model
    fitted at the cutoff: association_rules (items co-viewed in a training session of a
    visitor not bot-like at the cutoff, by number of sessions, ties by item id),
    item_similarity (int_item_similarity), global_popularity (int_item_popularity) or
    reranked (the next-item re-ranker over those three, int_recommendation_next_item_reranked);
    items without rules fall back to global popularity for that strategy only.
    hit_rate_at_k = HR@k, mrr_at_k = MRR@k over transitions; n_recommended_items =
    distinct predicted items in the top k for the transitions' items. -#}
{% set k_values = var('evaluation_k_values') %}
{% set max_k = k_values | max %}

with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where cutoff_name = 'evaluation'
),

-- training and test views of one scan
events as {{ cte_not_materialized() }} (
    select * from {{ ref('int_events_enriched') }}
    where event_type = 'view'
),

bot_like_visitors as (
    select * from {{ ref('int_recommendation_suppressions') }}
    where reason = 'bot_like'
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

-- -- test transitions ------------------------------------------------------------------------
test_views as (
    select
        events.visitor_id,
        events.session_number,
        events.visitor_event_number,
        events.item_id,
        lag(events.item_id) over session_timeline as previous_item_id
    from events
    inner join cutoffs
        on
            events.event_at > cutoffs.cutoff_at
            and events.event_at <= cutoffs.outcome_ends_at
    anti join bot_like_visitors
        on
            events.visitor_id = bot_like_visitors.visitor_id
            and bot_like_visitors.cutoff_name = 'production'
    window session_timeline as (
        partition by events.visitor_id, events.session_number
        order by events.visitor_event_number
    )
),

collapsed_views as (
    select
        visitor_id,
        session_number,
        visitor_event_number,
        item_id,
        lead(item_id) over (
            partition by visitor_id, session_number order by visitor_event_number
        ) as next_item_id
    from test_views
    where previous_item_id is distinct from item_id
),

test_transitions as (
    select
        visitor_id,
        session_number,
        visitor_event_number,
        item_id,
        next_item_id
    from collapsed_views
    where next_item_id is not null
),

test_items as (
    select distinct item_id
    from test_transitions
),

-- -- next-item models fitted at the cutoff ---------------------------------------------------
training_session_items as (
    select distinct
        events.visitor_id,
        events.session_number,
        events.item_id
    from events
    inner join cutoffs
        on events.event_at <= cutoffs.cutoff_at
    anti join bot_like_visitors
        on
            events.visitor_id = bot_like_visitors.visitor_id
            and bot_like_visitors.cutoff_name = 'evaluation'
),

association_rules as (
    select
        items_a.item_id,
        items_b.item_id as predicted_item_id,
        row_number() over (
            partition by items_a.item_id
            order by count(*) desc, items_b.item_id asc
        ) as rank
    from training_session_items as items_a
    -- rules are only looked up for items with a test transition
    semi join test_items
        on items_a.item_id = test_items.item_id
    inner join training_session_items as items_b
        on
            items_a.visitor_id = items_b.visitor_id
            and items_a.session_number = items_b.session_number
            and items_a.item_id != items_b.item_id
    group by items_a.item_id, items_b.item_id
    qualify rank <= {{ max_k }}
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
        predicted_item_id,
        rank
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
        count(*) as n_evaluated,
        -- double, not decimal literals: Spark would average and divide decimals rounded
        avg(
            case when transition_ranks.hit_rank <= k_values.k then cast(1 as double) else 0 end
        ) as hit_rate_at_k,
        avg(
            case
                when transition_ranks.hit_rank <= k_values.k
                    then cast(1 as double) / transition_ranks.hit_rank
                else 0
            end
        ) as mrr_at_k
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
