{#- Fails for every combination of `combination_of_columns` that occurs more than once
    (one row per such combination, with its number of occurrences; null equals null).
    Cheap on the largest tables: the first pass groups one hash of the columns (a single
    integer key instead of several columns, strings among them); only rows whose hash
    occurs twice are grouped again on the columns themselves, so a hash collision of two
    different combinations never fails the test (usually no row reaches that pass). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set columns = combination_of_columns | join(', ') %}

with

repeated_hashes as (
    select hash({{ columns }}) as key_hash
    from {{ model }}
    group by hash({{ columns }})
    having count(*) > 1
)

select
    {{ columns }},
    count(*) as n_occurrences
from {{ model }}
where hash({{ columns }}) in (select repeated_hashes.key_hash from repeated_hashes)
group by {{ columns }}
having count(*) > 1

{% endtest %}
