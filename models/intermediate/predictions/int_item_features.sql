{#- One row per split (train, validation, score) and item in that split's population:
    items with any event in the 30 days before the split's cutoff. Features come from the
    item_features macro (events before the cutoff only; "recent" = the last label_days);
    the label says whether the item sold (a transaction event) in
    [cutoff_at, label_ends_at), null for the score split. -#}
{% set splits = ['train', 'validation', 'score'] %}
{% set label_days = var('label_days') %}

with

events as (
    select * from {{ ref('int_events_enriched') }}
),

cutoffs as (
    select * from {{ ref('int_prediction_cutoffs') }}
),

stacked_features as (
    {% for split in splits %}
        select
            '{{ split }}' as split,
            *
        from (
            {{ item_features(
                'events',
                "(select cutoff_at from cutoffs where split = '" ~ split ~ "')",
                label_days
            ) }}
        ) as {{ split }}_features
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

population as (
    select
        stacked_features.*,
        cutoffs.is_labelled
    from stacked_features
    inner join cutoffs
        on stacked_features.split = cutoffs.split
    where stacked_features.max_event_at_used >= cutoffs.activity_starts_at
),

sales as (
    select distinct
        cutoffs.split,
        events.item_id
    from events
    inner join cutoffs
        on
            events.event_at >= cutoffs.cutoff_at
            and events.event_at < cutoffs.label_ends_at
    where
        cutoffs.is_labelled
        and events.event_type = 'transaction'
),

final as (
    select
        -- ids
        population.split,
        population.item_id,
        -- timestamps
        population.cutoff_at,
        population.max_event_at_used,
        -- features
        population.recency_days,
        population.age_days,
        population.n_views,
        population.n_addtocarts,
        population.n_sales,
        population.n_visitors,
        population.n_buyers,
        population.carts_per_view,
        population.n_views_recent,
        population.n_addtocarts_recent,
        population.n_sales_recent,
        population.n_visitors_recent,
        -- rule baseline
        population.has_sale_recent,
        -- label
        case
            when population.is_labelled then sales.item_id is not null
        end as has_sale_in_label_window
    from population
    left join sales
        on
            population.split = sales.split
            and population.item_id = sales.item_id
)

select * from final
