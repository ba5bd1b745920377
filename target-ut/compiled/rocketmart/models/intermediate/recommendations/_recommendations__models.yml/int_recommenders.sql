
-- Fixture for int_recommenders
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast('item_similarity' as character varying)
 as "generator", 
    
    cast(0.75 as DOUBLE)
 as "weight"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('hybrid' as character varying)
 as "recommender", 
    
    cast('category_popularity' as character varying)
 as "generator", 
    
    cast(0.25 as DOUBLE)
 as "weight"