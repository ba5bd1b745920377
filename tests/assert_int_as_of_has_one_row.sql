-- int_as_of must hold exactly one row: every model cross-joins it as "now".
with

as_of as (
    select * from {{ ref('int_as_of') }}
),

counted as (
    select count(*) as n_rows
    from as_of
)

select n_rows
from counted
where n_rows != 1
