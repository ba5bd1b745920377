{#-
    The one parse of events.csv: one row per physical data line (base_retailrocket__event_lines)
    with the strictly parsed fields and a quarantine_reason (null = clean).
    Every field is read as text and checked against its canonical form before the cast:
    ids and the timestamp must be canonical base-10 integers within int64 (no decimals,
    exponents, hex, signs, blanks), the event type is taken as written.
    Reasons, first match wins:
      unparseable             not exactly 5 fields, or a timestamp, visitorid, itemid or
                              (non-empty) transactionid that is not a canonical integer
      unknown_event_type      event not exactly view / addtocart / transaction
      transaction_without_id  a transaction with an empty transactionid
      id_on_non_transaction   a view or addtocart that carries a transactionid
      timestamp_out_of_range  outside [2000-01-01, 2100-01-01)
    The raw text is kept only for quarantined lines.
-#}
with

event_lines as (
    select * from {{ ref('base_retailrocket__event_lines') }}
),

-- one string_split per line: several split_part calls on the stored lines cost 4x more
split_lines as (
    select
        file_name,
        line_number,
        raw_line,
        string_split(raw_line, ',') as raw_fields
    from event_lines
),

fields as (
    select
        file_name,
        line_number,
        raw_line,
        len(raw_fields) as n_fields,
        raw_fields[1] as raw_timestamp,
        coalesce(raw_fields[2], '') as raw_visitor_id,
        coalesce(raw_fields[3], '') as event_type,
        coalesce(raw_fields[4], '') as raw_item_id,
        coalesce(raw_fields[5], '') as raw_transaction_id
    from split_lines
),

parsed as (
    select
        file_name,
        line_number,
        raw_line,
        n_fields,
        event_type,
        raw_transaction_id,
        {{ canonical_bigint('raw_timestamp') }} as event_epoch_ms,
        {{ canonical_bigint('raw_visitor_id') }} as visitor_id,
        {{ canonical_bigint('raw_item_id') }} as item_id,
        {{ canonical_bigint('raw_transaction_id') }} as transaction_id
    from fields
),

classified as (
    select
        *,
        case
            when
                n_fields != 5
                or event_epoch_ms is null
                or visitor_id is null
                or item_id is null
                or (raw_transaction_id != '' and transaction_id is null)
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
        line_number,
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
