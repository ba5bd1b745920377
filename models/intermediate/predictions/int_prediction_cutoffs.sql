{#- One row per cutoff family and split of the prediction models' time split: train,
    validation, score. cutoff_at is an exclusive bound: features read only events with
    event_at < cutoff_at, labels only events with cutoff_at <= event_at < label_ends_at, so
    the two windows neither overlap nor leave a gap. Two families (cutoff_name):
      production  the score cutoff is the first millisecond after the as-of time (every
                  observed event is used); validation and train lie label_days and
                  2 * label_days before it: the marts' models;
      readout     the same three splits shifted back by readout_days: the sales forecast
                  as it would have been at the campaign readout's cutoff (as-of minus
                  readout_days), its label windows ending at that cutoff.
    A split's population is active in [activity_starts_at, cutoff_at), the active_days
    before its cutoff. -#}
{% set label_days = var('label_days') %}
{% set active_days = var('active_days') %}
{% set readout_days = var('readout_days') %}

with

as_of as (
    select * from {{ ref('int_as_of') }}
),

observed as (
    select as_of_at + interval '1 millisecond' as observed_until_at
    from as_of
),

-- each family's score cutoff
families as (
    select
        'production' as cutoff_name,
        observed_until_at as score_cutoff_at
    from observed

    union all

    select
        'readout' as cutoff_name,
        observed_until_at - interval '{{ readout_days }} days' as score_cutoff_at
    from observed
),

splits as (
    select
        cutoff_name,
        'train' as split,
        1 as split_order,
        score_cutoff_at - interval '{{ 2 * label_days }} days' as cutoff_at
    from families

    union all

    select
        cutoff_name,
        'validation' as split,
        2 as split_order,
        score_cutoff_at - interval '{{ label_days }} days' as cutoff_at
    from families

    union all

    select
        cutoff_name,
        'score' as split,
        3 as split_order,
        score_cutoff_at as cutoff_at
    from families
),

final as (
    select
        -- ids
        cutoff_name,
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
