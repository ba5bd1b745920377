
-- Fixture for int_recommendation_candidates
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "rank", 
    
    cast(12 as BIGINT)
 as "item_id", 
    
    cast(0.5 as DOUBLE)
 as "score", 
    
    cast(True as BOOLEAN)
 as "has_neighbour_score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "rank", 
    
    cast(14 as BIGINT)
 as "item_id", 
    
    cast(0.25 as DOUBLE)
 as "score", 
    
    cast(False as BOOLEAN)
 as "has_neighbour_score"
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
    
    cast(14 as BIGINT)
 as "item_id", 
    
    cast(0.25 as DOUBLE)
 as "score", 
    
    cast(False as BOOLEAN)
 as "has_neighbour_score"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(4 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "rank", 
    
    cast(12 as BIGINT)
 as "item_id", 
    
    cast(0.125 as DOUBLE)
 as "score", 
    
    cast(False as BOOLEAN)
 as "has_neighbour_score"