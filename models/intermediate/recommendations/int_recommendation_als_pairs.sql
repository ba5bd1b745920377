{#- One row per cutoff that runs the ALS generator (int_recommenders), visitor and item of
    the cutoff's ALS matrix: the pairs int_recommendation_als_settings and
    int_recommendation_als_candidates fit on. Only what ALS can use reaches Python:
      - visitors with als_min_items_per_visitor to max_items_per_visitor items (a visitor
        with one item carries no co-occurrence, and at full scale they are most
        visitors; more items is bot-like);
      - of their items, the cutoff's als_candidate_items with the most such visitors (ties
        by item_id): the only items ALS lists, so the only ones it is fitted on;
      - then again only visitors with at least als_min_items_per_visitor of those. -#}
{% set max_items_per_visitor = var('max_items_per_visitor') %}
{% set candidate_items = var('als_candidate_items') %}
{% set min_items_per_visitor = var('als_min_items_per_visitor') %}

with

visitor_items as (
    select * from {{ ref('int_recommendation_visitor_items') }}
),

als_recommenders as (
    select * from {{ ref('int_recommenders') }}
    where generator = 'als'
),

als_cutoffs as (
    select distinct cutoff_name
    from als_recommenders
),

cutoff_pairs as (
    select
        visitor_items.cutoff_name,
        visitor_items.visitor_id,
        visitor_items.item_id,
        visitor_items.popularity_weight
    from visitor_items
    inner join als_cutoffs
        on visitor_items.cutoff_name = als_cutoffs.cutoff_name
    where visitor_items.popularity_weight > 0
),

matrix_visitors as (
    select
        cutoff_name,
        visitor_id
    from cutoff_pairs
    group by cutoff_name, visitor_id
    having count(*) between {{ min_items_per_visitor }} and {{ max_items_per_visitor }}
),

matrix_pairs as (
    select cutoff_pairs.*
    from cutoff_pairs
    inner join matrix_visitors
        on
            cutoff_pairs.cutoff_name = matrix_visitors.cutoff_name
            and cutoff_pairs.visitor_id = matrix_visitors.visitor_id
),

item_visitors as (
    select
        cutoff_name,
        item_id,
        count(*) as n_visitors
    from matrix_pairs
    group by cutoff_name, item_id
),

candidate_items as (
    select
        cutoff_name,
        item_id,
        row_number() over (
            partition by cutoff_name
            order by n_visitors desc, item_id asc
        ) as item_rank
    from item_visitors
),

candidate_pairs as (
    select matrix_pairs.*
    from matrix_pairs
    inner join candidate_items
        on
            matrix_pairs.cutoff_name = candidate_items.cutoff_name
            and matrix_pairs.item_id = candidate_items.item_id
    where candidate_items.item_rank <= {{ candidate_items }}
),

candidate_visitors as (
    select
        cutoff_name,
        visitor_id
    from candidate_pairs
    group by cutoff_name, visitor_id
    having count(*) >= {{ min_items_per_visitor }}
),

final as (
    select
        -- ids
        candidate_pairs.cutoff_name,
        candidate_pairs.visitor_id,
        candidate_pairs.item_id,
        -- measures
        candidate_pairs.popularity_weight
    from candidate_pairs
    inner join candidate_visitors
        on
            candidate_pairs.cutoff_name = candidate_visitors.cutoff_name
            and candidate_pairs.visitor_id = candidate_visitors.visitor_id
)

select * from final
