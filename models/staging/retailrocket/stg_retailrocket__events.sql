with

clean_lines as (
    select * from {{ ref('base_retailrocket__events') }}
    where quarantine_reason is null
),

deduplicated as (
    select distinct
        event_epoch_ms,
        visitor_id,
        event_type,
        item_id,
        transaction_id
    from clean_lines
),

final as (
    select
        -- ids
        -- the first 63 bits of the md5 of the parsed fields: stable across rebuilds and
        -- DuckDB versions, and a bigint is far cheaper to store, sort and join than the
        -- 32-character hex digest (int_events_enriched sorts on it)
        {{ md5_bigint("concat_ws(
            '|', event_epoch_ms, visitor_id, event_type, item_id, coalesce(transaction_id, -1)
        )") }} as event_id,
        visitor_id,
        item_id,
        transaction_id,
        -- timestamps
        {{ epoch_ms_to_timestamp('event_epoch_ms') }} as event_at,
        -- attributes
        event_type
    from deduplicated
)

select * from final
