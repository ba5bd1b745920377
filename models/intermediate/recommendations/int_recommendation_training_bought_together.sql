{#- One row per item pair bought together in training baskets (same macro as
    bought_together, training events only): the co-purchase strategy of the evaluation. -#}
{% set min_pair_baskets = var('min_pair_baskets') %}

with

training_events as (
    select * from {{ ref('int_recommendation_training_events') }}
),

pairs as (
    {{ basket_pairs('training_events', min_pair_baskets) }}
),

final as (
    select
        item_a,
        item_b,
        n_baskets,
        support,
        confidence_a_to_b,
        confidence_b_to_a,
        lift
    from pairs
)

select * from final
