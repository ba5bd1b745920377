"""Products: items and categories by the Wilson lower bound, the category tree's
conversion, and item pairs bought together by lift."""

import plotly.express as px
import streamlit as st

from rocketmart.dashboard import queries, ui

con = ui.connection()
ui.require(
    con,
    [
        ("marts", "item_conversion"),
        ("marts", "category_conversion"),
        ("marts", "bought_together"),
        ("audit", "load_reconciliation"),
    ],
)
with_properties = queries.has_properties(con)

st.title("Products")
st.caption(
    "Ranked by `conversion_rate_lower`, the 95 % Wilson lower bound of buyers / visitors: "
    "an item seen once and bought once has a rate of 100 % but a lower bound of 21 %, so "
    "small items do not top the list by luck."
)
min_visitors = st.slider(
    "Minimum visitors per item / category", min_value=1, max_value=200, value=5, key="min_vis"
)

left, right = st.columns(2)
with left:
    st.subheader("Top items")
    items = queries.top_items(con, min_visitors=min_visitors, limit=20)
    ui.table(
        items,
        f"No item has {min_visitors} or more visitors.",
        column_order=[
            "item_id",
            "conversion_rate_lower",
            "conversion_rate",
            "n_visitors",
            "n_buyers",
            "category_id",
            "n_views",
            "n_addtocarts",
            "n_transactions",
        ],
        column_config={
            "item_id": ui.ID,
            "category_id": ui.ID,
            "conversion_rate": ui.PERCENT,
            "conversion_rate_lower": ui.PERCENT,
        },
    )
with right:
    st.subheader("Top categories")
    if not with_properties:
        ui.empty(ui.NO_PROPERTIES)
    else:
        categories = queries.top_categories(con, min_visitors=min_visitors, limit=20)
        ui.table(
            categories,
            f"No category has {min_visitors} or more visitors.",
            column_order=[
                "category_id",
                "conversion_rate_lower",
                "conversion_rate",
                "n_visitors",
                "n_buyers",
                "n_items",
                "depth",
                "parent_id",
                "root_id",
            ],
            column_config={
                "category_id": ui.ID,
                "parent_id": ui.ID,
                "root_id": ui.ID,
                "conversion_rate": ui.PERCENT,
                "conversion_rate_lower": ui.PERCENT,
            },
        )

st.subheader("Category tree: visitors (size) and conversion (colour)")
tree = queries.category_tree(con) if with_properties else None
if tree is None:
    ui.empty(ui.NO_PROPERTIES)
elif tree.empty:
    ui.empty("No event falls on a categorised item.")
else:
    fig = px.treemap(
        tree,
        ids="id",
        parents="parent",
        names="id",
        values="n_visitors",
        color="conversion_rate",
        color_continuous_scale="Greens",
        hover_data={"n_buyers": True, "conversion_rate_lower": ":.2%", "depth": True},
        labels={"n_visitors": "visitors", "conversion_rate": "conversion"},
    )
    fig.update_traces(
        root_color="lightgrey",
        hovertemplate="category %{id}<br>visitors %{value:,}<br>conversion %{color:.2%}"
        "<extra></extra>",
    )
    fig.update_coloraxes(colorbar_tickformat=".1%")
    ui.chart(ui.style(fig, height=520), "category_tree")
    st.caption(
        "A category's box holds its own visitors plus its sub-categories' boxes; categories "
        "whose parent had no events hang at the top level."
    )

st.subheader("Bought together")
max_baskets = queries.max_pair_baskets(con)
min_baskets = st.slider(
    "Minimum baskets with both items (lift from one basket is noise)",
    min_value=1,
    max_value=max(max_baskets, 2),
    value=min(2, max_baskets),
    key="min_baskets",
)
pairs = queries.bought_together(con, min_baskets=min_baskets, limit=50)
ui.table(
    pairs,
    f"No item pair was bought together in {min_baskets} or more baskets.",
    column_config={
        "item_a": ui.ID,
        "item_b": ui.ID,
        "support": st.column_config.NumberColumn(format="%.5f"),
        "confidence_a_to_b": ui.PERCENT,
        "confidence_b_to_a": ui.PERCENT,
        "lift": st.column_config.NumberColumn(format="%.1f"),
    },
)
