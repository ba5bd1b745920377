{#- One row per visitor active in the 30 days before as-of (the score split of
    int_visitor_features): the probability of a transaction in the next label_days from
    the model fitted on the train split, and its decile (1 = most likely, ties by
    visitor_id). Bot-like visitors are scored but flagged. -#}
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

final as (
    select
        -- ids
        scores.visitor_id,
        -- prediction
        scores.probability as purchase_probability,
        -- bigint on every engine (Spark's ntile returns int)
        cast(ntile(10) over (
            order by scores.probability desc, scores.visitor_id asc
        ) as bigint) as decile,
        scores.scored_by,
        -- flags
        visitor_activity.is_bot_like,
        -- timestamps
        as_of.as_of_at as scored_at
    from scores
    inner join visitor_activity
        on scores.visitor_id = visitor_activity.visitor_id
    cross join as_of
)

select * from final
