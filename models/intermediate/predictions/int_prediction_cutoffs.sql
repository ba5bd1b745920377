{#- One row per split of the prediction models' time split: train, validation, score.
    cutoff_at is an exclusive bound: features read only events with event_at < cutoff_at,
    labels only events with cutoff_at <= event_at < label_ends_at, so the two windows
    neither overlap nor leave a gap. The score cutoff is the first millisecond after the
    as-of time (every observed event is used); validation and train lie label_days and
    2 * label_days before it. A split's population is active in [activity_starts_at,
    cutoff_at), the active_days before its cutoff. -#}
{% set label_days = var('label_days') %}
{% set active_days = var('active_days') %}

with

as_of as (
    select * from {{ ref('int_as_of') }}
),

observed as (
    select as_of_at + interval '1 millisecond' as observed_until_at
    from as_of
),

splits as (
    select
        'train' as split,
        1 as split_order,
        observed_until_at - interval '{{ 2 * label_days }} days' as cutoff_at
    from observed

    union all

    select
        'validation' as split,
        2 as split_order,
        observed_until_at - interval '{{ label_days }} days' as cutoff_at
    from observed

    union all

    select
        'score' as split,
        3 as split_order,
        observed_until_at as cutoff_at
    from observed
),

final as (
    select
        -- ids
        split,
        split_order,
        -- window bounds
        cutoff_at - interval '{{ active_days }} days' as activity_starts_at,
        cutoff_at,
        cutoff_at + interval '{{ label_days }} days' as label_ends_at,
        -- flags
        split != 'score' as is_labelled
    from splits
)

select * from final
