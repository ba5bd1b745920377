{#- A stable bigint hash of a text expression: the top 63 bits of DuckDB's md5_number
    (the md5 digest read as a little-endian 128-bit integer). Dispatched: Spark has no
    md5_number; it reads digest bytes 16..9 (reversed) with conv and halves them, which
    gives the same number. -#}
{% macro md5_bigint(text_expression) -%}
    {{ return(adapter.dispatch('md5_bigint', 'rocketmart')(text_expression)) }}
{%- endmacro %}

{% macro default__md5_bigint(text_expression) -%}
    cast(md5_number({{ text_expression }}) >> 65 as bigint)
{%- endmacro %}

{% macro spark__md5_bigint(text_expression) -%}
    cast(
        cast(
            conv(
                concat(
                    {%- for position in [31, 29, 27, 25, 23, 21, 19, 17] %}
                    substr(md5({{ text_expression }}), {{ position }}, 2){{ ',' if not loop.last }}
                    {%- endfor %}
                ),
                16,
                10
            ) as decimal(20, 0)
        ) div 2 as bigint
    )
{%- endmacro %}
