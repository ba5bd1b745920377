{#- One row per recommendation cutoff and item pair (item_a < item_b) bought together in at
    least min_pair_baskets baskets bought at or before the cutoff. A basket is a
    transaction_id with its distinct items (int_basket_items). Measures (SPEC §5):
    support = n_baskets / baskets, confidence both ways, lift = support / (support_a ·
    support_b). -#}
{% set min_pair_baskets = var('min_pair_baskets') %}

with

basket_items as (
    select * from {{ ref('int_basket_items') }}
),

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

baskets as (
    select
        cutoffs.cutoff_name,
        basket_items.transaction_id,
        basket_items.item_id
    from basket_items
    inner join cutoffs
        on basket_items.purchased_at <= cutoffs.cutoff_at
),

basket_totals as (
    select
        cutoff_name,
        count(distinct transaction_id) as n_baskets_total
    from baskets
    group by cutoff_name
),

item_baskets as (
    select
        cutoff_name,
        item_id,
        count(*) as n_item_baskets
    from baskets
    group by cutoff_name, item_id
),

pair_counts as (
    select
        baskets_a.cutoff_name,
        baskets_a.item_id as item_a,
        baskets_b.item_id as item_b,
        count(*) as n_baskets
    from baskets as baskets_a
    inner join baskets as baskets_b
        on
            baskets_a.cutoff_name = baskets_b.cutoff_name
            and baskets_a.transaction_id = baskets_b.transaction_id
            and baskets_a.item_id < baskets_b.item_id
    group by baskets_a.cutoff_name, baskets_a.item_id, baskets_b.item_id
    having count(*) >= {{ min_pair_baskets }}
),

final as (
    select
        -- ids
        pair_counts.cutoff_name,
        pair_counts.item_a,
        pair_counts.item_b,
        -- measures
        pair_counts.n_baskets,
        pair_counts.n_baskets / basket_totals.n_baskets_total as support,
        pair_counts.n_baskets / item_baskets_a.n_item_baskets as confidence_a_to_b,
        pair_counts.n_baskets / item_baskets_b.n_item_baskets as confidence_b_to_a,
        -- support / (support_a · support_b), in whole numbers until the one division
        cast(pair_counts.n_baskets * basket_totals.n_baskets_total as double)
        / (item_baskets_a.n_item_baskets * item_baskets_b.n_item_baskets) as lift
    from pair_counts
    inner join basket_totals
        on pair_counts.cutoff_name = basket_totals.cutoff_name
    inner join item_baskets as item_baskets_a
        on
            pair_counts.cutoff_name = item_baskets_a.cutoff_name
            and pair_counts.item_a = item_baskets_a.item_id
    inner join item_baskets as item_baskets_b
        on
            pair_counts.cutoff_name = item_baskets_b.cutoff_name
            and pair_counts.item_b = item_baskets_b.item_id
)

select * from final
