
    

    create  table
      "real"."intermediate"."int_recommendation_audience__dbt_tmp"
  
    
    as (
      with

visitor_items as (
    select * from "real"."intermediate"."int_recommendation_visitor_items"
),

cutoffs as (
    select * from "real"."intermediate"."int_recommendation_cutoffs"
),

bot_like_visitors as (
    select * from "real"."intermediate"."int_recommendation_suppressions"
    where reason = 'bot_like'
),

visitor_activity as (
    select * from "real"."intermediate"."int_visitor_activity"
),

active_visitors as (
    select
        cutoff_name,
        visitor_id,
        count(*) filter (where is_bought) as n_bought
    from visitor_items
    group by cutoff_name, visitor_id
    having count(recent_weight) > 0
),

final as (
    select
        -- ids
        active_visitors.cutoff_name,
        active_visitors.visitor_id,
        -- measures
        active_visitors.n_bought
    from active_visitors
    inner join cutoffs
        on active_visitors.cutoff_name = cutoffs.cutoff_name
    inner join visitor_activity
        on active_visitors.visitor_id = visitor_activity.visitor_id
    anti join bot_like_visitors
        on
            active_visitors.cutoff_name = bot_like_visitors.cutoff_name
            and active_visitors.visitor_id = bot_like_visitors.visitor_id
    where
        not cutoffs.lists_only_returning_visitors
        or visitor_activity.last_seen_at > cutoffs.cutoff_at
)

select * from final
    );
    
  