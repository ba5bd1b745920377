with

base_item_properties as (
    select * from {{ ref('base_retailrocket__item_properties') }}
    where quarantine_reason is not null
),

expanded as (
    select
        *,
        -- one row per raw occurrence of a line that repeats n_rows times
        unnest(range(1, n_rows + 1)) as occurrence
    from base_item_properties
),

final as (
    select
        -- ids
        md5(concat_ws(
            '|',
            file_name,
            first_line_number,
            occurrence
        )) as quarantine_id,
        file_name,
        first_line_number,
        occurrence,
        -- the raw input
        raw_line,
        raw_timestamp,
        raw_itemid,
        raw_property,
        raw_value,
        -- why
        quarantine_reason
    from expanded
)

select * from final
