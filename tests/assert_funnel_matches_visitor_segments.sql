-- The funnel's visitor counts agree with the visitor marts: the transaction stage has
-- as many visitors as there are buyers, the addtocart and view stages as many as there
-- are visitors with at least one such event.
with

funnel as (
    select * from {{ ref('funnel') }}
),

visitor_segments as (
    select * from {{ ref('visitor_segments') }}
),

expected as (
    select
        'view' as stage,
        count(*) filter (where n_views > 0) as n_visitors
    from visitor_segments
    union all
    select
        'addtocart' as stage,
        count(*) filter (where n_addtocarts > 0) as n_visitors
    from visitor_segments
    union all
    select
        'transaction' as stage,
        count(*) filter (where segment = 'buyer') as n_visitors
    from visitor_segments
)

select
    expected.stage,
    expected.n_visitors as expected_visitors,
    funnel.n_visitors as funnel_visitors
from expected
left join funnel
    on expected.stage = funnel.stage
where funnel.n_visitors is distinct from expected.n_visitors
