{#- Bot-like visitors (int_visitor_activity.is_bot_like) must not reach the production
    item similarity: every row returned is a leak. -#}
with

interactions as (
    select * from {{ ref('int_visitor_item_interactions') }}
    where cutoff_name = 'production'
),

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

final as (
    select interactions.*
    from interactions
    inner join visitor_activity
        on interactions.visitor_id = visitor_activity.visitor_id
    where visitor_activity.is_bot_like
)

select * from final
