with

cutoffs as (
    select * from "real"."intermediate"."int_recommendation_cutoffs"
),

popularity as (
    select * from "real"."intermediate"."int_item_popularity"
),

item_state as (
    select * from "real"."intermediate"."int_recommendation_item_state"
    where category_id is not null
),

unavailable_items as (
    select * from "real"."intermediate"."int_recommendation_suppressions"
    where reason = 'unavailable'
),

category_paths as (
    select * from "real"."intermediate"."int_category_paths"
),

eligible_items as (
    select
        popularity.cutoff_name,
        item_state.category_id,
        popularity.item_id,
        popularity.score,
        cutoffs.list_length
    from popularity
    inner join cutoffs
        on popularity.cutoff_name = cutoffs.cutoff_name
    inner join item_state
        on
            popularity.cutoff_name = item_state.cutoff_name
            and popularity.item_id = item_state.item_id
    anti join unavailable_items
        on
            popularity.cutoff_name = unavailable_items.cutoff_name
            and popularity.item_id = unavailable_items.item_id
    -- no level ever contributes more than list_length items
    qualify row_number() over (
        partition by popularity.cutoff_name, item_state.category_id
        order by popularity.score desc, popularity.item_id asc
    ) <= cutoffs.list_length
),

category_levels as (
    -- every category with itself (level 0) and each ancestor (level 1 = parent, ...)
    select
        category_id,
        depth,
        path_ids,
        unnest(range(depth)) as source_level
    from category_paths
),

category_sources as (
    select
        category_id,
        source_level,
        path_ids[depth - source_level] as source_category_id
    from category_levels
),

candidates as (
    select
        eligible_items.cutoff_name,
        category_sources.category_id,
        eligible_items.item_id,
        eligible_items.score,
        category_sources.source_level,
        eligible_items.list_length
    from category_sources
    inner join eligible_items
        on category_sources.source_category_id = eligible_items.category_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by cutoff_name, category_id
            order by source_level asc, score desc, item_id asc
        ) as rank
    from candidates
    qualify rank <= list_length
),

final as (
    select
        -- ids
        cutoff_name,
        category_id,
        rank,
        item_id,
        -- measures
        score,
        source_level
    from ranked
)

select * from final