{{ config(severity='warn') }}
{#- A/A check of the hold-out: on historical data nobody was contacted, so the 95 %
    interval of every campaign's lift should cover 0. Warn, not error: with three
    campaigns one interval misses by chance about 14 % of the time (1 - 0.95^3); a miss
    on several campaigns or every rebuild means the hold-out is not random. -#}
select
    campaign,
    lift_abs_lower,
    lift_abs_upper
from {{ ref('campaign_readout') }}
where lift_abs_lower > 0 or lift_abs_upper < 0
