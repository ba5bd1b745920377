{#- Deterministic A/B hold-out: true for about `control_share` of ids, from an md5 hash of
    the campaign name and the id (stable across rebuilds and machines, independent
    between campaigns). -#}
{% macro is_control_group(id_column, campaign_name, control_share) -%}
    (
        cast(('0x' || left(md5(concat('{{ campaign_name }}', ':', {{ id_column }})), 8)) as bigint)
        % 10000
    ) < {{ control_share }} * 10000
{%- endmacro %}
