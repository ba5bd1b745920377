
-- Fixture for int_item_popularity
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(14 as BIGINT)
 as "item_id", 
    
    cast(100 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(11 as BIGINT)
 as "item_id", 
    
    cast(80 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(12 as BIGINT)
 as "item_id", 
    
    cast(50 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(10 as BIGINT)
 as "item_id", 
    
    cast(25 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(13 as BIGINT)
 as "item_id", 
    
    cast(90 as DOUBLE)
 as "score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(99 as BIGINT)
 as "item_id", 
    
    cast(1 as DOUBLE)
 as "score"