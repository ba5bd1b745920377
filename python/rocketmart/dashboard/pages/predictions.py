"""Predictions: each model against its rule baseline, deciles and score distributions."""

import plotly.express as px
import streamlit as st

from rocketmart.dashboard import queries, ui

con = ui.connection()
ui.require(
    con,
    [
        ("marts", "model_metrics"),
        ("marts", "visitor_purchase_propensity"),
        ("marts", "item_sales_forecast"),
    ],
)

st.title("Predictions")
st.caption(
    "Metrics on the validation split (fitted at as-of − 2·label_days, evaluated on the "
    "label_days before as-of). A model is worth running only where it beats its rule baseline."
)

metrics = queries.model_metrics(con)
if metrics.empty:
    ui.empty("No model metrics in the warehouse.")
else:
    long = metrics.melt(
        id_vars=["model_name", "variant"],
        value_vars=["roc_auc", "average_precision", "top_decile_lift"],
        var_name="metric",
    ).dropna(subset=["value"])
    if long.empty:
        ui.empty(
            "The metrics are empty by design: the validation labels are single-class "
            "(see `status` / `reason` below)."
        )
    else:
        fig = px.bar(
            long,
            x="model_name",
            y="value",
            color="variant",
            barmode="group",
            facet_col="metric",
            text="value",
            color_discrete_map={"model": "#4C78A8", "baseline": "#BAB0AC"},
        )
        fig.update_traces(texttemplate="%{text:.2f}", textposition="outside", cliponaxis=False)
        fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
        fig.update_yaxes(matches=None, showticklabels=True, title=None)
        fig.update_xaxes(title=None)
        ui.style(fig, height=380)
        fig.update_layout(legend={"y": -0.15, "yanchor": "top", "x": 0, "xanchor": "left"})
        ui.chart(fig, "model_vs_baseline")
    st.dataframe(
        metrics,
        hide_index=True,
        column_order=[c for c in metrics.columns if c != "reason"] + ["reason"],
        column_config={"base_rate": ui.PERCENT, "precision": ui.PERCENT, "recall": ui.PERCENT},
    )

labels = {
    "visitor_purchase_propensity": "Visitors: purchase in the next label_days",
    "item_sales_forecast": "Items: at least one sale in the next label_days",
}
tabs = st.tabs(list(labels.values()))
for tab, model in zip(tabs, labels, strict=True):
    with tab:
        deciles = queries.deciles(con, model)
        if deciles.empty:
            ui.empty("Nothing was scored (no activity in the 30 days before as-of).")
            continue
        left, right = st.columns(2)
        with left:
            fig = px.bar(
                deciles,
                x="decile",
                y="expected_lift",
                text="expected_lift",
                labels={"expected_lift": "mean probability / overall mean"},
                title="Lift by decile (1 = highest scores)",
            )
            fig.update_traces(texttemplate="%{text:.1f}×", textposition="outside", cliponaxis=False)
            fig.add_hline(y=1, line_dash="dot")
            fig.update_xaxes(dtick=1)
            ui.chart(ui.style(fig, height=320), f"deciles_{model}")
            st.caption(
                "Expected lift from the scores; the lift observed on validation is "
                "`top_decile_lift` above."
            )
        with right:
            hist = queries.probability_histogram(con, model, bins=20)
            fig = px.bar(
                hist,
                x="bin_from",
                y="n",
                log_y=True,
                labels={"bin_from": "predicted probability (5 % bins)", "n": "scored (log)"},
                title="Score distribution",
            )
            fig.update_traces(offset=0, width=0.05)
            fig.update_xaxes(range=[0, 1], tickformat=".0%")
            fig.update_yaxes(dtick=1)
            ui.chart(ui.style(fig, height=320), f"hist_{model}")
