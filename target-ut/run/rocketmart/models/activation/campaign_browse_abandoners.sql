
    
      
    

    create  table
      "real"."marts"."campaign_browse_abandoners__dbt_tmp"
  
  (
    visitor_id bigint not null,
    rank bigint not null,
    score double not null,
    is_control boolean not null,
    purchase_probability double,
    propensity_decile bigint,
    n_recent_views bigint,
    n_recent_addtocarts bigint,
    n_recent_items bigint,
    last_seen_at timestamp,
    evidence varchar not null,
    recommended_item_ids varchar,
    recommendation_strategy varchar,
    as_of_at timestamp
    
    )
 ;
    
    
    insert into "real"."marts"."campaign_browse_abandoners__dbt_tmp" 
  (
    
      
      
      visitor_id ,
    
      
      
      rank ,
    
      
      
      score ,
    
      
      
      is_control ,
    
      
      
      purchase_probability ,
    
      
      
      propensity_decile ,
    
      
      
      n_recent_views ,
    
      
      
      n_recent_addtocarts ,
    
      
      
      n_recent_items ,
    
      
      
      last_seen_at ,
    
      
      
      evidence ,
    
      
      
      recommended_item_ids ,
    
      
      
      recommendation_strategy ,
    
      
      
      as_of_at 
    
  )
 (
      
    select visitor_id, rank, score, is_control, purchase_probability, propensity_decile, n_recent_views, n_recent_addtocarts, n_recent_items, last_seen_at, evidence, recommended_item_ids, recommendation_strategy, as_of_at
    from (
        


with

events as (
    select * from "real"."intermediate"."int_events_enriched"
),

as_of as (
    select * from "real"."intermediate"."int_as_of"
),

visitor_activity as (
    select * from "real"."intermediate"."int_visitor_activity"
),

propensity as (
    select * from "real"."marts"."visitor_purchase_propensity"
),

recommendations as (
    select * from "real"."intermediate"."int_recommendation_lists"
    where cutoff_name = 'production' and recommender = 'hybrid'
),

recent_activity as (
    select
        recent_events.visitor_id,
        count(*) filter (where recent_events.event_type = 'view') as n_recent_views,
        count(*) filter (where recent_events.event_type = 'addtocart') as n_recent_addtocarts,
        count(distinct recent_events.item_id) as n_recent_distinct
    from events as recent_events
    cross join as_of as recent_as_of
    where recent_events.event_at > recent_as_of.as_of_at - interval '30 days'
    group by recent_events.visitor_id
),

recommended_items as (
    select
        visitor_id,
        -- an ordered list joined afterwards: twice as fast as an ordered string_agg
        array_to_string(list(item_id order by rank), ',') as recommended_item_ids,
        arg_min(strategy, rank) as recommendation_strategy
    from recommendations
    group by visitor_id
),

targets as (
    select
        visitor_activity.visitor_id,
        visitor_activity.last_seen_at,
        recent_activity.n_recent_views,
        recent_activity.n_recent_addtocarts,
        recent_activity.n_recent_distinct as n_recent_items,
        propensity.purchase_probability,
        propensity.decile as propensity_decile,
        recommended_items.recommended_item_ids,
        recommended_items.recommendation_strategy
    from visitor_activity
    inner join recent_activity
        on visitor_activity.visitor_id = recent_activity.visitor_id
    left join propensity
        on visitor_activity.visitor_id = propensity.visitor_id
    left join recommended_items
        on visitor_activity.visitor_id = recommended_items.visitor_id
    where
        not visitor_activity.is_bot_like
        and visitor_activity.n_transactions = 0
),

final as (
    select
        -- ids
        targets.visitor_id,
        -- ranking
        row_number() over (
            order by targets.purchase_probability desc nulls last, targets.visitor_id asc
        ) as rank,
        coalesce(targets.purchase_probability, 0) as score,
        (
        cast(('0x' || left(md5(concat('browse-abandoners', ':', targets.visitor_id)), 8)) as bigint)
        % 10000
    ) < 0.1 * 10000 as is_control,
        -- evidence
        targets.purchase_probability,
        targets.propensity_decile,
        targets.n_recent_views,
        targets.n_recent_addtocarts,
        targets.n_recent_items,
        targets.last_seen_at,
        concat(
            targets.n_recent_views, ' views, ',
            targets.n_recent_addtocarts, ' carts in the last 30 days, no purchase; ',
            'p=', coalesce(cast(round(targets.purchase_probability, 2) as varchar), 'n/a')
        ) as evidence,
        -- what to show
        targets.recommended_item_ids,
        targets.recommendation_strategy,
        as_of.as_of_at
    from targets
    cross join as_of
)

select * from final
    ) as model_subq
    );
  