{#- One row per clean event in the training window (at or before train_end_at): the only
    events the evaluated recommenders are fitted on. A view: it only narrows. -#}
{{ config(materialized='view') }}

with

events as (
    select * from {{ ref('int_events_enriched') }}
),

time_split as (
    select * from {{ ref('int_recommendation_time_split') }}
),

final as (
    select events.*
    from events
    inner join time_split
        on events.event_at <= time_split.train_end_at
)

select * from final
