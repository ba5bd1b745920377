{#-
    The one parse of category_tree.csv: one row per distinct physical data line with its
    number of occurrences, the strictly parsed ids and a quarantine_reason (null = clean):
      unparseable          not exactly 2 fields, a categoryid that is not a canonical
                           integer (within int64), or a non-empty parentid that is not
      conflicting_parent   the category appears again with another parent; the line with
                           the smallest parent id (roots first) is kept
-#}
with

category_tree_lines as (
    select * from {{ ref('base_retailrocket__category_tree_lines') }}
),

distinct_lines as (
    select
        file_name,
        raw_line,
        min(line_number) as first_line_number,
        count(*) as n_rows
    from category_tree_lines
    group by file_name, raw_line
),

split_lines as (
    select
        *,
        string_split(raw_line, ',') as raw_fields
    from distinct_lines
),

fields as (
    select
        file_name,
        raw_line,
        first_line_number,
        n_rows,
        len(raw_fields) as n_fields,
        raw_fields[1] as raw_category_id,
        coalesce(raw_fields[2], '') as raw_parent_id
    from split_lines
),

parsed as (
    select
        file_name,
        raw_line,
        first_line_number,
        n_rows,
        n_fields,
        raw_parent_id,
        {{ canonical_bigint('raw_category_id') }} as category_id,
        {{ canonical_bigint('raw_parent_id') }} as parent_id
    from fields
),

classified as (
    select
        *,
        n_fields != 2
        or category_id is null
        or (raw_parent_id != '' and parent_id is null) as is_unparseable
    from parsed
),

ranked as (
    select
        *,
        row_number() over (
            partition by is_unparseable, category_id
            order by parent_id nulls first
        ) as parent_rank
    from classified
),

final as (
    select
        file_name,
        raw_line,
        first_line_number,
        n_rows,
        category_id,
        parent_id,
        case
            when is_unparseable then 'unparseable'
            when parent_rank > 1 then 'conflicting_parent'
        end as quarantine_reason
    from ranked
)

select * from final
