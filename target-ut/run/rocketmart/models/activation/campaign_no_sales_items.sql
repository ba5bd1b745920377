
    
      
    

    create  table
      "real"."marts"."campaign_no_sales_items__dbt_tmp"
  
  (
    item_id bigint not null,
    category_id bigint,
    rank bigint not null,
    score double not null,
    is_control boolean not null,
    n_recent_views bigint,
    n_recent_addtocarts bigint,
    n_recent_visitors bigint,
    sale_probability double,
    price double,
    evidence varchar not null,
    as_of_at timestamp
    
    )
 ;
    
    
    insert into "real"."marts"."campaign_no_sales_items__dbt_tmp" 
  (
    
      
      
      item_id ,
    
      
      
      category_id ,
    
      
      
      rank ,
    
      
      
      score ,
    
      
      
      is_control ,
    
      
      
      n_recent_views ,
    
      
      
      n_recent_addtocarts ,
    
      
      
      n_recent_visitors ,
    
      
      
      sale_probability ,
    
      
      
      price ,
    
      
      
      evidence ,
    
      
      
      as_of_at 
    
  )
 (
      
    select item_id, category_id, rank, score, is_control, n_recent_views, n_recent_addtocarts, n_recent_visitors, sale_probability, price, evidence, as_of_at
    from (
        


with

events as (
    select * from "real"."intermediate"."int_events_enriched"
),

as_of as (
    select * from "real"."intermediate"."int_as_of"
),

item_sales_forecast as (
    select * from "real"."marts"."item_sales_forecast"
),

item_current_state as (
    select * from "real"."intermediate"."int_item_current_state"
),

unavailable_items as (
    select * from "real"."intermediate"."int_recommendation_suppressions"
    where cutoff_name = 'production' and reason = 'unavailable'
),

recent_activity as (
    select
        recent_events.item_id,
        count(*) filter (where recent_events.event_type = 'view') as n_recent_views,
        count(*) filter (where recent_events.event_type = 'addtocart') as n_recent_addtocarts,
        count(distinct recent_events.visitor_id) as n_recent_distinct
    from events as recent_events
    cross join as_of as recent_as_of
    where recent_events.event_at > recent_as_of.as_of_at - interval '7 days'
    group by recent_events.item_id
),

targets as (
    select
        recent_activity.item_id,
        item_current_state.category_id,
        item_current_state.price,
        recent_activity.n_recent_views,
        recent_activity.n_recent_addtocarts,
        recent_activity.n_recent_distinct as n_recent_visitors,
        item_sales_forecast.sale_probability,
        recent_activity.n_recent_views * (1 - item_sales_forecast.sale_probability) as score
    from recent_activity
    inner join item_sales_forecast
        on recent_activity.item_id = item_sales_forecast.item_id
    left join item_current_state
        on recent_activity.item_id = item_current_state.item_id
    anti join unavailable_items
        on recent_activity.item_id = unavailable_items.item_id
    where
        recent_activity.n_recent_views > 0
        and not item_sales_forecast.predicted_to_sell
),

final as (
    select
        -- ids
        targets.item_id,
        targets.category_id,
        -- ranking
        row_number() over (order by targets.score desc, targets.item_id asc) as rank,
        targets.score,
        (
        cast(('0x' || left(md5(concat('no-sales-items', ':', targets.item_id)), 8)) as bigint)
        % 10000
    ) < 0.1 * 10000 as is_control,
        -- evidence
        targets.n_recent_views,
        targets.n_recent_addtocarts,
        targets.n_recent_visitors,
        targets.sale_probability,
        targets.price,
        concat(
            targets.n_recent_views, ' views, ',
            targets.n_recent_addtocarts, ' carts by ',
            targets.n_recent_visitors, ' visitors in the last 7 days; ',
            'p(sale in next 7 days)=', round(targets.sale_probability, 2)
        ) as evidence,
        as_of.as_of_at
    from targets
    cross join as_of
)

select * from final
    ) as model_subq
    );
  