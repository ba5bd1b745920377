select 1::bigint as category_id, null::bigint as parent_id, 1::bigint as root_id,
    1 as depth, [1]::bigint[] as path_ids, '1' as category_path
union all
select 2, 1, 1, 2, [1, 2]::bigint[], '1 > 2'
union all
select 3, 2, 1, 3, [1, 2, 3]::bigint[], '1 > 2 > 3'