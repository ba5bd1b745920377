{#- A table expression reading a CSV file line by line into one varchar column
    `raw_line` (header skipped, no quoting, no type sniffing). -#}
{% macro read_raw_lines(path) -%}
    read_csv(
        '{{ path }}',
        columns = {'raw_line': 'varchar'},
        delim = chr(1),
        quote = '',
        escape = '',
        header = true,
        auto_detect = false
    )
{%- endmacro %}
