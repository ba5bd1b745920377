{#- The measures of a conversion mart for one group of events: the per-type event counts
    and the distinct visitors with any event (n_visitors), with an addtocart (n_carters)
    and with a transaction (n_buyers). -#}
{% macro conversion_counts() -%}
    {{ event_type_counts() }},
    count(distinct visitor_id) as n_visitors,
    count(distinct visitor_id) filter (where event_type = 'addtocart') as n_carters,
    count(distinct visitor_id) filter (where event_type = 'transaction') as n_buyers
{%- endmacro %}
