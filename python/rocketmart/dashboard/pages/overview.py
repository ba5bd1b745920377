"""Overview: KPIs, the funnel, the daily funnel, sessions by hour x weekday, the period."""

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from rocketmart.dashboard import queries, ui

con = ui.connection()
ui.require(
    con,
    [
        ("marts", "visitor_segments"),
        ("marts", "sessions"),
        ("marts", "customer_rfm"),
        ("marts", "funnel"),
        ("marts", "funnel_daily"),
        ("marts", "churn_summary"),
    ],
)

st.title("Overview")
period = queries.data_period(con)
st.caption(
    f"Events from {ui.fmt_ts(period.first_event_at)} to {ui.fmt_ts(period.last_event_at)}; "
    f"every mart is as of {ui.fmt_ts(period.as_of_at)} (the end of the data, not today)."
)

k = queries.kpis(con)
cols = st.columns(5)
cols[0].metric("Visitors", ui.fmt_int(k.n_visitors), help="Distinct visitors with any event.")
cols[1].metric("Sessions", ui.fmt_int(k.n_sessions), help="30-minute inactivity gap.")
cols[2].metric("Buyers", ui.fmt_int(k.n_buyers), help="Visitors with a transaction.")
cols[3].metric("Conversion", ui.fmt_pct(k.conversion_rate, 2), help="Buyers / visitors.")
cols[4].metric(
    "Revenue",
    ui.fmt_money(k.revenue) if k.revenue is not None else "no prices",
    help="Sum of the item price at purchase time over every purchase "
    "(needs the item property files).",
)

funnel = queries.funnel(con)
left, right = st.columns(2)
with left:
    st.subheader("Funnel")
    if funnel["n_visitors"].sum() == 0:
        ui.empty("No events in the warehouse.")
    else:
        fig = go.Figure(
            go.Funnel(
                y=funnel["stage"],
                x=funnel["n_visitors"],
                text=[
                    f"{n:,} visitors" + ("" if i == 0 else f" ({ui.fmt_pct(p)} of views)")
                    for i, (n, p) in enumerate(
                        zip(funnel["n_visitors"], funnel["pct_of_first"], strict=True)
                    )
                ],
                textinfo="text",
                marker={"color": [ui.STAGE_COLOURS[s] for s in funnel["stage"]]},
            )
        )
        ui.chart(ui.style(fig, height=300), "funnel")
        st.dataframe(
            funnel[["stage", "n_visitors", "n_sessions", "pct_of_previous", "pct_of_first"]],
            hide_index=True,
            column_config={
                "n_visitors": ui.COUNT,
                "n_sessions": ui.COUNT,
                "pct_of_previous": ui.PERCENT,
                "pct_of_first": ui.PERCENT,
            },
        )
        st.caption(
            "Stages are counted independently over distinct visitors: a purchase without a "
            "recorded view counts in `transaction` only."
        )

with right:
    st.subheader("Daily funnel")
    daily = queries.funnel_daily(con)
    if daily.empty:
        ui.empty("No events in the warehouse.")
    else:
        fig = px.line(
            daily,
            x="event_date",
            y="n_visitors",
            color="stage",
            color_discrete_map=ui.STAGE_COLOURS,
            log_y=True,
            labels={"event_date": "date (UTC)", "n_visitors": "visitors (log scale)"},
        )
        fig.update_yaxes(dtick=1)  # log axis: label the decades only
        ui.chart(ui.style(fig, height=430), "funnel_daily")
        st.caption(
            f"The last day ends at as-of ({ui.fmt_ts(period.as_of_at)}), so it is only "
            "partly observed."
        )

st.subheader("Sessions by start hour and weekday (UTC)")
grid = queries.sessions_by_hour_weekday(con)
matrix = grid.pivot(index="weekday", columns="hour", values="n_sessions")
fig = px.imshow(
    matrix.to_numpy(),
    x=[f"{h:02d}" for h in matrix.columns],
    y=[queries.WEEKDAYS[d - 1] for d in matrix.index],
    color_continuous_scale="Blues",
    labels={"x": "hour", "y": "weekday", "color": "sessions"},
    aspect="auto",
)
ui.chart(ui.style(fig, height=320), "hour_weekday")
