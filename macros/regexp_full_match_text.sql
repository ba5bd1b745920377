{#- True when the whole of `text_expression` matches the regular expression `pattern` (a
    Jinja string, written once for both engines). Dispatched: DuckDB regexp_full_match;
    Spark rlike anchored with `\z` (Java's `$` also matches before a final `\r`, and
    Spark string literals eat single backslashes: both silent traps). -#}
{% macro regexp_full_match_text(text_expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match_text', 'rocketmart')(text_expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match_text(text_expression, pattern) -%}
    regexp_full_match({{ text_expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regexp_full_match_text(text_expression, pattern) -%}
    ({{ text_expression }} rlike '^(?:{{ pattern | replace("\\", "\\\\") }})\\z')
{%- endmacro %}
