"""Customers: segments, churn, retention cohorts and RFM value tiers."""

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from rocketmart.dashboard import queries, ui

con = ui.connection()
ui.require(
    con,
    [
        ("marts", "visitor_segments"),
        ("marts", "churn_summary"),
        ("marts", "customer_churn"),
        ("marts", "retention_cohorts"),
        ("marts", "customer_rfm"),
        ("audit", "load_reconciliation"),
    ],
)

st.title("Customers")

left, right = st.columns(2)
with left:
    st.subheader("Segments")
    seg = queries.segments(con)
    fig = px.bar(
        seg,
        x="segment",
        y="n_visitors",
        color="segment",
        color_discrete_map=ui.SEGMENT_COLOURS,
        text="n_visitors",
        log_y=True,
        labels={"n_visitors": "visitors (log scale)"},
    )
    fig.update_traces(texttemplate="%{text:,}", textposition="outside", cliponaxis=False)
    fig.update_yaxes(dtick=1)
    ui.chart(ui.style(fig, height=340, showlegend=False), "segments")
    n_bots = int(seg["n_bot_like"].sum())
    st.caption(
        f"{n_bots:,} bot-like visitors (more than `max_items_per_visitor` distinct items) "
        "are counted here but never targeted by campaigns."
    )

with right:
    st.subheader("Churn")
    churn = queries.churn_summary(con)
    if not churn or not churn["n_customers"]:
        ui.empty("No customer (visitor with a transaction) in the warehouse.")
    else:
        cols = st.columns(3)
        cols[0].metric("Customers", ui.fmt_int(churn["n_customers"]))
        cols[1].metric("Churned", ui.fmt_int(churn["n_churned"]))
        cols[2].metric(
            "Churn rate",
            ui.fmt_pct(churn["churn_rate"]),
            help=f"No event for more than {churn['churn_days']} days before as-of.",
        )
        hist = queries.days_since_last_seen_histogram(con, bin_days=7)
        hist["status"] = np.where(hist["is_churned"], "churned", "active")
        fig = px.bar(
            hist,
            x="days_from",
            y="n_customers",
            color="status",
            color_discrete_map={"churned": "#E45756", "active": "#54A24B"},
            labels={"days_from": "days since last seen (7-day bins)", "n_customers": "customers"},
        )
        fig.add_vline(
            x=churn["churn_days"],
            line_dash="dash",
            annotation_text=f"churn_days = {churn['churn_days']}",
        )
        ui.chart(ui.style(fig, height=260, bargap=0.05), "churn_hist")

st.subheader("Retention by weekly cohort")
st.caption(
    "Share of each cohort (week of first event / first purchase, Monday-based, UTC) active in "
    "each following week, in %. Week 0 is 100 % by definition and left out. Cells marked ◐ "
    "are the week containing as-of: not fully observed, so their rate is a lower bound."
)
tabs = st.tabs(["Visitor cohorts", "Customer cohorts"])
for tab, cohort_type in zip(tabs, ["visitor", "customer"], strict=True):
    with tab:
        rates, complete = queries.retention_matrix(queries.retention(con, cohort_type))
        rates, complete = (
            rates.drop(columns=[0], errors="ignore"),
            complete.drop(columns=[0], errors="ignore"),
        )
        if rates.empty:
            ui.empty(f"No {cohort_type} cohorts (no {cohort_type}s in the warehouse).")
            continue
        text = [
            [
                "" if np.isnan(rate) else f"{100 * rate:.1f}" + ("" if complete.iloc[i, j] else "◐")
                for j, rate in enumerate(row)
            ]
            for i, row in enumerate(rates.to_numpy())
        ]
        fig = go.Figure(
            go.Heatmap(
                z=rates.to_numpy(),
                x=[f"week {w}" for w in rates.columns],
                y=list(rates.index),
                text=text,
                texttemplate="%{text}",
                textfont={"size": 10},
                colorscale="Blues",
                zmin=0,
                colorbar={"title": "retention", "tickformat": ".1%"},
                hovertemplate="%{y}<br>%{x}: %{z:.1%}<extra></extra>",
            )
        )
        fig.update_yaxes(autorange="reversed")
        ui.chart(ui.style(fig, height=max(300, 28 * len(rates) + 80)), f"retention_{cohort_type}")

st.subheader("RFM value tiers")
tiers = queries.rfm_tiers(con)
if not tiers["n_customers"].sum():
    ui.empty("No customers to score.")
else:
    if not queries.has_properties(con):
        ui.empty(
            "No item property files were loaded, so purchases have no price: `monetary` is "
            "empty by design."
        )
    st.dataframe(
        tiers,
        hide_index=True,
        column_config={
            "n_customers": ui.COUNT,
            "avg_recency_days": st.column_config.NumberColumn(format="%.1f"),
            "avg_frequency": st.column_config.NumberColumn(format="%.2f"),
            "avg_monetary": st.column_config.NumberColumn(format="localized"),
            "total_monetary": st.column_config.NumberColumn(format="localized"),
        },
    )
    left, _ = st.columns(2)
    with left:
        grid = queries.rfm_grid(con)
        matrix = grid.pivot(index="r_score", columns="f_score", values="n_customers").fillna(0)
        fig = px.imshow(
            matrix.to_numpy(),
            x=[str(c) for c in matrix.columns],
            y=[str(i) for i in matrix.index],
            text_auto=True,
            color_continuous_scale="Purples",
            labels={"x": "frequency score", "y": "recency score", "color": "customers"},
            aspect="auto",
        )
        fig.update_yaxes(autorange="reversed", dtick=1)
        fig.update_xaxes(dtick=1)
        ui.chart(ui.style(fig, height=320, title="customers by R × F score"), "rfm_grid")
