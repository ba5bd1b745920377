"""Data quality: reconciliation per raw file, quarantine by reason, the summary checks."""

import plotly.express as px
import streamlit as st

from rocketmart.dashboard import queries, ui

con = ui.connection()
ui.require(
    con,
    [
        ("audit", "load_reconciliation"),
        ("audit", "quarantined_events"),
        ("audit", "quarantined_item_properties"),
        ("audit", "category_tree_issues"),
        ("audit", "data_quality_summary"),
    ],
)

st.title("Data quality")
st.caption(
    "Every raw line is accounted for: raw_rows = clean_rows + duplicate_rows_dropped + "
    "quarantined_rows for every file (a dbt test)."
)

st.subheader("Reconciliation per raw file")
recon = queries.load_reconciliation(con)
if not queries.has_properties(con):
    ui.empty(
        "No item property files were loaded: only events and the category tree are "
        "reconciled, and items have no category, availability or price."
    )
long = recon.melt(
    id_vars="file_name",
    value_vars=["clean_rows", "duplicate_rows_dropped", "quarantined_rows"],
    var_name="outcome",
    value_name="rows",
)
fig = px.bar(
    long,
    y="file_name",
    x="rows",
    color="outcome",
    orientation="h",
    log_x=True,
    barmode="group",
    color_discrete_map={
        "clean_rows": "#54A24B",
        "duplicate_rows_dropped": "#BAB0AC",
        "quarantined_rows": "#E45756",
    },
    labels={"file_name": "", "rows": "rows (log scale)"},
)
fig.update_xaxes(dtick=1)
ui.chart(ui.style(fig, height=120 + 70 * len(recon)), "reconciliation")
st.dataframe(recon, hide_index=True)

st.subheader("Quarantine by reason")
quarantine = queries.quarantine_by_reason(con)
if quarantine.empty:
    st.success("No row was quarantined.", icon=":material/check_circle:")
else:
    left, _ = st.columns(2)
    left.dataframe(quarantine, hide_index=True)

st.subheader("Data-quality checks")
summary = queries.data_quality_summary(con)
st.dataframe(
    summary,
    hide_index=True,
    height=36 * (len(summary) + 1) + 3,
    column_config={"description": st.column_config.TextColumn(width="large")},
)
