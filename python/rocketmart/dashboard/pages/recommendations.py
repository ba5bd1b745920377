"""Recommendations: the offline evaluation, a visitor look-up and an item look-up."""

import pandas as pd
import plotly.express as px
import streamlit as st

from rocketmart.dashboard import queries, ui

con = ui.connection()
ui.require(
    con,
    [
        ("marts", "recommendation_evaluation"),
        ("marts", "visitor_recommendations"),
        ("marts", "visitor_segments"),
        ("marts", "sessions"),
        ("marts", "item_similarity"),
        ("marts", "bought_together"),
        ("marts", "item_conversion"),
    ],
)

st.title("Recommendations")

st.subheader("Offline evaluation (time split)")
evaluation = queries.recommendation_evaluation(con)
if evaluation.empty:
    ui.empty("No evaluation rows: the test window holds no events to evaluate on.")
else:
    protocols = list(dict.fromkeys(evaluation["protocol"]))
    protocol = st.radio("Protocol", protocols, horizontal=True, key="protocol")
    rows = evaluation[evaluation["protocol"] == protocol]
    st.caption(
        f"Every strategy fitted on events up to {ui.fmt_ts(rows['train_end_at'].iloc[0])}, "
        f"scored on the days after (as-of {ui.fmt_ts(rows['as_of_at'].iloc[0])}). "
        + (
            "Hit rate = share of test visitors with at least one of their newly discovered "
            "items in the top k."
            if protocol == "visitor_time_split"
            else "Hit rate = share of test-session events whose next viewed item is in the "
            "top k (HR@k)."
        )
    )
    fig = px.bar(
        rows,
        x="strategy",
        y="hit_rate_at_k",
        color="strategy",
        facet_col="k",
        text="hit_rate_at_k",
        labels={"hit_rate_at_k": "hit rate"},
    )
    fig.update_traces(texttemplate="%{text:.1%}", textposition="outside", cliponaxis=False)
    fig.for_each_annotation(lambda a: a.update(text=a.text.replace("k=", "top ")))
    fig.update_xaxes(showticklabels=False, title=None)
    fig.update_yaxes(tickformat=".0%")
    ui.style(fig, height=380)
    fig.update_layout(legend={"y": -0.05, "yanchor": "top", "x": 0, "xanchor": "left"})
    ui.chart(fig, "evaluation")
    st.dataframe(
        rows.drop(columns=["protocol", "train_end_at", "as_of_at"]),
        hide_index=True,
        column_config={
            c: ui.PERCENT
            for c in [
                "precision_at_k",
                "recall_at_k",
                "hit_rate_at_k",
                "mrr_at_k",
                "catalogue_coverage",
            ]
        },
    )

left, right = st.columns(2)
with left:
    st.subheader("Visitor look-up")
    default_visitor = queries.sample_visitor(con)
    visitor_id = st.number_input(
        "Visitor id",
        min_value=0,
        value=int(default_visitor or 0),
        step=1,
        key="visitor_id",
        help="Visitors active in the 30 days before as-of have recommendations.",
    )
    profile = queries.visitor_profile(con, int(visitor_id))
    if profile.empty:
        ui.empty(f"Visitor {visitor_id} has no events in the warehouse.")
    else:
        p = profile.iloc[0]
        st.markdown(
            f"**{p['segment'].replace('_', ' ')}**"
            + (" · bot-like" if p["is_bot_like"] else "")
            + f" · {p['n_sessions']:,} sessions, {p['n_views']:,} views, "
            f"{p['n_addtocarts']:,} carts, {p['n_transactions']:,} purchases · "
            f"last seen {ui.fmt_ts(p['last_seen_at'])}"
        )
        st.markdown("Recent sessions")
        st.dataframe(queries.visitor_recent_sessions(con, int(visitor_id)), hide_index=True)
        recs = queries.visitor_recommendations(con, int(visitor_id))
        st.markdown("Recommended items")
        ui.table(
            recs,
            "No recommendations: the visitor is bot-like or was not active in the 30 "
            "days before as-of.",
            column_config={
                "item_id": ui.ID,
                "score": st.column_config.NumberColumn(format="%.4f"),
            },
        )

with right:
    st.subheader("Item look-up")
    default_item = queries.sample_item(con)
    item_id = st.number_input(
        "Item id", min_value=0, value=int(default_item or 0), step=1, key="item_id"
    )
    item = queries.item_profile(con, int(item_id))
    if item.empty:
        ui.empty(f"Item {item_id} has no events in the warehouse.")
    else:
        i = item.iloc[0]
        category = "none" if pd.isna(i["category_id"]) else int(i["category_id"])
        st.markdown(
            f"category {category} · {int(i['n_visitors']):,} visitors, "
            f"{int(i['n_buyers']):,} buyers · "
            f"conversion {ui.fmt_pct(i['conversion_rate'])} "
            f"(lower bound {ui.fmt_pct(i['conversion_rate_lower'])})"
        )
    st.markdown("Similar items (viewed by the same visitors)")
    similar = queries.similar_items(con, int(item_id))
    ui.table(
        similar,
        "No similar items: fewer than 2 visitors share this item with another one.",
        column_config={
            "similar_item_id": ui.ID,
            "similarity": st.column_config.NumberColumn(format="%.3f"),
        },
    )
    st.markdown("Bought together with it")
    together = queries.item_bought_with(con, int(item_id))
    ui.table(
        together,
        "Never bought in the same transaction as another item.",
        column_config={
            "other_item_id": ui.ID,
            "confidence": ui.PERCENT,
            "lift": st.column_config.NumberColumn(format="%.1f"),
        },
    )
