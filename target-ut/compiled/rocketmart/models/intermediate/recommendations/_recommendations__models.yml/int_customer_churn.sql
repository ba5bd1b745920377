
-- Fixture for int_customer_churn
select 
    
    cast(1 as BIGINT)
 as "visitor_id", cast(null as TIMESTAMP) as "first_purchase_at", cast(null as TIMESTAMP) as "last_purchase_at", cast(null as TIMESTAMP) as "last_seen_at", cast(null as DOUBLE) as "days_since_last_seen", cast(null as BIGINT) as "n_orders", 
    
    cast(True as BOOLEAN)
 as "is_churned", cast(null as BOOLEAN) as "is_bot_like"
union all
select 
    
    cast(2 as BIGINT)
 as "visitor_id", cast(null as TIMESTAMP) as "first_purchase_at", cast(null as TIMESTAMP) as "last_purchase_at", cast(null as TIMESTAMP) as "last_seen_at", cast(null as DOUBLE) as "days_since_last_seen", cast(null as BIGINT) as "n_orders", 
    
    cast(True as BOOLEAN)
 as "is_churned", cast(null as BOOLEAN) as "is_bot_like"
union all
select 
    
    cast(3 as BIGINT)
 as "visitor_id", cast(null as TIMESTAMP) as "first_purchase_at", cast(null as TIMESTAMP) as "last_purchase_at", cast(null as TIMESTAMP) as "last_seen_at", cast(null as DOUBLE) as "days_since_last_seen", cast(null as BIGINT) as "n_orders", 
    
    cast(False as BOOLEAN)
 as "is_churned", cast(null as BOOLEAN) as "is_bot_like"