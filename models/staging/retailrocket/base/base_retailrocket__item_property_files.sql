{#-
    One row per item_properties_part*.csv file: its data lines, and how many of them are
    well-formed lines of property keys that staging does not keep (out of scope).
    A count-only scan of the files, kept apart from base_retailrocket__item_properties so
    that model never carries the ~18 M out-of-scope lines, and so load_reconciliation
    checks staging against a line count taken straight from the files. The key test is
    the same as base_retailrocket__item_properties' filter, negated.
-#}
with

raw_item_properties as (
    select * from {{ source('retailrocket', 'item_properties') }}
),

final as (
    select
        file_name,
        count(*) as raw_rows,
        count(*) filter (
            where
            coalesce(raw_property, '') != ''
            and raw_value is not null
            and raw_property not in ('categoryid', 'available', '790')
        ) as out_of_scope_rows
    from raw_item_properties
    group by file_name
)

select * from final
