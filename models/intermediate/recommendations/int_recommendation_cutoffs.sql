{#- One row per recommendation cutoff: the instant a recommendation model is fitted at and
    lists are made for. Every recommendation building block is keyed by cutoff_name and
    reads only events at or before its cutoff_at, so production and evaluation run the
    same SQL:
      production  at the as-of time: the lists the marts and campaigns publish;
      evaluation  at as-of minus test_days: fitted on the training window, judged on
                  the events of (cutoff_at, outcome_ends_at] (recommendation_evaluation);
      training    at as-of minus 2 x test_days: the generators' candidates and the
                  events of (cutoff_at, outcome_ends_at] that the re-ranker learns from.
      readout     at as-of minus readout_days: campaign targets for campaign_readout
                  (no recommender, only the audience and suppressions).
    The re-ranker (recommender `reranked`) re-orders the candidates of the single-generator
    recommenders of its cutoff, so those run wherever it does.
    A later cutoff (e.g. a campaign readout) is one more row here. -#}
{% set top_n = var('top_n') %}
{% set test_days = var('test_days') %}
{% set evaluation_k_values = var('evaluation_k_values') %}
{% set readout_days = var('readout_days') %}

with

as_of as (
    select * from {{ ref('int_as_of') }}
),

cutoffs as (
    select
        'production' as cutoff_name,
        as_of_at as cutoff_at,
        cast(null as timestamp) as outcome_ends_at,
        {{ top_n }} as list_length,
        {{ array_from(
            "'hybrid', 'reranked', 'item_similarity', 'co_purchase', 'category_popularity', 'als'"
        ) }} as recommenders,
        false as lists_only_returning_visitors
    from as_of

    union all

    -- lists are only scored for visitors who come back in the test window: nobody else
    -- needs one
    select
        'evaluation' as cutoff_name,
        as_of_at - interval '{{ test_days }} days' as cutoff_at,
        as_of_at as outcome_ends_at,
        {{ evaluation_k_values | max }} as list_length,
        {{ array_from(
            "'global_popularity', 'category_popularity', 'co_purchase', 'item_similarity', 'hybrid',
            'als', 'reranked'"
        ) }} as recommenders,
        true as lists_only_returning_visitors
    from as_of

    union all

    -- the re-ranker's training cutoff: one test window before the evaluation cutoff, its
    -- labels are the events of (cutoff_at, outcome_ends_at] = up to the evaluation cutoff
    select
        'training' as cutoff_name,
        as_of_at - interval '{{ 2 * test_days }} days' as cutoff_at,
        as_of_at - interval '{{ test_days }} days' as outcome_ends_at,
        {{ evaluation_k_values | max }} as list_length,
        {{ array_from(
            "'category_popularity', 'co_purchase', 'item_similarity', 'als', 'hybrid'"
        ) }} as recommenders,
        true as lists_only_returning_visitors
    from as_of

    union all

    -- campaign_readout: the campaigns' targets rebuilt readout_days before as-of (the
    -- audience, bought items, bots, availability at that instant); outcomes up to as-of.
    -- Targeting only: no recommender runs here
    select
        'readout' as cutoff_name,
        as_of_at - interval '{{ readout_days }} days' as cutoff_at,
        as_of_at as outcome_ends_at,
        {{ top_n }} as list_length,
        {{ empty_text_array() }} as recommenders,
        false as lists_only_returning_visitors
    from as_of
),

final as (
    select
        -- ids
        cutoff_name,
        -- timestamps
        cutoff_at,
        outcome_ends_at,
        -- settings
        cast(list_length as integer) as list_length,
        recommenders,
        lists_only_returning_visitors
    from cutoffs
)

select * from final
