create schema if not exists raw;

    create or replace view raw.events as
    select
        raw_line,
        'events.csv' as file_name,
    from read_csv(
        '/work/baseline/test/real/raw/events.csv',
        columns = {'raw_line': 'varchar'},
        delim = chr(1),
        quote = '',
        escape = '',
        header = true,
        auto_detect = false
    );

    create or replace view raw.category_tree as
    select
        raw_line,
        'category_tree.csv' as file_name,
    from read_csv(
        '/work/baseline/test/real/raw/category_tree.csv',
        columns = {'raw_line': 'varchar'},
        delim = chr(1),
        quote = '',
        escape = '',
        header = true,
        auto_detect = false
    );

    create or replace view raw.item_properties as
    select
        null::varchar as raw_timestamp,
        null::varchar as raw_itemid,
        null::varchar as raw_property,
        null::varchar as raw_value,
        null::varchar as file_name,
    where false;
