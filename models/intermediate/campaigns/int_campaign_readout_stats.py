"""Campaign readout statistics per campaign and readout cutoff: see
rocketmart.readout.campaign_readout_stats."""

from rocketmart import readout

CAMPAIGNS = ["browse-abandoners", "churned-customers", "no-sales-items"]


def model(dbt, session):
    dbt.config(materialized="table")
    readout_days = int(dbt.config.get("readout_days"))
    cutoff = dbt.ref("int_recommendation_cutoffs").filter("cutoff_name = 'readout'")
    targets = dbt.ref("int_campaign_readout_targets")
    # the counts in SQL (one small row per campaign), the statistics in Python
    counts = targets.aggregate(
        """
        campaign,
        count(*) filter (where not is_control) as n_target,
        count(*) filter (where not is_control and is_converted) as n_target_converted,
        count(*) filter (where is_control) as n_control,
        count(*) filter (where is_control and is_converted) as n_control_converted
        """,
        "campaign",
    ).df()
    # every campaign gets a row, also one without targets at the cutoff (counts 0)
    counts = counts.set_index("campaign").reindex(CAMPAIGNS, fill_value=0).reset_index()
    counts.insert(1, "readout_cutoff_at", cutoff.project("cutoff_at").fetchall()[0][0])
    counts.insert(2, "readout_days", readout_days)
    return readout.campaign_readout_stats(counts)
