
    
      
    

    create  table
      "real"."marts"."item_similarity__dbt_tmp"
  
  (
    item_id bigint not null,
    similar_item_id bigint not null,
    similarity double not null,
    n_common_visitors bigint not null,
    rank bigint not null
    
    )
 ;
    
    
    insert into "real"."marts"."item_similarity__dbt_tmp" 
  (
    
      
      
      item_id ,
    
      
      
      similar_item_id ,
    
      
      
      similarity ,
    
      
      
      n_common_visitors ,
    
      
      
      rank 
    
  )
 (
      
    select item_id, similar_item_id, similarity, n_common_visitors, rank
    from (
        with

item_similarity as (
    select * from "real"."intermediate"."int_item_similarity"
    where cutoff_name = 'production'
),

final as (
    select
        -- ids
        item_id,
        similar_item_id,
        -- measures
        similarity,
        n_common_visitors,
        rank
    from item_similarity
)

select * from final
    ) as model_subq
    );
  