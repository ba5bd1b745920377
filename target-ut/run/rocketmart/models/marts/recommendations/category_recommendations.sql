
    
      
    

    create  table
      "real"."marts"."category_recommendations__dbt_tmp"
  
  (
    category_id bigint not null,
    rank bigint not null,
    item_id bigint not null,
    score double not null,
    source_level bigint not null
    
    )
 ;
    
    
    insert into "real"."marts"."category_recommendations__dbt_tmp" 
  (
    
      
      
      category_id ,
    
      
      
      rank ,
    
      
      
      item_id ,
    
      
      
      score ,
    
      
      
      source_level 
    
  )
 (
      
    select category_id, rank, item_id, score, source_level
    from (
        with

category_top_items as (
    select * from "real"."intermediate"."int_category_top_items"
    where cutoff_name = 'production'
),

final as (
    select
        -- ids
        category_id,
        rank,
        item_id,
        -- measures
        score,
        source_level
    from category_top_items
)

select * from final
    ) as model_subq
    );
  