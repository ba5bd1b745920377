{#- One row per item with any clean property: its category, availability and price as of
    the as-of time (the latest value valid at or before it). -#}
with

item_properties as (
    select * from {{ ref('stg_retailrocket__item_properties') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

as_of_cutoff as (
    select
        'as_of' as cutoff_name,
        as_of_at as cutoff_at
    from as_of
),

current_state as (
    {{ item_state_as_of('item_properties', 'as_of_cutoff') }}
),

final as (
    select
        item_id,
        category_id,
        is_available,
        price
    from current_state
)

select * from final
