-- Bot-like visitors stay in every count but are never campaign targets (SPEC §4, §7).
with

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
    where is_bot_like
),

browse_abandoners as (
    select * from {{ ref('campaign_browse_abandoners') }}
),

churned_customers as (
    select * from {{ ref('campaign_churned_customers') }}
),

targets as (
    select visitor_id from browse_abandoners
    union all
    select visitor_id from churned_customers
)

select targets.visitor_id
from targets
inner join visitor_activity
    on targets.visitor_id = visitor_activity.visitor_id
