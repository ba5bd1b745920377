{#- One row per item pair (item_a < item_b) bought together in at least
    `min_pair_baskets` baskets (a basket = a transaction_id with its distinct items,
    int_basket_items). -#}
{% set min_pair_baskets = var('min_pair_baskets') %}

with

basket_items as (
    select * from {{ ref('int_basket_items') }}
),

pairs as (
    {{ basket_pairs('basket_items', min_pair_baskets) }}
),

final as (
    select
        -- ids
        item_a,
        item_b,
        -- measures
        n_baskets,
        support,
        confidence_a_to_b,
        confidence_b_to_a,
        lift
    from pairs
)

select * from final
