


with

 __dbt__cte__int_recommendation_cutoffs as (

-- Fixture for int_recommendation_cutoffs
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('2015-06-20 00:00:00' as TIMESTAMP)
 as "cutoff_at", 
    
    cast('2015-06-30 00:00:00' as TIMESTAMP)
 as "outcome_ends_at", cast(null as INTEGER) as "list_length", cast(null as VARCHAR[]) as "recommenders", cast(null as BOOLEAN) as "lists_only_returning_visitors"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('2015-06-30 00:00:00' as TIMESTAMP)
 as "cutoff_at", 
    
    cast(null as TIMESTAMP)
 as "outcome_ends_at", cast(null as INTEGER) as "list_length", cast(null as VARCHAR[]) as "recommenders", cast(null as BOOLEAN) as "lists_only_returning_visitors"
),  __dbt__cte__int_events_enriched as (

-- Fixture for int_events_enriched
select cast(null as BIGINT) as "event_id", 
    
    cast(10 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-01 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(1 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(10 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-01 10:01:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(2 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(11 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-02 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(1 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(11 as BIGINT)
 as "visitor_id", 
    
    cast(3 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-02 10:01:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(2 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(12 as BIGINT)
 as "visitor_id", 
    
    cast(3 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-03 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(1 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(12 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-03 10:01:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(2 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(13 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-04 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(1 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(13 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-04 10:01:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(2 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(13 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-05 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(2 as BIGINT)
 as "session_number", 
    
    cast(3 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(13 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-05 10:01:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(2 as BIGINT)
 as "session_number", 
    
    cast(4 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(20 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-21 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(1 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(20 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-21 10:01:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(2 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(20 as BIGINT)
 as "visitor_id", 
    
    cast(3 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-21 10:02:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(3 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(21 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-22 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(2 as BIGINT)
 as "session_number", 
    
    cast(5 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(21 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-22 10:01:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(2 as BIGINT)
 as "session_number", 
    
    cast(6 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(22 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-23 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(1 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(22 as BIGINT)
 as "visitor_id", 
    
    cast(5 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-23 10:01:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", 
    
    cast('view' as character varying)
 as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", 
    
    cast(1 as BIGINT)
 as "session_number", 
    
    cast(2 as BIGINT)
 as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
),  __dbt__cte__int_recommendation_suppressions as (

-- Fixture for int_recommendation_suppressions
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('bot_like' as character varying)
 as "reason", 
    
    cast(13 as BIGINT)
 as "visitor_id", 
    
    cast(null as BIGINT)
 as "item_id"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('bot_like' as character varying)
 as "reason", 
    
    cast(22 as BIGINT)
 as "visitor_id", 
    
    cast(null as BIGINT)
 as "item_id"
),  __dbt__cte__int_item_similarity as (

-- Fixture for int_item_similarity
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast(1 as BIGINT)
 as "item_id", 
    
    cast(2 as BIGINT)
 as "similar_item_id", 
    
    cast(0.9 as DOUBLE)
 as "similarity", 
    
    cast(2 as BIGINT)
 as "n_common_visitors", 
    
    cast(1 as BIGINT)
 as "rank"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast(1 as BIGINT)
 as "item_id", 
    
    cast(3 as BIGINT)
 as "similar_item_id", 
    
    cast(0.5 as DOUBLE)
 as "similarity", 
    
    cast(2 as BIGINT)
 as "n_common_visitors", 
    
    cast(2 as BIGINT)
 as "rank"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(1 as BIGINT)
 as "item_id", 
    
    cast(3 as BIGINT)
 as "similar_item_id", 
    
    cast(0.9 as DOUBLE)
 as "similarity", 
    
    cast(2 as BIGINT)
 as "n_common_visitors", 
    
    cast(1 as BIGINT)
 as "rank"
),  __dbt__cte__int_item_popularity as (

-- Fixture for int_item_popularity
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast(5 as BIGINT)
 as "item_id", 
    
    cast(100 as DOUBLE)
 as "score"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast(3 as BIGINT)
 as "item_id", 
    
    cast(50 as DOUBLE)
 as "score"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast(2 as BIGINT)
 as "item_id", 
    
    cast(10 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(2 as BIGINT)
 as "item_id", 
    
    cast(1000 as DOUBLE)
 as "score"
), cutoffs as (
    select * from __dbt__cte__int_recommendation_cutoffs
    where cutoff_name = 'evaluation'
),

-- training and test views of one scan
events as not materialized (
    select * from __dbt__cte__int_events_enriched
    where event_type = 'view'
),

bot_like_visitors as (
    select * from __dbt__cte__int_recommendation_suppressions
    where reason = 'bot_like'
),

item_similarity as (
    select * from __dbt__cte__int_item_similarity
    where cutoff_name = 'evaluation' and rank <= 2
),

popularity as (
    select * from __dbt__cte__int_item_popularity
    where cutoff_name = 'evaluation'
),

k_values as (
    select unnest([1, 2]) as k
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
    qualify rank <= 2
),

global_top_items as (
    select
        item_id as predicted_item_id,
        row_number() over (order by score desc, item_id asc) as rank
    from popularity
    qualify rank <= 2
),

session_strategies as (
    select unnest(['association_rules', 'item_similarity', 'global_popularity']) as strategy
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
        avg(case when transition_ranks.hit_rank <= k_values.k then 1.0 else 0.0 end) as hit_rate_at_k,
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