{#- One row per item pair (item_a < item_b) bought together in at least
    `min_pair_baskets` baskets up to as-of: the production cutoff of int_bought_together. -#}
with

bought_together as (
    select * from {{ ref('int_bought_together') }}
    where cutoff_name = 'production'
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
    from bought_together
)

select * from final
