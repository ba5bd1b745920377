{#- One row per category with events, the category taken as of each event's time (property
    history). Events whose item has no known category at that time are left out (counted
    in audit.data_quality_summary). parent_id, root_id and depth come from the category
    tree (null when the category is not in it). -#}
with

events as (
    select * from {{ ref('int_events_enriched') }}
    where category_id is not null
),

category_paths as (
    select * from {{ ref('int_category_paths') }}
),

per_category_visitor as (
    select
        category_id,
        visitor_id,
        {{ event_type_counts() }}
    from events
    group by category_id, visitor_id
),

category_items as (
    select
        category_id,
        count(distinct item_id) as n_items
    from events
    group by category_id
),

per_category as (
    select
        category_id,
        {{ conversion_counts() }}
    from per_category_visitor
    group by category_id
),

final as (
    select
        -- ids
        per_category.category_id,
        category_paths.parent_id,
        category_paths.root_id,
        category_paths.depth,
        -- measures
        category_items.n_items,
        per_category.n_views,
        per_category.n_addtocarts,
        per_category.n_transactions,
        per_category.n_visitors,
        per_category.n_carters,
        per_category.n_buyers,
        -- rates over distinct visitors
        {{ safe_divide('per_category.n_carters', 'per_category.n_visitors') }} as cart_rate,
        {{ safe_divide('per_category.n_buyers', 'per_category.n_visitors') }} as conversion_rate,
        {{ wilson_lower_bound('per_category.n_buyers', 'per_category.n_visitors') }} as conversion_rate_lower
    from per_category
    inner join category_items
        on per_category.category_id = category_items.category_id
    left join category_paths
        on per_category.category_id = category_paths.category_id
)

select * from final
