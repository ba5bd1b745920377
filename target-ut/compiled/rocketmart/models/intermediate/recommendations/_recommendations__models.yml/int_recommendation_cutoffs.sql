
-- Fixture for int_recommendation_cutoffs
select 
    
    cast('evaluation' as character varying)
 as "cutoff_name", 
    
    cast('2015-06-20 00:00:00' as TIMESTAMP)
 as "cutoff_at", 
    
    cast('2015-06-30 00:00:00' as TIMESTAMP)
 as "outcome_ends_at", cast(null as INTEGER) as "list_length", cast(null as VARCHAR[]) as "recommenders", cast(null as BOOLEAN) as "lists_only_returning_visitors"
union all
select 
    
    cast('production' as character varying)
 as "cutoff_name", 
    
    cast('2015-06-30 00:00:00' as TIMESTAMP)
 as "cutoff_at", 
    
    cast(null as TIMESTAMP)
 as "outcome_ends_at", cast(null as INTEGER) as "list_length", cast(null as VARCHAR[]) as "recommenders", cast(null as BOOLEAN) as "lists_only_returning_visitors"