
-- Fixture for int_recommendation_item_state
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(10 as BIGINT)
 as "item_id", 
    
    cast(5 as BIGINT)
 as "category_id", 
    
    cast(True as BOOLEAN)
 as "is_available"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(11 as BIGINT)
 as "item_id", 
    
    cast(5 as BIGINT)
 as "category_id", 
    
    cast(True as BOOLEAN)
 as "is_available"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(12 as BIGINT)
 as "item_id", 
    
    cast(5 as BIGINT)
 as "category_id", 
    
    cast(True as BOOLEAN)
 as "is_available"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(13 as BIGINT)
 as "item_id", 
    
    cast(5 as BIGINT)
 as "category_id", 
    
    cast(False as BOOLEAN)
 as "is_available"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(14 as BIGINT)
 as "item_id", 
    
    cast(5 as BIGINT)
 as "category_id", 
    
    cast(null as BOOLEAN)
 as "is_available"