{#- Leakage guard, recomputed independently of the feature macros: the event counts of a
    feature row must equal a plain count of the entity's events strictly before the
    split's cutoff. A feature that read an event at or after its cutoff (or missed one
    before it) shows up here. To stay cheap at full scale it checks a fixed tenth of the
    entities (id mod 10 = 0); max_event_at_used < cutoff_at is tested on every row. Item
    features cover both cutoff families (production, readout), visitor features only
    production. -#}
with

events as (
    select * from {{ ref('int_events_enriched') }}
    where visitor_id % 10 = 0 or item_id % 10 = 0
),

cutoffs as (
    select * from {{ ref('int_prediction_cutoffs') }}
),

visitor_features as (
    select * from {{ ref('int_visitor_features') }}
    where visitor_id % 10 = 0
),

item_features as (
    select * from {{ ref('int_item_features') }}
    where item_id % 10 = 0
),

events_before_cutoff as (
    select
        cutoffs.cutoff_name,
        cutoffs.split,
        events.visitor_id,
        events.item_id,
        events.event_type
    from events
    inner join cutoffs
        on events.event_at < cutoffs.cutoff_at
),

visitor_counts as (
    select
        split,
        visitor_id,
        count(*) as n_events
    from events_before_cutoff
    where cutoff_name = 'production'
    group by split, visitor_id
),

item_counts as (
    select
        cutoff_name,
        split,
        item_id,
        count(*) filter (where event_type = 'view') as n_views,
        count(*) filter (where event_type = 'transaction') as n_sales
    from events_before_cutoff
    group by cutoff_name, split, item_id
),

visitor_mismatches as (
    select
        'visitor' as entity,
        visitor_features.split,
        visitor_features.visitor_id as entity_id
    from visitor_features
    left join visitor_counts
        on
            visitor_features.split = visitor_counts.split
            and visitor_features.visitor_id = visitor_counts.visitor_id
    where visitor_features.n_events is distinct from visitor_counts.n_events
),

item_mismatches as (
    select
        'item' as entity,
        item_features.split,
        item_features.item_id as entity_id
    from item_features
    left join item_counts
        on
            item_features.cutoff_name = item_counts.cutoff_name
            and item_features.split = item_counts.split
            and item_features.item_id = item_counts.item_id
    where
        item_features.n_views is distinct from item_counts.n_views
        or item_features.n_sales is distinct from item_counts.n_sales
),

final as (
    select * from visitor_mismatches
    union all
    select * from item_mismatches
)

select * from final
