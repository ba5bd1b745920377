{#- One row per item pair bought together in training baskets (same macro as
    bought_together; a basket line counts when it was bought at or before train_end_at,
    like int_recommendation_training_events): the co-purchase strategy of the
    evaluation. -#}
{% set min_pair_baskets = var('min_pair_baskets') %}

with

basket_items as (
    select * from {{ ref('int_basket_items') }}
),

time_split as (
    select * from {{ ref('int_recommendation_time_split') }}
),

training_basket_items as (
    select
        basket_items.transaction_id,
        basket_items.item_id
    from basket_items
    inner join time_split
        on basket_items.purchased_at <= time_split.train_end_at
),

pairs as (
    {{ basket_pairs('training_basket_items', min_pair_baskets) }}
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
