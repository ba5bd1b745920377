
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