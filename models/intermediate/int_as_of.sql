{#- One row: the as-of time every model uses as "now". The `as_of` var when set, else the
    greatest clean event timestamp — never the wall clock, so rebuilds are reproducible. -#}
{% set as_of = var('as_of') %}
{% set as_of_expression = "cast('" ~ as_of ~ "' as timestamp)" if as_of else "max(event_at)" %}

with

events as (
    select * from {{ ref('stg_retailrocket__events') }}
),

final as (
    select {{ as_of_expression }} as as_of_at
    from events
)

select * from final
