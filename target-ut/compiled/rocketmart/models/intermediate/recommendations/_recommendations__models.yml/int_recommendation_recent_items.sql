
-- Fixture for int_recommendation_recent_items
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(10 as BIGINT)
 as "item_id", 
    
    cast(1 as INTEGER)
 as "recent_weight", 
    
    cast(1 as BIGINT)
 as "n_recent_views", 
    
    cast(1 as BIGINT)
 as "n_recent_events"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(11 as BIGINT)
 as "item_id", 
    
    cast(10 as INTEGER)
 as "recent_weight", 
    
    cast(0 as BIGINT)
 as "n_recent_views", 
    
    cast(1 as BIGINT)
 as "n_recent_events"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(4 as BIGINT)
 as "visitor_id", 
    
    cast(14 as BIGINT)
 as "item_id", 
    
    cast(1 as INTEGER)
 as "recent_weight", 
    
    cast(1 as BIGINT)
 as "n_recent_views", 
    
    cast(1 as BIGINT)
 as "n_recent_events"