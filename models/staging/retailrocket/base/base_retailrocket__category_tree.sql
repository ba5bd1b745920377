{#-
    The one scan of category_tree.csv: one row per distinct raw line with its number of
    occurrences, the parsed ids and a quarantine_reason (null = clean):
      unparseable          wrong field count, non-numeric categoryid or parentid
      conflicting_parent   the category appears again with another parent; the line with
                           the smallest parent id (roots first) is kept
-#}
with

raw_category_tree as (
    select * from {{ source('retailrocket', 'category_tree') }}
),

distinct_lines as (
    select
        file_name,
        raw_line,
        count(*) as n_rows
    from raw_category_tree
    group by file_name, raw_line
),

split_lines as (
    select
        file_name,
        raw_line,
        n_rows,
        string_split(replace(coalesce(raw_line, ''), chr(13), ''), ',') as raw_fields
    from distinct_lines
),

parsed as (
    select
        file_name,
        raw_line,
        n_rows,
        len(raw_fields) as n_fields,
        try_cast(trim(raw_fields[1]) as bigint) as category_id,
        nullif(trim(raw_fields[2]), '') as raw_parent_id,
        try_cast(trim(raw_fields[2]) as bigint) as parent_id
    from split_lines
),

classified as (
    select
        *,
        n_fields != 2
        or category_id is null
        or (raw_parent_id is not null and parent_id is null) as is_unparseable
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
