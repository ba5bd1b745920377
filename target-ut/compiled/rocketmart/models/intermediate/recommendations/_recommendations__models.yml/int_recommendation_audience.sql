
-- Fixture for int_recommendation_audience
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "n_bought"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(2 as BIGINT)
 as "visitor_id", 
    
    cast(0 as BIGINT)
 as "n_bought"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast(4 as BIGINT)
 as "visitor_id", 
    
    cast(0 as BIGINT)
 as "n_bought"