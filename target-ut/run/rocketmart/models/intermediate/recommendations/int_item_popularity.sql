
    

    create  table
      "real"."intermediate"."int_item_popularity__dbt_tmp"
  
    
    as (
      with

visitor_items as (
    select * from "real"."intermediate"."int_recommendation_visitor_items"
),

final as (
    select
        -- ids
        cutoff_name,
        item_id,
        -- measures
        cast(sum(popularity_weight) as double) as score
    from visitor_items
    group by cutoff_name, item_id
)

select * from final
    );
    
  