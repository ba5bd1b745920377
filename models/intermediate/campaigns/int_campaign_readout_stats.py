"""Campaign readout statistics per campaign and readout cutoff: see
rocketmart.readout.campaign_counts and campaign_readout_stats."""

from rocketmart import readout

CAMPAIGNS = ["browse-abandoners", "churned-customers", "no-sales-items"]


def model(dbt, session):
    dbt.config(materialized="table")
    readout_days = int(dbt.config.get("readout_days"))
    cutoff = (
        dbt.ref("int_recommendation_cutoffs")
        .filter("cutoff_name = 'readout'")
        .select("cutoff_at")
        .df()
    )
    # three small columns per target; every campaign gets a row, also one without targets
    targets = dbt.ref("int_campaign_readout_targets").select(
        "campaign", "is_control", "is_converted"
    )
    counts = readout.campaign_counts(targets.df(), CAMPAIGNS)
    if cutoff.empty:  # no events, no as-of: no readout
        counts = counts.iloc[0:0]
    counts.insert(1, "readout_cutoff_at", cutoff["cutoff_at"].iloc[0] if len(cutoff) else None)
    counts.insert(2, "readout_days", readout_days)
    return readout.campaign_readout_stats(counts)
