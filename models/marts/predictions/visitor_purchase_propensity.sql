{#- One row per visitor active in the 30 days before as-of (the score split of
    int_visitor_features): the probability of a transaction in the next label_days from
    the model fitted on the train split, and its decile (1 = most likely, ties by
    visitor_id; decile_is_tie_break when visitors with the same probability got different
    deciles, e.g. the few distinct scores of the rule-rate fallback). Bot-like visitors are
    scored but flagged. -#}
with

scores as (
    select * from {{ ref('int_visitor_propensity_scores') }}
    where split = 'score'
),

visitor_activity as (
    select * from {{ ref('int_visitor_activity') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

with_ties as (
    {{ deciles_with_tie_breaks('scores', 'visitor_id', 'probability') }}
),

final as (
    select
        -- ids
        with_ties.visitor_id,
        -- prediction
        with_ties.probability as purchase_probability,
        with_ties.decile,
        with_ties.scored_by,
        -- flags
        with_ties.decile_is_tie_break,
        visitor_activity.is_bot_like,
        -- timestamps
        as_of.as_of_at as scored_at
    from with_ties
    inner join visitor_activity
        on with_ties.visitor_id = visitor_activity.visitor_id
    cross join as_of
)

select * from final
