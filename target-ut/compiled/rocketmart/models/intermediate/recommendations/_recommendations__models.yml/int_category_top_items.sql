
-- Fixture for int_category_top_items
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(5 as BIGINT)
 as "category_id", 
    
    cast(1 as BIGINT)
 as "rank", 
    
    cast(14 as BIGINT)
 as "item_id", 
    
    cast(100 as DOUBLE)
 as "score", 
    
    cast(0 as BIGINT)
 as "source_level"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(5 as BIGINT)
 as "category_id", 
    
    cast(2 as BIGINT)
 as "rank", 
    
    cast(12 as BIGINT)
 as "item_id", 
    
    cast(50 as DOUBLE)
 as "score", 
    
    cast(0 as BIGINT)
 as "source_level"