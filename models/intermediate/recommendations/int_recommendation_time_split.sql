{#- One row: the evaluation time split. Training = events at or before train_end_at
    (as-of minus `test_days` days); test = events after it, up to as_of_at. -#}
{% set test_days = var('test_days') %}

with

as_of as (
    select * from {{ ref('int_as_of') }}
),

final as (
    select
        as_of_at - interval '{{ test_days }} days' as train_end_at,
        as_of_at
    from as_of
)

select * from final
