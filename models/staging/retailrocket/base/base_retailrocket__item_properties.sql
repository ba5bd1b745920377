{#-
    The one scan of item_properties_part*.csv (they hold ~20 M rows at full scale, so
    they are read once). One row per distinct raw line of a kept property key
    (categoryid, available, 790 = price) or of a malformed line, with its number of
    occurrences, the parsed value and a quarantine_reason (null = clean):
      unparseable             missing fields or an empty key (any key); a non-numeric
                              timestamp or itemid (kept keys)
      timestamp_out_of_range  outside [2000-01-01, 2100-01-01)
      invalid_value           categoryid not a non-negative integer, available not 0/1,
                              790 not of the form n<number>
      conflicting_value       another value of the same item and key at the same
                              timestamp sorts first (that one is kept)
    Well-formed lines of the other keys are out of scope and not read into this model:
    base_retailrocket__item_property_files counts them per file for load_reconciliation.
-#}
with

raw_item_properties as (
    select * from {{ source('retailrocket', 'item_properties') }}
),

-- only the lines staging keeps or quarantines: the other ~90 % (well-formed lines of
-- other keys) are counted in base_retailrocket__item_property_files instead of being
-- carried through this model
in_scope as (
    select
        file_name,
        raw_timestamp,
        raw_itemid,
        raw_property,
        raw_value,
        coalesce(raw_property, '') = '' or raw_value is null as is_malformed
    from raw_item_properties
    where
        coalesce(raw_property, '') = ''
        or raw_value is null
        or raw_property in ('categoryid', 'available', '790')
),

collapsed as (
    select
        file_name,
        raw_timestamp,
        raw_itemid,
        raw_property,
        raw_value,
        is_malformed,
        count(*) as n_rows
    from in_scope
    group by all
),

parsed as (
    select
        *,
        try_cast(raw_timestamp as bigint) as changed_epoch_ms,
        try_cast(raw_itemid as bigint) as item_id,
        trim(raw_property) as property_key,
        trim(raw_value) as property_value
    from collapsed
),

typed as (
    select
        *,
        case when property_key = 'categoryid' then try_cast(property_value as bigint) end
            as category_id,
        case
            when property_key = 'available' and property_value in ('0', '1')
                then property_value = '1'
        end as is_available,
        case
            when
                property_key = '790'
                and regexp_full_match(property_value, 'n-?[0-9]+(\.[0-9]+)?')
                then try_cast(substr(property_value, 2) as double)
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
                (property_key = 'categoryid' and coalesce(category_id, -1) < 0)
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
        -- the raw text is kept only for quarantined lines (writing it for the ~2 M clean
        -- rows was a third of this model's time at full scale)
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
