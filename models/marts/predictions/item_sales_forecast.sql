{#- One row per item with an event in the 30 days before as-of (the score split of
    int_item_features): the probability that it sells at least once in the next
    label_days, its decile (1 = most likely, ties by item_id; decile_is_tie_break when items
    with the same probability got different deciles) and predicted_to_sell =
    probability >= the threshold chosen on validation (int_model_metrics). -#}
with

scores as (
    select * from {{ ref('int_item_sales_scores') }}
    where cutoff_name = 'production' and split = 'score'
),

model_metrics as (
    select * from {{ ref('int_model_metrics') }}
    where model_name = 'item_sales_forecast' and variant = 'model'
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

with_ties as (
    {{ deciles_with_tie_breaks('scores', 'item_id', 'probability') }}
),

final as (
    select
        -- ids
        with_ties.item_id,
        -- prediction
        with_ties.probability as sale_probability,
        with_ties.probability >= model_metrics.threshold as predicted_to_sell,
        with_ties.decile,
        model_metrics.threshold,
        with_ties.scored_by,
        -- flags
        with_ties.decile_is_tie_break,
        -- timestamps
        as_of.as_of_at as scored_at
    from with_ties
    cross join model_metrics
    cross join as_of
)

select * from final
