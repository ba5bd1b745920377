"""The rocketmart dashboard (Streamlit entry script): `rocketmart dashboard` runs it.

The warehouse path comes from ROCKETMART_DB (the CLI sets it from --db); every page opens
it read-only through `ui.connection()`.
"""

from pathlib import Path

import streamlit as st

from rocketmart.dashboard import queries, ui

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="rocketmart", page_icon=":material/rocket_launch:", layout="wide")

navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(PAGES / "products.py", title="Products", icon=":material/inventory_2:"),
        st.Page(PAGES / "customers.py", title="Customers", icon=":material/groups:"),
        st.Page(PAGES / "recommendations.py", title="Recommendations", icon=":material/recommend:"),
        st.Page(PAGES / "predictions.py", title="Predictions", icon=":material/insights:"),
        st.Page(PAGES / "campaigns.py", title="Campaigns", icon=":material/campaign:"),
        st.Page(PAGES / "data_quality.py", title="Data quality", icon=":material/fact_check:"),
    ]
)

con = ui.connection()
with st.sidebar:
    st.caption(f"Warehouse: `{ui.warehouse_path()}`")
    if queries.table_exists(con, "marts", "churn_summary"):
        period = queries.data_period(con)
        st.caption(f"As of {ui.fmt_ts(period.as_of_at)}")
navigation.run()
