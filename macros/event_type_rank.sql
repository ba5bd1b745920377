{#- The funnel order of an event type: view 1 < addtocart 2 < transaction 3. Used to
    order events that share a timestamp. -#}
{% macro event_type_rank(column_name) -%}
    case {{ column_name }}
        when 'view' then 1
        when 'addtocart' then 2
        when 'transaction' then 3
    end
{%- endmacro %}
