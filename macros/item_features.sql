{#- Per-item features for every split of `cutoffs_relation` (columns split, cutoff_at),
    read strictly from the events of `events_relation` before that split's cutoff
    (cutoff_at is an exclusive bound). One pass over the events serves all cutoffs: the
    events are grouped by item once, with one filtered aggregate per split and feature,
    and the per-split columns are then unpivoted into rows (no events x cutoffs join, no
    window over the events). `splits` names the splits the cutoffs relation holds. Emits
    a select statement: one row per split and item with at least one event before the
    cutoff. "Recent" means the last `recent_days` days before the cutoff; a sale is a
    transaction event. max_event_at_used lets a test prove that no event at or after the
    cutoff was read. -#}
{% macro item_features(
    events_relation, cutoffs_relation, recent_days, splits=('train', 'validation', 'score')
) -%}
    with

    events as (
        select
            visitor_id,
            item_id,
            event_at,
            event_type
        from {{ events_relation }}
    ),

    split_cutoffs as (
        select
            {%- for split in splits %}
            max(cutoff_at) filter (where split = '{{ split }}') as {{ split }}_cutoff_at,
            max(cutoff_at) filter (where split = '{{ split }}')
            - interval '{{ recent_days }} days' as {{ split }}_recent_at
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ cutoffs_relation }}
    ),

    -- a visitor touched the item before a cutoff iff their first touch of it was
    item_visitor_firsts as (
        select
            item_id,
            min(event_at) as first_event_at
        from events
        group by item_id, visitor_id
    ),

    item_distinct_visitors as (
        select
            item_visitor_firsts.item_id,
            {%- for split in splits %}
            count(*) filter (
                where item_visitor_firsts.first_event_at < split_cutoffs.{{ split }}_cutoff_at
            ) as {{ split }}_n_visitors
            {{- "," if not loop.last }}
            {%- endfor %}
        from item_visitor_firsts
        cross join split_cutoffs
        group by item_visitor_firsts.item_id
    ),

    -- the events grouped by item, type and where they fall relative to each split's
    -- cutoff and recent window: far fewer rows for the per-split sums below
    item_event_groups as (
        select
            events.item_id,
            events.event_type,
            {%- for split in splits %}
            events.event_at < split_cutoffs.{{ split }}_cutoff_at as is_before_{{ split }},
            events.event_at >= split_cutoffs.{{ split }}_recent_at as is_recent_{{ split }},
            {%- endfor %}
            count(*) as n_events,
            min(events.event_at) as min_event_at,
            max(events.event_at) as max_event_at
        from events
        cross join split_cutoffs
        group by all
    ),

    item_counts as (
        select
            item_id,
            {%- for split in splits %}
            {%- set before_cutoff = 'is_before_' ~ split %}
            {%- set recent = 'is_recent_' ~ split %}
            min(min_event_at) filter (where {{ before_cutoff }}) as {{ split }}_min_event_at,
            max(max_event_at) filter (where {{ before_cutoff }}) as {{ split }}_max_event_at,
            coalesce(sum(n_events) filter (
                where {{ before_cutoff }} and event_type = 'view'
            ), 0)::bigint as {{ split }}_n_views,
            coalesce(sum(n_events) filter (
                where {{ before_cutoff }} and event_type = 'addtocart'
            ), 0)::bigint as {{ split }}_n_addtocarts,
            coalesce(sum(n_events) filter (
                where {{ before_cutoff }} and event_type = 'transaction'
            ), 0)::bigint as {{ split }}_n_sales,
            coalesce(sum(n_events) filter (
                where {{ before_cutoff }} and {{ recent }} and event_type = 'view'
            ), 0)::bigint as {{ split }}_n_views_recent,
            coalesce(sum(n_events) filter (
                where {{ before_cutoff }} and {{ recent }} and event_type = 'addtocart'
            ), 0)::bigint as {{ split }}_n_addtocarts_recent,
            coalesce(sum(n_events) filter (
                where {{ before_cutoff }} and {{ recent }} and event_type = 'transaction'
            ), 0)::bigint as {{ split }}_n_sales_recent
            {{- "," if not loop.last }}
            {%- endfor %}
        from item_event_groups
        group by item_id
    ),

    item_split_counts as (
        select
            item_counts.*,
            {%- for split in splits %}
            item_distinct_visitors.{{ split }}_n_visitors
            {{- "," if not loop.last }}
            {%- endfor %}
        from item_counts
        inner join item_distinct_visitors
            on item_counts.item_id = item_distinct_visitors.item_id
    )

    {% for split in splits -%}
    select
        -- ids
        '{{ split }}' as split,
        item_counts.item_id,
        -- timestamps
        split_cutoffs.{{ split }}_cutoff_at as cutoff_at,
        item_counts.{{ split }}_max_event_at as max_event_at_used,
        -- recency and age, in days before the cutoff
        {{ elapsed_whole_second_days(
            'item_counts.' ~ split ~ '_max_event_at', 'split_cutoffs.' ~ split ~ '_cutoff_at'
        ) }} as recency_days,
        {{ elapsed_whole_second_days(
            'item_counts.' ~ split ~ '_min_event_at', 'split_cutoffs.' ~ split ~ '_cutoff_at'
        ) }} as age_days,
        -- demand over the whole history before the cutoff
        item_counts.{{ split }}_n_views as n_views,
        item_counts.{{ split }}_n_addtocarts as n_addtocarts,
        item_counts.{{ split }}_n_sales as n_sales,
        item_counts.{{ split }}_n_visitors as n_visitors,
        item_counts.{{ split }}_n_addtocarts
        / greatest(item_counts.{{ split }}_n_views, 1) as carts_per_view,
        -- recent demand
        item_counts.{{ split }}_n_views_recent as n_views_recent,
        item_counts.{{ split }}_n_addtocarts_recent as n_addtocarts_recent,
        item_counts.{{ split }}_n_sales_recent as n_sales_recent
    from item_split_counts as item_counts
    cross join split_cutoffs
    where item_counts.{{ split }}_max_event_at is not null
    {% if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}
{%- endmacro %}
