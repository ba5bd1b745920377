with

base_events as (
    select * from {{ ref('base_retailrocket__events') }}
    where quarantine_reason is not null
),

numbered as (
    select
        *,
        row_number() over (partition by file_name, raw_line order by line_number) as occurrence
    from base_events
),

final as (
    select
        -- ids
        md5(concat_ws('|', file_name, line_number)) as quarantine_id,
        file_name,
        line_number,
        occurrence,
        -- the raw input
        raw_line,
        string_split(raw_line, ',') as raw_fields,
        -- why
        quarantine_reason,
        -- what could be parsed (null where it could not)
        event_epoch_ms,
        visitor_id,
        event_type,
        item_id,
        transaction_id
    from numbered
)

select * from final
