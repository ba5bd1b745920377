{#- One row per basket line: a transaction_id with one of its distinct items (clean
    transaction events at or before as-of), and when the item was first bought in it.
    ~17 k baskets at full scale: int_bought_together reads this at every cutoff instead
    of scanning every event for the transactions. -#}
with

events as (
    select * from {{ ref('int_events_enriched') }}
),

final as (
    select
        -- ids
        transaction_id,
        item_id,
        -- timestamps
        min(event_at) as purchased_at
    from events
    where event_type = 'transaction'
    group by transaction_id, item_id
)

select * from final
