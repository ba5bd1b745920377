{#-
    The one parse of item_properties_part*.csv (~20 M lines at full scale, so the line
    reader already set aside the plainly well-formed lines of keys staging does not keep:
    base_retailrocket__item_property_files counts them). One row per distinct physical
    line of a kept property key (categoryid, available, 790 = price) or of a malformed
    line, with its number of occurrences, the strictly parsed value and a
    quarantine_reason (null = clean):
      unparseable             not exactly 4 fields, an empty key, or a timestamp or itemid
                              that is not a canonical integer (within int64)
      timestamp_out_of_range  outside [2000-01-01, 2100-01-01)
      invalid_value           categoryid not a canonical integer, available not 0 / 1,
                              790 not `n` + a finite non-negative decimal
      conflicting_value       another value of the same item and key at the same
                              timestamp sorts first (that one is kept)
-#}
with

item_property_lines as (
    select * from {{ ref('base_retailrocket__item_property_lines') }}
    where raw_line is not null
),

collapsed as (
    select
        file_name,
        raw_line,
        min(line_number) as first_line_number,
        count(*) as n_rows
    from item_property_lines
    group by file_name, raw_line
),

split_lines as (
    select
        *,
        string_split(raw_line, ',') as raw_fields
    from collapsed
),

fields as (
    select
        file_name,
        raw_line,
        first_line_number,
        n_rows,
        len(raw_fields) as n_fields,
        raw_fields[1] as raw_timestamp,
        coalesce(raw_fields[2], '') as raw_itemid,
        coalesce(raw_fields[3], '') as raw_property,
        coalesce(raw_fields[4], '') as raw_value
    from split_lines
),

parsed as (
    select
        *,
        n_fields != 4 or raw_property = '' as is_malformed,
        {{ canonical_bigint('raw_timestamp') }} as changed_epoch_ms,
        {{ canonical_bigint('raw_itemid') }} as item_id,
        raw_property as property_key,
        raw_value as property_value
    from fields
),

typed as (
    select
        *,
        case
            when not is_malformed and property_key = 'categoryid'
                then {{ canonical_bigint('property_value') }}
        end as category_id,
        case
            when not is_malformed and property_key = 'available' and property_value in ('0', '1')
                then property_value = '1'
        end as is_available,
        case
            when
                not is_malformed
                and property_key = '790'
                and regexp_full_match(property_value, 'n[0-9]+(\.[0-9]+)?')
                and isfinite(try_cast(substr(property_value, 2) as double))
                then cast(substr(property_value, 2) as double)
        end as price
    from parsed
),

validated as (
    select
        *,
        case
            when is_malformed or changed_epoch_ms is null or item_id is null then 'unparseable'
            when
                changed_epoch_ms < {{ epoch_ms_lower_bound() }}
                or changed_epoch_ms >= {{ epoch_ms_upper_bound() }}
                then 'timestamp_out_of_range'
            when
                (property_key = 'categoryid' and category_id is null)
                or (property_key = 'available' and is_available is null)
                or (property_key = '790' and price is null)
                then 'invalid_value'
        end as invalid_reason
    from typed
),

-- the value that wins each (item, key, timestamp): the smallest value, first file first
winners as (
    select
        item_id,
        property_key,
        changed_epoch_ms,
        min(struct_pack(property_value := property_value, file_name := file_name)) as winner
    from validated
    where invalid_reason is null
    group by item_id, property_key, changed_epoch_ms
),

ranked as (
    select
        validated.*,
        struct_extract(winners.winner, 'property_value') as winning_value,
        struct_extract(winners.winner, 'file_name') as winning_file
    from validated
    left join winners
        on
            validated.item_id = winners.item_id
            and validated.property_key = winners.property_key
            and validated.changed_epoch_ms = winners.changed_epoch_ms
),

classified as (
    select
        *,
        case
            when invalid_reason is not null then invalid_reason
            when property_value != winning_value
                then 'conflicting_value'
        end as quarantine_reason
    from ranked
),

final as (
    select
        file_name,
        first_line_number,
        -- the raw text is kept only for quarantined lines (writing it for the ~2 M clean
        -- rows was a third of this model's time at full scale)
        case when quarantine_reason is not null then raw_line end as raw_line,
        case when quarantine_reason is not null then raw_timestamp end as raw_timestamp,
        case when quarantine_reason is not null then raw_itemid end as raw_itemid,
        case when quarantine_reason is not null then raw_property end as raw_property,
        case when quarantine_reason is not null then raw_value end as raw_value,
        n_rows,
        changed_epoch_ms,
        item_id,
        property_key,
        category_id,
        is_available,
        price,
        quarantine_reason,
        invalid_reason is null
        and property_value = winning_value
        and file_name = winning_file as is_first_occurrence
    from classified
)

select * from final
