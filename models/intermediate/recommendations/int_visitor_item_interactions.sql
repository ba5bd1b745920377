{#- One row per recommendation cutoff and (visitor, item) with any event at or before the
    cutoff, bot-like visitors excluded: the binary visitor x item matrix of
    int_item_similarity. A view: it only narrows int_recommendation_visitor_items. -#}
{{ config(materialized='view') }}

with

visitor_items as (
    select * from {{ ref('int_recommendation_visitor_items') }}
),

bot_like_visitors as (
    select * from {{ ref('int_recommendation_suppressions') }}
    where reason = 'bot_like'
),

final as (
    select
        visitor_items.cutoff_name,
        visitor_items.visitor_id,
        visitor_items.item_id
    from visitor_items
    anti join bot_like_visitors
        on
            visitor_items.cutoff_name = bot_like_visitors.cutoff_name
            and visitor_items.visitor_id = bot_like_visitors.visitor_id
)

select * from final
