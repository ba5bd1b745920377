{#- Bought-together pairs of a baskets relation (transaction_id, item_id: one row per
    distinct item of a basket, like int_basket_items). For every pair item_a < item_b in
    at least `min_pair_baskets` baskets: n_baskets, support (n_baskets / baskets),
    confidence both ways and lift (support / (support_a · support_b)). Used by
    bought_together and the evaluation. -#}
{% macro basket_pairs(baskets_relation, min_pair_baskets) -%}
    with

    baskets as (
        select
            basket_items.transaction_id,
            basket_items.item_id
        from {{ baskets_relation }} as basket_items
    ),

    basket_totals as (
        select count(distinct transaction_id) as n_baskets_total
        from baskets
    ),

    item_baskets as (
        select
            item_id,
            count(*) as n_item_baskets
        from baskets
        group by item_id
    ),

    pair_counts as (
        select
            baskets_a.item_id as item_a,
            baskets_b.item_id as item_b,
            count(*) as n_baskets
        from baskets as baskets_a
        inner join baskets as baskets_b
            on
                baskets_a.transaction_id = baskets_b.transaction_id
                and baskets_a.item_id < baskets_b.item_id
        group by baskets_a.item_id, baskets_b.item_id
        having count(*) >= {{ min_pair_baskets }}
    )

    select
        pair_counts.item_a,
        pair_counts.item_b,
        pair_counts.n_baskets,
        pair_counts.n_baskets / basket_totals.n_baskets_total as support,
        pair_counts.n_baskets / item_baskets_a.n_item_baskets as confidence_a_to_b,
        pair_counts.n_baskets / item_baskets_b.n_item_baskets as confidence_b_to_a,
        -- support / (support_a · support_b), in whole numbers until the one division
        cast(pair_counts.n_baskets * basket_totals.n_baskets_total as double)
        / (item_baskets_a.n_item_baskets * item_baskets_b.n_item_baskets) as lift
    from pair_counts
    cross join basket_totals
    inner join item_baskets as item_baskets_a
        on pair_counts.item_a = item_baskets_a.item_id
    inner join item_baskets as item_baskets_b
        on pair_counts.item_b = item_baskets_b.item_id
{%- endmacro %}
