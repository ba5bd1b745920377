{#- One row per recommendation cutoff and item with a category or availability valid at
    the cutoff: both as of cutoff_at (macro item_state_as_of, as int_item_current_state),
    so no later property change leaks into a fit. Price is read by no recommender. -#}
with

item_properties as (
    select * from {{ ref('stg_retailrocket__item_properties') }}
),

cutoffs as (
    select * from {{ ref('int_recommendation_cutoffs') }}
),

-- cutoffs at the same instant have the same state: computed once per distinct cutoff_at
-- (under its first cutoff_name), then copied to each cutoff_name
cutoff_instants as (
    select
        min(cutoff_name) as cutoff_name,
        cutoff_at
    from cutoffs
    group by cutoff_at
),

instant_state as (
    {{ item_state_as_of(
        'item_properties', 'cutoff_instants', property_names=['category_id', 'is_available']
    ) }}
),

final as (
    select
        -- ids
        cutoffs.cutoff_name,
        instant_state.item_id,
        instant_state.category_id,
        -- flags
        instant_state.is_available
    from instant_state
    inner join cutoff_instants
        on instant_state.cutoff_name = cutoff_instants.cutoff_name
    inner join cutoffs
        on cutoff_instants.cutoff_at = cutoffs.cutoff_at
)

select * from final
