
    
      
    

    create  table
      "real"."marts"."visitor_recommendations__dbt_tmp"
  
  (
    visitor_id bigint not null,
    rank bigint not null,
    item_id bigint not null,
    score double not null,
    strategy varchar not null
    
    )
 ;
    
    
    insert into "real"."marts"."visitor_recommendations__dbt_tmp" 
  (
    
      
      
      visitor_id ,
    
      
      
      rank ,
    
      
      
      item_id ,
    
      
      
      score ,
    
      
      
      strategy 
    
  )
 (
      
    select visitor_id, rank, item_id, score, strategy
    from (
        with

lists as (
    select * from "real"."intermediate"."int_recommendation_lists"
    where cutoff_name = 'production' and recommender = 'hybrid'
),

final as (
    select
        -- ids
        visitor_id,
        rank,
        item_id,
        -- measures
        score,
        strategy
    from lists
)

select * from final
    ) as model_subq
    );
  