{#- Every row of `relation` with `decile` (1 to 10 by value_column descending, ties by
    id_column ascending; bigint on every engine, Spark's ntile returns int) and
    `decile_is_tie_break` (rows with the same value got different deciles, so this row's
    decile rests on the id, not on the value). A whole select: use it as a CTE's body. -#}
{% macro deciles_with_tie_breaks(relation, id_column, value_column) -%}
    select
        ranked.*,
        min(ranked.decile) over (partition by ranked.{{ value_column }})
        <> max(ranked.decile) over (partition by ranked.{{ value_column }}) as decile_is_tie_break
    from (
        select
            *,
            cast(ntile(10) over (
                order by {{ value_column }} desc, {{ id_column }} asc
            ) as bigint) as decile
        from {{ relation }}
    ) as ranked
{%- endmacro %}
