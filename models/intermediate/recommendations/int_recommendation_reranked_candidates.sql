{#- One row per cutoff running the `reranked` recommender, audience visitor and rank: the
    re-ranker's list, in the shape of int_recommendation_candidates (recommender
    `reranked`) plus a short reason. Every candidate of int_recommendation_reranker_features
    is scored in SQL with the coefficients fitted at the training cutoff
    (int_recommendation_reranker_coefficients): probability = 1 / (1 + exp(-(intercept +
    sum(coefficient x (value - mean) / scale)))), rounded to 12 decimals; the best
    list_length per visitor by probability desc, then item_id. reason names the generator
    whose features add most to the logit among those that proposed the item (ties: the
    order below): "viewed with <item> by <n> visitors" (item similarity: the visitor's
    recent item with the most similar neighbour), "bought with <item> in <n> orders"
    (co-purchase: the recent item most often bought with it; both links from
    int_recommendation_item_neighbours), "top seller in category <id>", "liked by visitors
    with similar taste"
    (ALS), "top seller in the shop (#<rank>)". -#}
{% set generators = ['item_similarity', 'co_purchase', 'category_popularity', 'als'] %}
{% set features = [] %}
{% for generator in generators + ['hybrid'] %}
    {% do features.extend([
        generator ~ '_score', generator ~ '_log_rank', generator ~ '_reciprocal_rank'
    ]) %}
{% endfor %}
{% do features.extend([
    'global_log_rank', 'global_reciprocal_rank', 'popularity_log', 'recent_weight',
    'category_share', 'top_category_share',
]) %}

with

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
    where array_contains(recommenders, 'reranked')
),

candidate_features as (
    select * from {{ ref('int_recommendation_reranker_features') }}
),

coefficients as (
    select * from {{ ref('int_recommendation_reranker_coefficients') }}
),

recent_items as (
    select * from {{ ref('int_recommendation_recent_items') }}
),

item_neighbours as (
    select * from {{ ref('int_recommendation_item_neighbours') }}
),

item_state as (
    select * from {{ ref('int_recommendation_item_state') }}
),

-- one row: mean, scale and coefficient of every feature as columns
model as (
    select
        {{ logistic_model_columns(features) }}
    from coefficients
),

-- each feature's share of the logit
contributions as (
    select
        candidate_features.cutoff_name,
        candidate_features.visitor_id,
        candidate_features.item_id,
        candidate_features.category_popularity_score,
        candidate_features.global_log_rank,
        {%- for feature in features %}
            {{ logit_contribution('model', 'candidate_features', feature) }} as {{ feature }}_part,
        {%- endfor %}
        {%- for generator in generators %}
            candidate_features.{{ generator }}_score > 0 as is_{{ generator }}_proposed,
        {%- endfor %}
        model.intercept
    from candidate_features
    inner join cutoffs
        on candidate_features.cutoff_name = cutoffs.cutoff_name
    cross join model
),

scored as (
    select
        cutoff_name,
        visitor_id,
        item_id,
        global_log_rank,
        round(1 / (1 + exp(-(
            intercept
            {%- for feature in features %}
                + {{ feature }}_part
            {%- endfor %}
        ))), 12) as score,
        -- the proposing generator with the largest share of the logit
        case greatest(
            {%- for generator in generators %}
                case
                    when is_{{ generator }}_proposed
                        then
                            {{ generator }}_score_part + {{ generator }}_log_rank_part
                            + {{ generator }}_reciprocal_rank_part
                end,
            {%- endfor %}
            global_log_rank_part + global_reciprocal_rank_part + popularity_log_part
        )
            {%- for generator in generators %}
                when case
                    when is_{{ generator }}_proposed
                        then
                            {{ generator }}_score_part + {{ generator }}_log_rank_part
                            + {{ generator }}_reciprocal_rank_part
                end then '{{ generator }}'
            {%- endfor %}
            else 'global_popularity'
        end as reason_generator
    from contributions
),

ranked as (
    select
        scored.*,
        -- (partitioned on the visitor first: the same partitions, found faster)
        row_number() over (
            partition by scored.visitor_id, scored.cutoff_name
            order by scored.score desc, scored.item_id asc
        ) as rank
    from scored
    inner join cutoffs
        on scored.cutoff_name = cutoffs.cutoff_name
    qualify rank <= cutoffs.list_length
),

-- the kept rows whose reason quotes a source item (the others need no search)
neighbour_reasons as (
    select
        cutoff_name,
        visitor_id,
        item_id,
        reason_generator
    from ranked
    where reason_generator in ('item_similarity', 'co_purchase')
),

-- for those: the visitor's recent item that makes the candidate most similar / most
-- often co-bought (ties: the smaller item_id), with its count
reason_sources as (
    select
        neighbour_reasons.cutoff_name,
        neighbour_reasons.visitor_id,
        neighbour_reasons.item_id,
        item_neighbours.item_id as source_item_id,
        item_neighbours.n_evidence as n_source,
        row_number() over (
            partition by
                neighbour_reasons.cutoff_name,
                neighbour_reasons.visitor_id,
                neighbour_reasons.item_id
            order by
                case
                    when item_neighbours.generator = 'co_purchase' then item_neighbours.n_evidence
                    else item_neighbours.strength
                end desc,
                item_neighbours.item_id asc
        ) as source_rank
    from neighbour_reasons
    inner join recent_items
        on
            neighbour_reasons.cutoff_name = recent_items.cutoff_name
            and neighbour_reasons.visitor_id = recent_items.visitor_id
    inner join item_neighbours
        on
            recent_items.cutoff_name = item_neighbours.cutoff_name
            and recent_items.item_id = item_neighbours.item_id
            and neighbour_reasons.item_id = item_neighbours.linked_item_id
            and neighbour_reasons.reason_generator = item_neighbours.generator
    qualify source_rank = 1
),

-- the category of the kept rows' items (only the re-ranked cutoffs')
item_categories as (
    select
        item_state.cutoff_name,
        item_state.item_id,
        item_state.category_id
    from item_state
    semi join cutoffs
        on item_state.cutoff_name = cutoffs.cutoff_name
    where item_state.category_id is not null
),

explained as (
    select
        ranked.cutoff_name,
        ranked.visitor_id,
        ranked.rank,
        ranked.item_id,
        ranked.score,
        case ranked.reason_generator
            when 'item_similarity'
                then concat(
                    'viewed with ', reason_sources.source_item_id,
                    ' by ', reason_sources.n_source, ' visitors'
                )
            when 'co_purchase'
                then concat(
                    'bought with ', reason_sources.source_item_id,
                    ' in ', reason_sources.n_source, ' orders'
                )
            when 'category_popularity'
                then concat(
                    'top seller in category ', item_categories.category_id
                )
            when 'als' then 'liked by visitors with similar taste'
            else concat('top seller in the shop (#', cast(round(exp(ranked.global_log_rank)) as bigint), ')')
        end as reason
    from ranked
    left join reason_sources
        on
            ranked.cutoff_name = reason_sources.cutoff_name
            and ranked.visitor_id = reason_sources.visitor_id
            and ranked.item_id = reason_sources.item_id
    left join item_categories
        on
            ranked.cutoff_name = item_categories.cutoff_name
            and ranked.item_id = item_categories.item_id
),

final as (
    select
        -- ids
        cutoff_name,
        'reranked' as recommender,
        visitor_id,
        rank,
        item_id,
        -- measures
        score,
        -- flags
        true as has_neighbour_score,
        -- explanation
        reason
    from explained
)

select * from final
