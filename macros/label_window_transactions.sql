{#- Select of (split, <id_column>): one row per labelled split and id with a transaction
    event in that split's label window [cutoff_at, label_ends_at). The label of the
    prediction feature models (a visitor made a purchase, an item sold); never reads an
    event before the cutoff or at/after the window's end. -#}
{% macro label_window_transactions(events_relation, cutoffs_relation, id_column) -%}
    select distinct
        label_cutoffs.split,
        label_events.{{ id_column }}
    from {{ events_relation }} as label_events
    inner join {{ cutoffs_relation }} as label_cutoffs
        on
            label_events.event_at >= label_cutoffs.cutoff_at
            and label_events.event_at < label_cutoffs.label_ends_at
    where label_cutoffs.is_labelled and label_events.event_type = 'transaction'
{%- endmacro %}
