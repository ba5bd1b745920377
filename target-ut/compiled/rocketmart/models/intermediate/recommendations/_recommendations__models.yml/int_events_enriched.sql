
-- Fixture for int_events_enriched
select cast(null as BIGINT) as "event_id", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(101 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-21 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(200 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-22 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(1 as BIGINT)
 as "visitor_id", 
    
    cast(300 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-22 11:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(2 as BIGINT)
 as "visitor_id", 
    
    cast(201 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-25 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(2 as BIGINT)
 as "visitor_id", 
    
    cast(203 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-10 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(3 as BIGINT)
 as "visitor_id", 
    
    cast(100 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-25 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"
union all
select cast(null as BIGINT) as "event_id", 
    
    cast(4 as BIGINT)
 as "visitor_id", 
    
    cast(100 as BIGINT)
 as "item_id", cast(null as BIGINT) as "transaction_id", cast(null as BIGINT) as "category_id", 
    
    cast('2015-06-25 10:00:00' as TIMESTAMP)
 as "event_at", cast(null as DATE) as "event_date", cast(null as character varying(256)) as "event_type", cast(null as INTEGER) as "event_rank", cast(null as DOUBLE) as "price", cast(null as BIGINT) as "session_number", cast(null as BIGINT) as "visitor_event_number", cast(null as BOOLEAN) as "is_session_start"