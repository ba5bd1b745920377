with

 __dbt__cte__int_recommendation_cutoffs as (

-- Fixture for int_recommendation_cutoffs
select 
    
    cast('production' as character varying)
 as "cutoff_name", cast(null as TIMESTAMP) as "cutoff_at", cast(null as TIMESTAMP) as "outcome_ends_at", 
    
    cast(3 as INTEGER)
 as "list_length", cast(null as VARCHAR[]) as "recommenders", cast(null as BOOLEAN) as "lists_only_returning_visitors"
),  __dbt__cte__int_item_popularity as (

-- Fixture for int_item_popularity
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(101 as BIGINT)
 as "item_id", 
    
    cast(10 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(102 as BIGINT)
 as "item_id", 
    
    cast(50 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(201 as BIGINT)
 as "item_id", 
    
    cast(20 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(202 as BIGINT)
 as "item_id", 
    
    cast(20 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(301 as BIGINT)
 as "item_id", 
    
    cast(99 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(401 as BIGINT)
 as "item_id", 
    
    cast(500 as DOUBLE)
 as "score"
),  __dbt__cte__int_recommendation_item_state as (

-- Fixture for int_recommendation_item_state
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(101 as BIGINT)
 as "item_id", 
    
    cast(3 as BIGINT)
 as "category_id", 
    
    cast(True as BOOLEAN)
 as "is_available"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(102 as BIGINT)
 as "item_id", 
    
    cast(3 as BIGINT)
 as "category_id", 
    
    cast(False as BOOLEAN)
 as "is_available"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(201 as BIGINT)
 as "item_id", 
    
    cast(2 as BIGINT)
 as "category_id", 
    
    cast(null as BOOLEAN)
 as "is_available"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(202 as BIGINT)
 as "item_id", 
    
    cast(2 as BIGINT)
 as "category_id", 
    
    cast(True as BOOLEAN)
 as "is_available"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(301 as BIGINT)
 as "item_id", 
    
    cast(1 as BIGINT)
 as "category_id", 
    
    cast(True as BOOLEAN)
 as "is_available"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(401 as BIGINT)
 as "item_id", 
    
    cast(null as BIGINT)
 as "category_id", 
    
    cast(True as BOOLEAN)
 as "is_available"
),  __dbt__cte__int_recommendation_suppressions as (

-- Fixture for int_recommendation_suppressions
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('unavailable' as character varying)
 as "reason", 
    
    cast(null as BIGINT)
 as "visitor_id", 
    
    cast(102 as BIGINT)
 as "item_id"
),  __dbt__cte__int_category_paths as (
select 1::bigint as category_id, null::bigint as parent_id, 1::bigint as root_id,
    1 as depth, [1]::bigint[] as path_ids, '1' as category_path
union all
select 2, 1, 1, 2, [1, 2]::bigint[], '1 > 2'
union all
select 3, 2, 1, 3, [1, 2, 3]::bigint[], '1 > 2 > 3'
), cutoffs as (
    select * from __dbt__cte__int_recommendation_cutoffs
),

popularity as (
    select * from __dbt__cte__int_item_popularity
),

item_state as (
    select * from __dbt__cte__int_recommendation_item_state
    where category_id is not null
),

unavailable_items as (
    select * from __dbt__cte__int_recommendation_suppressions
    where reason = 'unavailable'
),

category_paths as (
    select * from __dbt__cte__int_category_paths
),

eligible_items as (
    select
        popularity.cutoff_name,
        item_state.category_id,
        popularity.item_id,
        popularity.score,
        cutoffs.list_length
    from popularity
    inner join cutoffs
        on popularity.cutoff_name = cutoffs.cutoff_name
    inner join item_state
        on
            popularity.cutoff_name = item_state.cutoff_name
            and popularity.item_id = item_state.item_id
    anti join unavailable_items
        on
            popularity.cutoff_name = unavailable_items.cutoff_name
            and popularity.item_id = unavailable_items.item_id
    -- no level ever contributes more than list_length items
    qualify row_number() over (
        partition by popularity.cutoff_name, item_state.category_id
        order by popularity.score desc, popularity.item_id asc
    ) <= cutoffs.list_length
),

category_levels as (
    -- every category with itself (level 0) and each ancestor (level 1 = parent, ...)
    select
        category_id,
        depth,
        path_ids,
        unnest(range(depth)) as source_level
    from category_paths
),

category_sources as (
    select
        category_id,
        source_level,
        path_ids[depth - source_level] as source_category_id
    from category_levels
),

candidates as (
    select
        eligible_items.cutoff_name,
        category_sources.category_id,
        eligible_items.item_id,
        eligible_items.score,
        category_sources.source_level,
        eligible_items.list_length
    from category_sources
    inner join eligible_items
        on category_sources.source_category_id = eligible_items.category_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by cutoff_name, category_id
            order by source_level asc, score desc, item_id asc
        ) as rank
    from candidates
    qualify rank <= list_length
),

final as (
    select
        -- ids
        cutoff_name,
        category_id,
        rank,
        item_id,
        -- measures
        score,
        source_level
    from ranked
)

select * from final