{#- One row per item pair (item_a < item_b) bought together in at least
    `min_pair_baskets` baskets (a basket = a transaction_id with its distinct items). -#}
{% set min_pair_baskets = var('min_pair_baskets') %}

with

events as (
    select * from {{ ref('int_events_enriched') }}
),

pairs as (
    {{ basket_pairs('events', min_pair_baskets) }}
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
