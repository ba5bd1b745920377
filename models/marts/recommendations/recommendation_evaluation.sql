{#- One row per (protocol, strategy, k): honest offline evaluation on a time split. Every
    strategy is fitted on training events only (at or before train_end_at) with the same
    macros / Python function as the production marts, then scored on the test window.

    visitor_time_split: non-bot visitors active in the 30 days before the cutoff (so they
    get a list) with at least one new item in the test window; targets = distinct items
    they interacted with in the test window and never before the cutoff (repeats are not
    a recommendation's merit). Lists are 20 deep; metrics at k = 5, 10, 20.

    session_next_item: test sessions' view sequences (non-bot visitors, consecutive repeats
    of one item collapsed); from each viewed item predict the next one with an
    item-to-item model: association rules (sessions of the training window containing both
    items), item similarity, or global popularity. HR@k and MRR@k. -#}
{% set max_k = 20 %}
{% set k_values = [5, 10, 20] %}

with

events as (
    select * from {{ ref('int_events_enriched') }}
),

time_split as (
    select * from {{ ref('int_recommendation_time_split') }}
),

training_events as (
    select * from {{ ref('int_recommendation_training_events') }}
),

training_item_state as (
    select * from {{ ref('int_recommendation_training_item_state') }}
),

training_popularity as (
    select * from {{ ref('int_recommendation_training_item_popularity') }}
),

training_category_lists as (
    select * from {{ ref('int_recommendation_training_category_lists') }}
),

training_similarity as (
    select * from {{ ref('int_recommendation_training_item_similarity') }}
),

training_pairs as (
    select * from {{ ref('int_recommendation_training_bought_together') }}
),

training_interactions as (
    select * from {{ ref('int_recommendation_training_interactions') }}
),

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

-- -- split -----------------------------------------------------------------------------------
test_events as (
    select events.*
    from events
    inner join time_split
        on events.event_at > time_split.train_end_at
),

catalogue as (
    select count(distinct item_id) as n_catalogue_items
    from training_events
),

k_values as (
    select unnest({{ k_values }}) as k
),

-- -- visitor protocol: targets ---------------------------------------------------------------
test_visitors as (
    select distinct visitor_id
    from test_events
),

-- only visitors with a test event can have a target: their training pairs suffice
training_visitor_items as (
    select distinct
        training_events.visitor_id,
        training_events.item_id
    from training_events
    inner join test_visitors
        on training_events.visitor_id = test_visitors.visitor_id
),

test_targets as (
    select distinct
        test_events.visitor_id,
        test_events.item_id
    from test_events
    left join training_visitor_items
        on
            test_events.visitor_id = training_visitor_items.visitor_id
            and test_events.item_id = training_visitor_items.item_id
    where training_visitor_items.item_id is null
),

target_counts as (
    select
        visitor_id,
        count(*) as n_targets
    from test_targets
    group by visitor_id
),

-- only the training events of visitors with a target: their lists do not depend on others
candidate_training_events as (
    select training_events.*
    from training_events
    inner join target_counts
        on training_events.visitor_id = target_counts.visitor_id
),

-- co-purchase neighbours in both directions, weighted by confidence
co_purchase_neighbours as (
    select
        item_a as item_id,
        item_b as similar_item_id,
        confidence_a_to_b as similarity
    from training_pairs
    union all
    select
        item_b as item_id,
        item_a as similar_item_id,
        confidence_b_to_a as similarity
    from training_pairs
),

-- -- visitor protocol: one list per strategy (same macro as visitor_recommendations) -------
{% set strategies = {
    'global_popularity': {'category': none, 'neighbours': none, 'nw': 0, 'cw': 0},
    'category_popularity': {'category': 'training_category_lists', 'neighbours': none, 'nw': 0, 'cw': 1},
    'co_purchase': {'category': none, 'neighbours': 'co_purchase_neighbours', 'nw': 1, 'cw': 0},
    'item_similarity': {'category': none, 'neighbours': 'training_similarity', 'nw': 1, 'cw': 0},
    'hybrid': {'category': 'training_category_lists', 'neighbours': 'training_similarity', 'nw': none, 'cw': none},
} %}
{% for strategy, parts in strategies.items() %}
    lists_{{ strategy }} as (
        select
            '{{ strategy }}' as strategy,
            strategy_lists.visitor_id,
            strategy_lists.rank,
            strategy_lists.item_id
        from (
            {{ visitor_recommendation_lists(
                events_relation='candidate_training_events',
                as_of_at='(select time_split.train_end_at from time_split)',
                item_state_relation='training_item_state',
                popularity_relation='training_popularity',
                category_lists_relation=parts['category'],
                neighbours_relation=parts['neighbours'],
                n=max_k,
                blend_strategy=strategy,
                neighbour_weight=parts['nw'],
                category_weight=parts['cw']
            ) }}
        ) as strategy_lists
    ),
{% endfor %}

visitor_lists as (
    {% for strategy in strategies %}
        select * from lists_{{ strategy }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

visitor_hits as (
    select
        visitor_lists.strategy,
        visitor_lists.visitor_id,
        k_values.k,
        target_counts.n_targets,
        count(test_targets.item_id) filter (where visitor_lists.rank <= k_values.k) as n_hits,
        min(visitor_lists.rank) filter (
            where visitor_lists.rank <= k_values.k and test_targets.item_id is not null
        ) as first_hit_rank
    from visitor_lists
    cross join k_values
    inner join target_counts
        on visitor_lists.visitor_id = target_counts.visitor_id
    left join test_targets
        on
            visitor_lists.visitor_id = test_targets.visitor_id
            and visitor_lists.item_id = test_targets.item_id
    group by visitor_lists.strategy, visitor_lists.visitor_id, k_values.k, target_counts.n_targets
),

visitor_coverage as (
    select
        visitor_lists.strategy,
        k_values.k,
        count(distinct visitor_lists.item_id) as n_recommended_items
    from visitor_lists
    cross join k_values
    inner join target_counts
        on visitor_lists.visitor_id = target_counts.visitor_id
    where visitor_lists.rank <= k_values.k
    group by visitor_lists.strategy, k_values.k
),

visitor_metrics as (
    select
        'visitor_time_split' as protocol,
        visitor_hits.strategy,
        visitor_hits.k,
        count(*) as n_evaluated,
        avg(visitor_hits.n_hits / visitor_hits.k) as precision_at_k,
        avg(visitor_hits.n_hits / visitor_hits.n_targets) as recall_at_k,
        avg(case when visitor_hits.n_hits > 0 then 1.0 else 0.0 end) as hit_rate_at_k,
        avg(coalesce(1.0 / visitor_hits.first_hit_rank, 0.0)) as mrr_at_k
    from visitor_hits
    group by visitor_hits.strategy, visitor_hits.k
),

-- -- session protocol ------------------------------------------------------------------------
-- bot-like on training events (as in every training fit): no test-window knowledge
training_non_bot_visitors as (
    select distinct visitor_id
    from training_interactions
),

-- test sessions of visitors bot-like over the whole period are not scored
non_bot_visitors as (
    select visitor_id
    from visitor_activity
    where not is_bot_like
),

test_views as (
    select
        test_events.visitor_id,
        test_events.session_number,
        test_events.visitor_event_number,
        test_events.item_id,
        lag(test_events.item_id) over session_timeline as previous_item_id
    from test_events
    inner join non_bot_visitors
        on test_events.visitor_id = non_bot_visitors.visitor_id
    where test_events.event_type = 'view'
    window session_timeline as (
        partition by test_events.visitor_id, test_events.session_number
        order by test_events.visitor_event_number
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

training_session_items as (
    select distinct
        training_events.visitor_id,
        training_events.session_number,
        training_events.item_id
    from training_events
    inner join training_non_bot_visitors
        on training_events.visitor_id = training_non_bot_visitors.visitor_id
    where training_events.event_type = 'view'
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
    inner join test_items
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
        row_number() over (order by score desc, item_id asc) as rank
    from training_popularity
    qualify rank <= {{ max_k }}
),

session_strategies as (
    select unnest(['association_rules', 'item_similarity', 'global_popularity']) as strategy
),

session_predictions as (
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
    from training_similarity
    where rank <= {{ max_k }}
),

transition_ranks as (
    select
        session_strategies.strategy,
        test_transitions.visitor_id,
        test_transitions.session_number,
        test_transitions.visitor_event_number,
        coalesce(session_predictions.rank, global_top_items.rank) as hit_rank
    from test_transitions
    cross join session_strategies
    left join session_predictions
        on
            session_strategies.strategy = session_predictions.strategy
            and test_transitions.item_id = session_predictions.item_id
            and test_transitions.next_item_id = session_predictions.predicted_item_id
    left join global_top_items
        on
            session_strategies.strategy = 'global_popularity'
            and test_transitions.next_item_id = global_top_items.predicted_item_id
),

session_coverage as (
    select
        session_predictions.strategy,
        k_values.k,
        count(distinct session_predictions.predicted_item_id) as n_recommended_items
    from session_predictions
    cross join k_values
    inner join test_items
        on session_predictions.item_id = test_items.item_id
    where session_predictions.rank <= k_values.k
    group by session_predictions.strategy, k_values.k
    union all
    select
        'global_popularity' as strategy,
        k_values.k,
        count(*) as n_recommended_items
    from global_top_items
    cross join k_values
    where global_top_items.rank <= k_values.k
    group by k_values.k
),

session_metrics as (
    select
        'session_next_item' as protocol,
        transition_ranks.strategy,
        k_values.k,
        count(*) as n_evaluated,
        cast(null as double) as precision_at_k,
        cast(null as double) as recall_at_k,
        avg(
            case when transition_ranks.hit_rank <= k_values.k then 1.0 else 0.0 end
        ) as hit_rate_at_k,
        avg(
            case
                when transition_ranks.hit_rank <= k_values.k then 1.0 / transition_ranks.hit_rank
                else 0.0
            end
        ) as mrr_at_k
    from transition_ranks
    cross join k_values
    group by transition_ranks.strategy, k_values.k
),

-- -- both protocols ---------------------------------------------------------------------------
metrics as (
    select
        visitor_metrics.*,
        visitor_coverage.n_recommended_items
    from visitor_metrics
    left join visitor_coverage
        on
            visitor_metrics.strategy = visitor_coverage.strategy
            and visitor_metrics.k = visitor_coverage.k
    union all
    select
        session_metrics.*,
        session_coverage.n_recommended_items
    from session_metrics
    left join session_coverage
        on
            session_metrics.strategy = session_coverage.strategy
            and session_metrics.k = session_coverage.k
),

final as (
    select
        -- keys
        metrics.protocol,
        metrics.strategy,
        cast(metrics.k as integer) as k,
        -- population
        metrics.n_evaluated,
        -- metrics (rounded: parallel float averages differ in the last bits between runs)
        round(metrics.precision_at_k, 12) as precision_at_k,
        round(metrics.recall_at_k, 12) as recall_at_k,
        round(metrics.hit_rate_at_k, 12) as hit_rate_at_k,
        round(metrics.mrr_at_k, 12) as mrr_at_k,
        coalesce(metrics.n_recommended_items, 0) / nullif(catalogue.n_catalogue_items, 0)
            as catalogue_coverage,
        -- split
        time_split.train_end_at,
        time_split.as_of_at
    from metrics
    cross join catalogue
    cross join time_split
)

select * from final
