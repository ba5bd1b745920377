{#- Fails the run with one clear line when `path` is missing or does not start with
    `expected_header` (compared case-insensitively, ignoring a BOM and CR). -#}
{% macro check_raw_file(path, expected_header) %}
    {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Missing raw file " ~ path ~ " (expected a CSV with header: " ~ expected_header ~ ")"
        ) }}
    {%- endif -%}
    {#- parallel = false: the profile turns preserve_insertion_order off, so a parallel
        scan's `limit 1` may return a line of any chunk of a large file, not the header -#}
    {%- set header_rows = run_query(
        "select lower(trim(replace(replace(raw_line, chr(13), ''), chr(65279), ''))) as header_line"
        ~ " from read_csv('" ~ path ~ "', columns = {'raw_line': 'varchar'}, delim = chr(1),"
        ~ " quote = '', escape = '', header = false, auto_detect = false, parallel = false)"
        ~ " limit 1"
    ) -%}
    {%- set header = header_rows.columns[0].values()[0] if header_rows.rows | length > 0 else '' -%}
    {%- if (header or '') | replace(' ', '') != expected_header -%}
        {{ exceptions.raise_compiler_error(
            "Wrong header in raw file " ~ path ~ ": expected '" ~ expected_header
            ~ "', found '" ~ (header or '<empty file>') ~ "'"
        ) }}
    {%- endif -%}
{% endmacro %}
