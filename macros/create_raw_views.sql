{#-
    on-run-start hook. Checks that every required raw file exists and starts with the
    expected header, then exposes each raw file as a view in the `raw` schema:
      raw.events          one varchar column `raw_line` per line (parsed in staging, so a
                          malformed line can never crash the build)
      raw.category_tree   the same for category_tree.csv
      raw.item_properties four varchar columns + file_name over every
                          item_properties_part*.csv (an empty view when there is none)
    A missing file or a wrong header stops the build with one line that names the file
    and the expected header.
-#}
{% macro create_raw_views() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set dir = raw_dir() -%}
    {%- set events_path = dir ~ '/events.csv' -%}
    {%- set tree_path = dir ~ '/category_tree.csv' -%}
    {%- do check_raw_file(events_path, 'timestamp,visitorid,event,itemid,transactionid') -%}
    {%- do check_raw_file(tree_path, 'categoryid,parentid') -%}
    {%- set part_rows = run_query(
        "select file from glob('" ~ dir ~ "/item_properties_part*.csv') order by file"
    ) -%}
    {%- set part_files = part_rows.columns[0].values() | list -%}
    {%- for part in part_files -%}
        {%- do check_raw_file(part, 'timestamp,itemid,property,value') -%}
    {%- endfor -%}

    create schema if not exists raw;

    create or replace view raw.events as
    select
        raw_line,
        'events.csv' as file_name,
    from {{ read_raw_lines(events_path) }};

    create or replace view raw.category_tree as
    select
        raw_line,
        'category_tree.csv' as file_name,
    from {{ read_raw_lines(tree_path) }};

    create or replace view raw.item_properties as
    {% if part_files | length > 0 -%}
    select
        "timestamp" as raw_timestamp,
        itemid as raw_itemid,
        property as raw_property,
        value as raw_value,
        parse_filename(filename) as file_name,
    from read_csv(
        [{%- for part in part_files -%}'{{ part }}'{{ ", " if not loop.last }}{%- endfor -%}],
        columns = {
            'timestamp': 'varchar', 'itemid': 'varchar', 'property': 'varchar', 'value': 'varchar'
        },
        header = true,
        auto_detect = false,
        quote = '',
        escape = '',
        null_padding = true,
        strict_mode = false,
        filename = true
    );
    {%- else -%}
    select
        null::varchar as raw_timestamp,
        null::varchar as raw_itemid,
        null::varchar as raw_property,
        null::varchar as raw_value,
        null::varchar as file_name,
    where false;
    {%- endif %}
{% endmacro %}
