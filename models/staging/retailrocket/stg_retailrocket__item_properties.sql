with

clean_changes as (
    select * from {{ ref('base_retailrocket__item_properties') }}
    where quarantine_reason is null and is_first_occurrence
),

renamed as (
    select
        item_id,
        case property_key
            when 'categoryid' then 'category_id'
            when 'available' then 'is_available'
            when '790' then 'price'
        end as property_name,
        category_id,
        is_available,
        price,
        {{ epoch_ms_to_timestamp('changed_epoch_ms') }} as valid_from,
        file_name as source_file
    from clean_changes
),

final as (
    select
        -- ids
        item_id,
        property_name,
        -- validity (valid_to is exclusive; null = still valid)
        valid_from,
        lead(valid_from) over item_property_timeline as valid_to,
        -- values (one is set, by property_name)
        category_id,
        is_available,
        price,
        -- lineage
        source_file
    from renamed
    window item_property_timeline as (partition by item_id, property_name order by valid_from)
)

select * from final
