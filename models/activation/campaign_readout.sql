{#- One row per campaign and readout cutoff: the A/B readout of each campaign list rebuilt
    readout_days before as-of (int_campaign_readout_targets), targets against the
    hold-out, statistics from rocketmart.readout (int_campaign_readout_stats). On
    historical data nobody was contacted: an A/A test of the hold-out. -#}
with

stats as (
    select * from {{ ref('int_campaign_readout_stats') }}
),

final as (
    select
        -- ids
        campaign,
        cast(readout_cutoff_at as timestamp) as readout_cutoff_at,
        cast(readout_days as integer) as readout_days,
        -- groups
        cast(n_target as bigint) as n_target,
        cast(n_target_converted as bigint) as n_target_converted,
        target_rate,
        cast(n_control as bigint) as n_control,
        cast(n_control_converted as bigint) as n_control_converted,
        control_rate,
        -- lift
        lift_abs,
        lift_abs_lower,
        lift_abs_upper,
        lift_rel,
        -- test
        p_value,
        test,
        mde_abs
    from stats
)

select * from final
