{#- The bigint value of a raw text field when it is a canonical base-10 integer
    (`^[0-9]+$` and within int64), else null. Never rounds or reinterprets: decimals,
    exponents, hex, underscores, signs, blanks and overflow all give null. The first
    branch (the text is exactly how the number prints) is the cheap common case; the
    regular expression only sees the rest (leading zeros, or not a number at all). -#}
{% macro canonical_bigint(text_expression) -%}
    case
        when
            try_cast({{ text_expression }} as bigint) >= 0
            and {{ text_expression }} = cast(try_cast({{ text_expression }} as bigint) as varchar)
            then try_cast({{ text_expression }} as bigint)
        when regexp_full_match({{ text_expression }}, '[0-9]+')
            then try_cast({{ text_expression }} as bigint)
    end
{%- endmacro %}
