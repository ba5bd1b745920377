{#- One row per item with any clean event: its popularity score over all events up to the
    as-of time (weights from the event_type_weights seed). -#}
with

events as (
    select * from {{ ref('int_events_enriched') }}
),

popularity as (
    {{ item_popularity_scores('events') }}
),

final as (
    select
        item_id,
        score
    from popularity
)

select * from final
