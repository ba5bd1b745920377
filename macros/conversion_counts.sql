{#- The measures of a conversion mart, aggregated from one row per (group, visitor) that
    carries that visitor's n_views, n_addtocarts and n_transactions in the group: event
    counts, and the visitors with any event (n_visitors), with an addtocart (n_carters)
    and with a transaction (n_buyers). Two-level aggregation instead of count(distinct)
    keeps the 2.7 M-event scale fast. -#}
{% macro conversion_counts() -%}
    cast(sum(n_views) as bigint) as n_views,
    cast(sum(n_addtocarts) as bigint) as n_addtocarts,
    cast(sum(n_transactions) as bigint) as n_transactions,
    count(*) as n_visitors,
    count(*) filter (where n_addtocarts > 0) as n_carters,
    count(*) filter (where n_transactions > 0) as n_buyers
{%- endmacro %}
