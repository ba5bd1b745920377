
-- Fixture for int_recommendation_suppressions
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('already_bought' as character varying)
 as "reason", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(11 as BIGINT)
 as "item_id"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('unavailable' as character varying)
 as "reason", 
    
    cast(null as BIGINT)
 as "visitor_id", 
    
    cast(13 as BIGINT)
 as "item_id"