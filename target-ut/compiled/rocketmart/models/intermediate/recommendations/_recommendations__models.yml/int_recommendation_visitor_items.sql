
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