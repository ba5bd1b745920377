
-- Fixture for int_recommendation_lists
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "rank", 
    
    cast(100 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "rank", 
    
    cast(101 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(2 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "rank", 
    
    cast(201 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(2 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "rank", 
    
    cast(202 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(3 as BIGINT)
 as "visitor_id", 
    
    cast(1 as BIGINT)
 as "rank", 
    
    cast(100 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
union all
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast(3 as BIGINT)
 as "visitor_id", 
    
    cast(2 as BIGINT)
 as "rank", 
    
    cast(101 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"
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
    
    cast(100 as BIGINT)
 as "item_id", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "strategy"