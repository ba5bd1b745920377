
    
      
    

    create  table
      "real"."marts"."campaign_churned_customers__dbt_tmp"
  
  (
    visitor_id bigint not null,
    rank bigint not null,
    score double not null,
    is_control boolean not null,
    value_tier varchar,
    n_orders bigint,
    monetary double,
    first_purchase_at timestamp,
    last_purchase_at timestamp,
    last_seen_at timestamp,
    days_since_last_seen double,
    evidence varchar not null,
    recommended_item_ids varchar,
    recommendation_strategy varchar,
    as_of_at timestamp
    
    )
 ;
    
    
    insert into "real"."marts"."campaign_churned_customers__dbt_tmp" 
  (
    
      
      
      visitor_id ,
    
      
      
      rank ,
    
      
      
      score ,
    
      
      
      is_control ,
    
      
      
      value_tier ,
    
      
      
      n_orders ,
    
      
      
      monetary ,
    
      
      
      first_purchase_at ,
    
      
      
      last_purchase_at ,
    
      
      
      last_seen_at ,
    
      
      
      days_since_last_seen ,
    
      
      
      evidence ,
    
      
      
      recommended_item_ids ,
    
      
      
      recommendation_strategy ,
    
      
      
      as_of_at 
    
  )
 (
      
    select visitor_id, rank, score, is_control, value_tier, n_orders, monetary, first_purchase_at, last_purchase_at, last_seen_at, days_since_last_seen, evidence, recommended_item_ids, recommendation_strategy, as_of_at
    from (
        

with

customer_churn as (
    select * from "real"."marts"."customer_churn"
),

customer_rfm as (
    select * from "real"."marts"."customer_rfm"
),

as_of as (
    select * from "real"."intermediate"."int_as_of"
),

recommendations as (
    select * from "real"."intermediate"."int_winback_recommendations"
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
        customer_churn.visitor_id,
        customer_churn.first_purchase_at,
        customer_churn.last_purchase_at,
        customer_churn.last_seen_at,
        customer_churn.days_since_last_seen,
        customer_churn.n_orders,
        customer_rfm.monetary,
        customer_rfm.value_tier,
        customer_rfm.f_score,
        customer_rfm.m_score,
        recommended_items.recommended_item_ids,
        recommended_items.recommendation_strategy,
        (customer_rfm.f_score + coalesce(customer_rfm.m_score, customer_rfm.f_score)) / 10.0 as score
    from customer_churn
    left join customer_rfm
        on customer_churn.visitor_id = customer_rfm.visitor_id
    left join recommended_items
        on customer_churn.visitor_id = recommended_items.visitor_id
    where
        customer_churn.is_churned
        and not customer_churn.is_bot_like
),

final as (
    select
        -- ids
        targets.visitor_id,
        -- ranking
        row_number() over (
            order by targets.score desc, targets.last_purchase_at desc, targets.visitor_id asc
        ) as rank,
        targets.score,
        (
        cast(('0x' || left(md5(concat('churned-customers', ':', targets.visitor_id)), 8)) as bigint)
        % 10000
    ) < 0.1 * 10000 as is_control,
        -- evidence
        targets.value_tier,
        targets.n_orders,
        targets.monetary,
        targets.first_purchase_at,
        targets.last_purchase_at,
        targets.last_seen_at,
        targets.days_since_last_seen,
        concat(
            targets.n_orders, case when targets.n_orders = 1 then ' order' else ' orders' end,
            ', last purchase ', cast(targets.last_purchase_at as date),
            ', last seen ', cast(floor(targets.days_since_last_seen) as integer), ' days ago',
            ', value tier ', coalesce(targets.value_tier, 'n/a')
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
  