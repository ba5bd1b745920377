{#- The bigint value of a raw text field when it is a canonical base-10 integer
    (`^[0-9]+$` and within int64), else null. Never rounds or reinterprets: decimals,
    exponents, hex, underscores, signs, blanks and overflow all give null. -#}
{% macro canonical_bigint(text_expression) -%}
    case
        when regexp_full_match({{ text_expression }}, '[0-9]+')
            then try_cast({{ text_expression }} as bigint)
    end
{%- endmacro %}
