"""Campaigns: size, control share, score distribution, top targets, downloads (the CLI's
export code) and, once the warehouse has `campaign_readout`, the readout."""

import functools

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from rocketmart.dashboard import downloads, queries, ui
from rocketmart.export import CAMPAIGNS, Campaign, ExportFormat

con = ui.connection()
ui.require(con, list(CAMPAIGNS.values()))

st.title("Campaigns")
st.caption(
    "Each list holds out a deterministic control group (`is_control`, never contacted) so "
    "the campaign's lift can be measured. Bot-like visitors are never targeted."
)

DESCRIPTIONS = {
    Campaign.no_sales_items: "Items with recent views that are predicted not to sell: "
    "candidates for a discount or promotion.",
    Campaign.browse_abandoners: "Active visitors who viewed or carted but never bought, "
    "ranked by purchase propensity, with recommended items.",
    Campaign.churned_customers: "Churned customers, most valuable first, with win-back items.",
}

campaign = Campaign(
    st.radio(
        "Campaign",
        [c.value for c in Campaign],
        horizontal=True,
        key="campaign",
    )
)
st.markdown(DESCRIPTIONS[campaign])

summary = queries.campaign_summary(con, campaign)
cols = st.columns(4)
cols[0].metric("Targets", ui.fmt_int(summary["n_targets"]), help="Rows an export sends.")
cols[1].metric("Control", ui.fmt_int(summary["n_control"]), help="Held out, never contacted.")
cols[2].metric("Control share", ui.fmt_pct(summary["control_share"]))
cols[3].metric("As of", "–" if summary["as_of_at"] is None else f"{summary['as_of_at']:%Y-%m-%d}")

if not summary["n_rows"]:
    ui.empty(
        "This list is empty for this warehouse: no item, visitor or customer meets the "
        "campaign's criteria at the as-of time."
    )
else:
    left, right = st.columns([1, 1])
    with left:
        hist = queries.campaign_score_histogram(con, campaign, bins=20)
        fig = px.bar(
            hist,
            x="score_from",
            y="n",
            color="grp",
            color_discrete_map={"target": "#4C78A8", "control": "#BAB0AC"},
            labels={"score_from": "score", "n": "rows", "grp": ""},
            title="Score distribution",
        )
        ui.chart(ui.style(fig, height=300, bargap=0.05), f"scores_{campaign.value}")
    with right:
        st.markdown("**Download** (the same files as `rocketmart export`)")
        include_control = st.checkbox("Include the control rows", key="include_control")
        for export_format in ExportFormat:
            st.download_button(
                f"{export_format.value.upper()}",
                data=functools.partial(
                    downloads.export_bytes,
                    campaign,
                    export_format,
                    ui.warehouse_path(),
                    include_control,
                ),
                file_name=downloads.file_name(campaign, export_format),
                mime=downloads.MIME_TYPES[export_format],
                key=f"download_{campaign.value}_{export_format.value}",
                icon=":material/download:",
                on_click="ignore",
            )
    st.markdown("**Top targets** (control rows left out, as in an export)")
    targets = queries.campaign_top_targets(con, campaign, limit=20)
    id_column = queries.CAMPAIGN_ID_COLUMN[campaign]
    first = ["rank", id_column, "score", "evidence"]
    st.dataframe(
        targets,
        hide_index=True,
        column_order=first + [c for c in targets.columns if c not in first],
        column_config={
            id_column: ui.ID,
            "category_id": ui.ID,
            "score": st.column_config.NumberColumn(format="%.4f"),
            "evidence": st.column_config.TextColumn(width="large"),
        },
    )

st.subheader("Readout (A/A on history)")
readout = queries.campaign_readout(con)
if readout is None:
    ui.empty(
        "This warehouse has no `marts.campaign_readout` yet: rebuild with a version of "
        "rocketmart that has the readout to see each campaign's measured lift."
    )
elif readout.empty:
    ui.empty("The readout is empty: no campaign list could be rebuilt at the readout cutoff.")
else:
    st.caption(
        "Each list rebuilt at as-of − readout_days and the next readout_days observed. Nobody "
        "was contacted, so targets and control should convert alike: an interval far from 0 "
        "would point at a biased hold-out."
    )
    fig = go.Figure(
        go.Scatter(
            x=readout["lift_abs"],
            y=readout["campaign"],
            mode="markers",
            marker={"size": 11, "color": "#4C78A8"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": readout["lift_abs_upper"] - readout["lift_abs"],
                "arrayminus": readout["lift_abs"] - readout["lift_abs_lower"],
            },
        )
    )
    fig.add_vline(x=0, line_dash="dot")
    fig.update_xaxes(title="target rate − control rate (95 % interval)", tickformat=".1%")
    ui.chart(ui.style(fig, height=80 + 60 * len(readout)), "readout")
    st.dataframe(
        readout,
        hide_index=True,
        column_config={
            c: ui.PERCENT
            for c in [
                "target_rate",
                "control_rate",
                "lift_abs",
                "lift_abs_lower",
                "lift_abs_upper",
                "lift_rel",
                "mde_abs",
            ]
            if c in readout.columns
        },
    )
