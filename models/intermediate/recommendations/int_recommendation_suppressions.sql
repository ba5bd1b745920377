{#- One row per recommendation cutoff and suppression rule hit: what no list the project
    emits (visitor lists, evaluation lists, category lists, win-back items) may contain.
      already_bought  (visitor_id, item_id): the visitor bought the item at or before the
                      cutoff;
      unavailable     (item_id; visitor_id null = for everyone): availability 0 at the
                      cutoff;
      bot_like        (visitor_id; item_id null): more than max_items_per_visitor
                      distinct items at or before the cutoff; never given a list, never
                      a campaign target, never in a fit. -#}
{% set max_items = var('max_items_per_visitor') %}

with

-- read twice below: scanned once per use rather than copied into a CTE result
visitor_items as {{ cte_not_materialized() }} (
    select * from {{ ref('int_recommendation_visitor_items') }}
),

-- a visitor has at most their all-time distinct items at any cutoff: only these few can be
-- bot-like anywhere, so only their rows are counted per cutoff
bot_like_candidates as (
    select * from {{ ref('int_visitor_activity') }}
    where n_distinct_items > {{ max_items }}
),

item_state as (
    select * from {{ ref('int_recommendation_item_state') }}
    where is_available = false
),

already_bought as (
    select
        cutoff_name,
        'already_bought' as reason,
        visitor_id,
        item_id
    from visitor_items
    where is_bought
),

unavailable as (
    select
        cutoff_name,
        'unavailable' as reason,
        cast(null as bigint) as visitor_id,
        item_id
    from item_state
),

bot_like as (
    select
        visitor_items.cutoff_name,
        'bot_like' as reason,
        visitor_items.visitor_id,
        cast(null as bigint) as item_id
    from visitor_items
    semi join bot_like_candidates
        on visitor_items.visitor_id = bot_like_candidates.visitor_id
    group by visitor_items.cutoff_name, visitor_items.visitor_id
    having count(*) > {{ max_items }}
),

final as (
    select * from already_bought
    union all
    select * from unavailable
    union all
    select * from bot_like
)

select * from final
