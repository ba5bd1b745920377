{#- One row per recommendation cutoff, recommender run at that cutoff (the cutoff's
    `recommenders`) and candidate generator it blends, with the generator's weight. A
    recommender's list = its blend of generator scores, then global popularity fills the
    free slots; global_popularity blends nothing (one row, generator null). Generators:
      item_similarity      similarity of the item to the visitor's recent items
      co_purchase          co-purchase confidence from the visitor's recent items
      category_popularity  the item's popularity in the visitor's most-viewed category
      als                  ALS (int_recommendation_als_candidates): items new to the visitor -#}
{% set similarity_weight = var('hybrid_similarity_weight') %}
{% set category_weight = var('hybrid_category_weight') %}

with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

blends as (
    select
        blend_rows.recommender,
        blend_rows.generator,
        blend_rows.weight
    from (
        values
        ('hybrid', 'item_similarity', {{ similarity_weight }}),
        ('hybrid', 'category_popularity', {{ category_weight }}),
        ('item_similarity', 'item_similarity', 1),
        ('co_purchase', 'co_purchase', 1),
        ('als', 'als', 1),
        ('category_popularity', 'category_popularity', 1),
        ('global_popularity', null, null),
        -- re-ranks the candidates of the single-generator recommenders of its cutoff
        -- (int_recommendation_reranked_candidates): blends no generator here
        ('reranked', null, null)
    ) as blend_rows (recommender, generator, weight)
),

cutoff_recommenders as (
    select
        cutoff_name,
        {{ unnest_list('recommenders') }} as recommender
    from cutoffs
),

final as (
    select
        -- ids
        cutoff_recommenders.cutoff_name,
        cutoff_recommenders.recommender,
        blends.generator,
        -- settings
        cast(blends.weight as double) as weight
    from cutoff_recommenders
    inner join blends
        on cutoff_recommenders.recommender = blends.recommender
)

select * from final
