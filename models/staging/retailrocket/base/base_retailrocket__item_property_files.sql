{#-
    One row per item_properties_part*.csv file: its data lines, and how many of them are
    well-formed lines of property keys that staging does not keep (out of scope).
    Counted by the line reader (base_retailrocket__item_property_lines), which returns
    the out-of-scope lines of each file as one row with a null raw_line and their count,
    so load_reconciliation checks staging against a count taken straight from the files.
-#}
with

item_property_lines as (
    select * from {{ ref('base_retailrocket__item_property_lines') }}
),

final as (
    select
        file_name,
        sum(n_lines) as raw_rows,
        coalesce(sum(n_lines) filter (where raw_line is null), 0) as out_of_scope_rows
    from item_property_lines
    group by file_name
)

select * from final
