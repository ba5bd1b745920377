{#- Resolves every category reachable from a root: depth (root = 1), root and the full
    path. Categories in a cycle or under an unknown parent are never reached from a root,
    so the recursion ends by itself; they are listed in audit.category_tree_issues. -#}
with recursive

categories as (
    select * from {{ ref('stg_retailrocket__category_tree') }}
),

category_paths as (
    select
        category_id,
        parent_id,
        category_id as root_id,
        1 as depth,
        {{ array_from('category_id') }} as path_ids
    from categories
    where parent_id is null

    union all

    select
        categories.category_id,
        categories.parent_id,
        category_paths.root_id,
        category_paths.depth + 1 as depth,
        {{ array_append_item('category_paths.path_ids', 'categories.category_id') }} as path_ids
    from categories
    inner join category_paths
        on categories.parent_id = category_paths.category_id
    -- a guard only: a well-formed tree never gets near it
    where category_paths.depth < 64
),

final as (
    select
        -- ids
        category_id,
        parent_id,
        root_id,
        -- hierarchy
        depth,
        path_ids,
        {{ array_join_text('path_ids', "' > '") }} as category_path
    from category_paths
)

select * from final
