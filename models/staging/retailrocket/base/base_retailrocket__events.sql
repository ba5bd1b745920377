{#-
    The one scan of events.csv. One row per raw line with the try_cast-parsed fields
    and a quarantine_reason (null = clean).
    Reasons, first match wins:
      unparseable             wrong field count, or a non-numeric timestamp, visitorid,
                              itemid or transactionid
      unknown_event_type      event not in view / addtocart / transaction
      transaction_without_id  a transaction with an empty transactionid
      id_on_non_transaction   a view or addtocart that carries a transactionid
      timestamp_out_of_range  outside [2000-01-01, 2100-01-01)
    The raw text is kept only for quarantined lines.
-#}
with

raw_events as (
    select * from {{ source('retailrocket', 'events') }}
),

parsed as (
    select
        file_name,
        raw_line,
        -- split_part + try_cast (which tolerates surrounding blanks) is several times
        -- faster than string_split + trim on millions of lines
        length(raw_line) - length(replace(raw_line, ',', '')) + 1 as n_fields,
        try_cast(split_part(raw_line, ',', 1) as bigint) as event_epoch_ms,
        try_cast(split_part(raw_line, ',', 2) as bigint) as visitor_id,
        lower(trim(split_part(raw_line, ',', 3))) as event_type,
        try_cast(split_part(raw_line, ',', 4) as bigint) as item_id,
        nullif(trim(split_part(raw_line, ',', 5)), '') as raw_transaction_id,
        try_cast(split_part(raw_line, ',', 5) as bigint) as transaction_id
    from raw_events
),

classified as (
    select
        *,
        case
            when
                coalesce(n_fields, 0) != 5
                or event_epoch_ms is null
                or visitor_id is null
                or item_id is null
                or (raw_transaction_id is not null and transaction_id is null)
                then 'unparseable'
            when event_type not in ('view', 'addtocart', 'transaction')
                then 'unknown_event_type'
            when event_type = 'transaction' and transaction_id is null
                then 'transaction_without_id'
            when event_type != 'transaction' and transaction_id is not null
                then 'id_on_non_transaction'
            when
                event_epoch_ms < {{ epoch_ms_lower_bound() }}
                or event_epoch_ms >= {{ epoch_ms_upper_bound() }}
                then 'timestamp_out_of_range'
        end as quarantine_reason
    from parsed
),

final as (
    select
        file_name,
        case when quarantine_reason is not null then raw_line end as raw_line,
        event_epoch_ms,
        visitor_id,
        event_type,
        item_id,
        transaction_id,
        quarantine_reason
    from classified
)

select * from final
