{#- Select of every row of `left_relation` with `right_columns` of the latest row of
    `right_relation` with the same `key_column` and `right_time` <= the left row's
    `left_time` (nulls when there is none): an ASOF left join.
    DuckDB runs its `asof left join`. Spark has none: both relations are unioned into one
    stream per key ordered by time (a right row before a left row at the same time, as
    `>=` matches), each right row carried as one struct, so `last_value(…) ignore nulls`
    finds exactly the latest right row, even one whose columns are null. -#}
{% macro asof_left_join(left_relation, right_relation, key_column, left_time, right_time, right_columns) -%}
    {{ return(adapter.dispatch('asof_left_join', 'rocketmart')(
        left_relation, right_relation, key_column, left_time, right_time, right_columns
    )) }}
{%- endmacro %}

{% macro default__asof_left_join(left_relation, right_relation, key_column, left_time, right_time, right_columns) -%}
    select
        asof_left.*,
        {%- for column in right_columns %}
        asof_right.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ left_relation }} as asof_left
    asof left join {{ right_relation }} as asof_right
        on
            asof_left.{{ key_column }} = asof_right.{{ key_column }}
            and asof_left.{{ left_time }} >= asof_right.{{ right_time }}
{%- endmacro %}

{% macro spark__asof_left_join(left_relation, right_relation, key_column, left_time, right_time, right_columns) -%}
    select
        asof_stream.asof_left_row.*,
        {%- for column in right_columns %}
        asof_stream.asof_right_row.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from (
        select
            asof_is_left,
            asof_left_row,
            last_value(asof_right_row) ignore nulls over (
                partition by asof_key
                order by asof_at, asof_is_left
                rows between unbounded preceding and current row
            ) as asof_right_row
        from (
            select
                asof_left.{{ key_column }} as asof_key,
                asof_left.{{ left_time }} as asof_at,
                1 as asof_is_left,
                struct(asof_left.*) as asof_left_row,
                null as asof_right_row
            from {{ left_relation }} as asof_left

            union all

            select
                asof_right.{{ key_column }} as asof_key,
                asof_right.{{ right_time }} as asof_at,
                0 as asof_is_left,
                null as asof_left_row,
                struct(
                    {%- for column in right_columns %}
                    asof_right.{{ column }}{{ "," if not loop.last }}
                    {%- endfor %}
                ) as asof_right_row
            from {{ right_relation }} as asof_right
            where asof_right.{{ key_column }} is not null
        ) as asof_union
    ) as asof_stream
    where asof_stream.asof_is_left = 1
{%- endmacro %}
