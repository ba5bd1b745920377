{#- One row per evaluation source item and rank: the next-item re-ranker's top max(k)
    candidates (int_recommendation_next_item_features at the evaluation cutoff) scored in
    SQL with the coefficients fitted at the training cutoff
    (int_recommendation_next_item_coefficients): probability = 1 / (1 + exp(-(intercept
    + sum(coefficient x (value - mean) / scale)))), rounded to 12 decimals; ties by
    candidate item id. Read by int_recommendation_session_next_item_metrics as the
    `reranked` strategy. -#}
{% set k_values = var('evaluation_k_values') %}
{% set max_k = k_values | max %}
{% set features = [
    'rule_sessions_log', 'rule_confidence', 'rule_log_rank', 'rule_reciprocal_rank',
    'similarity', 'similarity_log_rank', 'similarity_reciprocal_rank',
    'global_log_rank', 'global_reciprocal_rank', 'popularity_log', 'same_category',
] %}

with

candidate_features as (
    select * from {{ ref('int_recommendation_next_item_features') }}
    where cutoff_name = 'evaluation'
),

coefficients as (
    select * from {{ ref('int_recommendation_next_item_coefficients') }}
),

-- one row: mean, scale and coefficient of every feature as columns
model as (
    select
        {{ logistic_model_columns(features) }}
    from coefficients
),

scored as (
    select
        candidate_features.item_id,
        candidate_features.candidate_item_id,
        round(1 / (1 + exp(-(
            model.intercept
            {%- for feature in features %}
                + {{ logit_contribution('model', 'candidate_features', feature) }}
            {%- endfor %}
        ))), 12) as score
    from candidate_features
    cross join model
),

ranked as (
    select
        item_id,
        candidate_item_id,
        score,
        row_number() over (
            partition by item_id
            order by score desc, candidate_item_id asc
        ) as rank
    from scored
    qualify rank <= {{ max_k }}
),

final as (
    select
        -- ids
        item_id,
        rank,
        candidate_item_id as predicted_item_id,
        -- measures
        score
    from ranked
)

select * from final
