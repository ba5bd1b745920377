{#- One row per (visitor, item) with any clean event, bot-like visitors excluded: the
    binary interaction matrix behind item_similarity. -#}
with

events as (
    select * from {{ ref('int_events_enriched') }}
),

interactions as (
    {{ visitor_item_interactions('events') }}
),

final as (
    select
        visitor_id,
        item_id
    from interactions
)

select * from final
