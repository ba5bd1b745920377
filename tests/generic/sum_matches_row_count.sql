{#- Reconciliation: the sum of `column_name` in this model must equal the number of rows
    of `compare_model` (optionally filtered by `compare_where`). E.g. the sessions'
    n_events add up to the clean event count. -#}
{% test sum_matches_row_count(model, column_name, compare_model, compare_where='true') %}

with

summed as (
    select coalesce(sum({{ column_name }}), 0) as model_total from {{ model }}
),

counted as (
    select count(*) as compare_total from {{ compare_model }} where {{ compare_where }}
)

select
    summed.model_total,
    counted.compare_total
from summed
cross join counted
where summed.model_total != counted.compare_total

{% endtest %}
