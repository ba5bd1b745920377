-- visitor_segments has one row per distinct visitor of the clean events at or before
-- as-of: nobody (bots included) is dropped or duplicated.
with

events as (
    select * from {{ ref('stg_retailrocket__events') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

visitor_segments as (
    select * from {{ ref('visitor_segments') }}
),

expected as (
    select count(distinct events.visitor_id) as n_visitors
    from events
    cross join as_of
    where events.event_at <= as_of.as_of_at
),

actual as (
    select count(*) as n_visitors
    from visitor_segments
)

select
    expected.n_visitors as expected_visitors,
    actual.n_visitors as actual_visitors
from expected
cross join actual
where expected.n_visitors != actual.n_visitors
