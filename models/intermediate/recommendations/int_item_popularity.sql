{#- One row per recommendation cutoff and item with an event at or before the cutoff: its
    popularity score, the sum of its events' popularity_weight (seed event_type_weights:
    1·views + 5·addtocarts + 10·transactions), bot-like visitors included, and its rank
    at the cutoff (score desc, then item_id). -#}
with

visitor_items as (
    select * from {{ ref('int_recommendation_visitor_items') }}
),

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

-- cutoffs at the same instant have the same visitor items: scored and ranked once per
-- distinct cutoff_at (from its first cutoff_name's rows), then copied to each cutoff_name
cutoff_instants as (
    select
        cutoff_at,
        min(cutoff_name) as source_cutoff_name
    from cutoffs
    group by cutoff_at
),

item_scores as (
    select
        cutoff_instants.cutoff_at,
        visitor_items.item_id,
        cast(sum(visitor_items.popularity_weight) as double) as score
    from visitor_items
    inner join cutoff_instants
        on visitor_items.cutoff_name = cutoff_instants.source_cutoff_name
    group by cutoff_instants.cutoff_at, visitor_items.item_id
),

ranked_items as (
    select
        cutoff_at,
        item_id,
        score,
        row_number() over (
            partition by cutoff_at
            order by score desc, item_id asc
        ) as popularity_rank
    from item_scores
),

final as (
    select
        -- ids
        cutoffs.cutoff_name,
        ranked_items.item_id,
        -- measures
        ranked_items.score,
        ranked_items.popularity_rank
    from ranked_items
    inner join cutoffs
        on ranked_items.cutoff_at = cutoffs.cutoff_at
)

select * from final
