

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
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(101 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-21 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(200 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-22 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(300 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-22 11:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(2 as BIGINT)
 as "visitor_id", 
    
    cast(201 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-25 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(2 as BIGINT)
 as "visitor_id", 
    
    cast(203 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-10 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(3 as BIGINT)
 as "visitor_id", 
    
    cast(100 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-25 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(4 as BIGINT)
 as "visitor_id", 
    
    cast(100 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-25 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
),  __dbt__cte__int_recommendation_visitor_items as (

-- Fixture for int_recommendation_visitor_items
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(300 as BIGINT)
 as "item_id", cast(null as BIGINT) as "popularity_weight", cast(null as INTEGER) as "recent_weight", cast(null as BIGINT) as "n_recent_views", cast(null as BIGINT) as "n_recent_events", cast(null as BOOLEAN) as "is_bought"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast(2 as BIGINT)
 as "visitor_id", 
    
    cast(203 as BIGINT)
 as "item_id", cast(null as BIGINT) as "popularity_weight", cast(null as INTEGER) as "recent_weight", cast(null as BIGINT) as "n_recent_views", cast(null as BIGINT) as "n_recent_events", cast(null as BOOLEAN) as "is_bought"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast(3 as BIGINT)
 as "visitor_id", 
    
    cast(100 as BIGINT)
 as "item_id", cast(null as BIGINT) as "popularity_weight", cast(null as INTEGER) as "recent_weight", cast(null as BIGINT) as "n_recent_views", cast(null as BIGINT) as "n_recent_events", cast(null as BOOLEAN) as "is_bought"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(200 as BIGINT)
 as "item_id", cast(null as BIGINT) as "popularity_weight", cast(null as INTEGER) as "recent_weight", cast(null as BIGINT) as "n_recent_views", cast(null as BIGINT) as "n_recent_events", cast(null as BOOLEAN) as "is_bought"
),  __dbt__cte__int_recommendation_lists as (

-- Fixture for int_recommendation_lists
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "rank", 
    
    cast(100 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "rank", 
    
    cast(101 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(2 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "rank", 
    
    cast(201 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(2 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "rank", 
    
    cast(202 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(3 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "rank", 
    
    cast(100 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(3 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "rank", 
    
    cast(101 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(4 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "rank", 
    
    cast(100 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
), cutoffs as (
    select * from __dbt__cte__int_recommendation_cutoffs
    where cutoff_name = 'evaluation'
),

events as (
    select * from __dbt__cte__int_events_enriched
),

training_visitor_items as (
    select * from __dbt__cte__int_recommendation_visitor_items
    where cutoff_name = 'evaluation'
),

lists as (
    select * from __dbt__cte__int_recommendation_lists
    where cutoff_name = 'evaluation'
),

k_values as (
    select unnest([1, 2]) as k
),

test_targets as (
    select distinct
        events.visitor_id,
        events.item_id
    from events
    inner join cutoffs
        on
            events.event_at > cutoffs.cutoff_at
            and events.event_at <= cutoffs.outcome_ends_at
    anti join training_visitor_items
        on
            events.visitor_id = training_visitor_items.visitor_id
            and events.item_id = training_visitor_items.item_id
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
        avg(case when n_hits > 0 then 1.0 else 0.0 end) as hit_rate_at_k,
        avg(coalesce(1.0 / first_hit_rank, 0.0)) as mrr_at_k
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