{#- One row: the as-of time every model uses as "now". The `as_of` var when set, else the
    end of the data: the greatest clean event timestamp, ignoring isolated outliers —
    a few events (at most `as_of_max_outlier_share` of them, default 1 %) separated from the bulk by a gap of more than
    `as_of_max_gap_days` days. Never the wall clock, so rebuilds are reproducible.
    int_events_enriched leaves events after as-of out (so every mart does);
    audit.data_quality_summary counts them (events_after_as_of). -#}
{% set as_of = var('as_of') %}
{% set max_gap_days = var('as_of_max_gap_days') %}
{% set max_outlier_share = var('as_of_max_outlier_share') %}

with

events as (
    select * from {{ ref('stg_retailrocket__events') }}
),

event_times as (
    select
        event_at,
        count(*) as n_events
    from events
    group by event_at
),

-- every distinct event time with the gap before it and the events from it on
timeline as (
    select
        event_at,
        event_at - lag(event_at) over (order by event_at) as gap_before,
        sum(n_events) over (
            order by event_at desc rows between unbounded preceding and current row
        ) as n_events_from_here,
        sum(n_events) over () as n_events_total
    from event_times
),

-- the first outlier: after a gap of more than max_gap_days, with only a few events from it on
first_outlier as (
    select min(event_at) as outlier_at
    from timeline
    where
        gap_before > interval '{{ max_gap_days }} days'
        and n_events_from_here <= {{ max_outlier_share }} * n_events_total
),

data_end as (
    select
        max(timeline.event_at) filter (
            where first_outlier.outlier_at is null or timeline.event_at < first_outlier.outlier_at
        ) as data_ends_at
    from timeline
    cross join first_outlier
),

final as (
    select
        {% if as_of -%}
            cast('{{ as_of }}' as timestamp)
        {%- else -%}
            data_ends_at
        {%- endif %} as as_of_at,
        data_ends_at
    from data_end
)

select * from final
