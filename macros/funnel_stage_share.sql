{#- Share of a funnel stage's count relative to the previous stage (`relative_to =
    'previous'`) or to the first stage (`'first'`), ordered by stage_order within
    `partition_by` (e.g. event_date). The first stage has no previous stage (null).
    Stages are counted independently, so the share of previous can exceed 1. -#}
{% macro funnel_stage_share(count_column, relative_to='previous', partition_by=none) -%}
    {%- set window -%}
        over ({% if partition_by %}partition by {{ partition_by }} {% endif %}order by stage_order)
    {%- endset -%}
    {%- if relative_to == 'previous' -%}
        {{ safe_divide(count_column, 'lag(' ~ count_column ~ ') ' ~ window) }}
    {%- elif relative_to == 'first' -%}
        {{ safe_divide(count_column, 'first_value(' ~ count_column ~ ') ' ~ window) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("funnel_stage_share: relative_to must be 'previous' or 'first'") }}
    {%- endif -%}
{%- endmacro %}
