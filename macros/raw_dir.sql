{#- The directory holding the raw Retail Rocket CSV files. -#}
{% macro raw_dir() -%}
    {{ return(env_var('ROCKETMART_RAW_DIR', 'data/raw') | replace("'", "''")) }}
{%- endmacro %}
