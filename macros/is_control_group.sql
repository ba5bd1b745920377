{#- Deterministic A/B hold-out: true for about `control_share` of ids, from an md5 hash of
    the campaign name and the id (stable across rebuilds and machines, independent
    between campaigns). Dispatched: Spark reads the hex digits with conv (its cast of a
    '0x…' string returns null, which would silently empty the control group). -#}
{% macro is_control_group(id_column, campaign_name, control_share) -%}
    {{ return(adapter.dispatch('is_control_group', 'rocketmart')(id_column, campaign_name, control_share)) }}
{%- endmacro %}

{% macro default__is_control_group(id_column, campaign_name, control_share) -%}
    (
        cast(('0x' || left(md5(concat('{{ campaign_name }}', ':', {{ id_column }})), 8)) as bigint)
        % 10000
    ) < {{ control_share }} * 10000
{%- endmacro %}

{% macro spark__is_control_group(id_column, campaign_name, control_share) -%}
    (
        cast(conv(left(md5(concat('{{ campaign_name }}', ':', {{ id_column }})), 8), 16, 10) as bigint)
        % 10000
    ) < {{ control_share }} * 10000
{%- endmacro %}
