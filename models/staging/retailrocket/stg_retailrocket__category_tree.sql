with

clean_lines as (
    select * from {{ ref('base_retailrocket__category_tree') }}
    where quarantine_reason is null
),

final as (
    select
        category_id,
        parent_id
    from clean_lines
)

select * from final
