"""Streamlit helpers shared by the dashboard pages: the read-only warehouse connection,
error and empty states, number formats and the charts' common look."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import streamlit as st

from rocketmart.dashboard import queries
from rocketmart.warehouse import resolve_db

# one palette for the funnel stages / segments everywhere
STAGE_COLOURS = {"view": "#4C78A8", "addtocart": "#F58518", "transaction": "#54A24B"}
SEGMENT_COLOURS = {"buyer": "#54A24B", "cart_abandoner": "#F58518", "browser": "#4C78A8"}
NO_PROPERTIES = (
    "No item property files were loaded into this warehouse, so items have no category, "
    "availability or price: this part is empty by design. Put `item_properties_part*.csv` "
    "next to `events.csv` and rebuild to fill it."
)


@st.cache_resource(max_entries=4, show_spinner=False)
def _open(path: str, stamp: tuple[int, int]) -> duckdb.DuckDBPyConnection:
    """One read-only connection per warehouse file version (path, mtime, inode): a rebuilt
    warehouse (published by rename) gets a new connection on the next rerun."""
    del stamp  # part of the cache key only
    return duckdb.connect(path, read_only=True)


def warehouse_path() -> Path:
    return resolve_db(None)


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the read-only warehouse connection, or an error and stop when the
    warehouse is missing or cannot be opened."""
    path = warehouse_path()
    if not path.is_file():
        st.error(
            f"No warehouse at `{path}`. Build it first with `rocketmart build` "
            "(or `make build`), or point the dashboard at one with `--db PATH`."
        )
        st.stop()
    stat = path.stat()
    try:
        con = _open(str(path.resolve()), (stat.st_mtime_ns, stat.st_ino))
    except duckdb.Error as exc:
        st.error(f"Cannot open the warehouse `{path}`: {str(exc).splitlines()[0]}")
        st.stop()
    return con.cursor()


def require(con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]]) -> None:
    """Stop the page with a clear error when the warehouse lacks one of `tables`."""
    missing = queries.missing_tables(con, tables)
    if missing:
        st.error(
            f"The warehouse `{warehouse_path()}` has no {', '.join(missing)}: it was built by "
            "an older or failed build. Rebuild it with `rocketmart build`."
        )
        st.stop()


def empty(message: str) -> None:
    st.info(message, icon=":material/info:")


def table(frame, empty_message: str, **options) -> None:
    """`frame` as a table without its index (`options` go to st.dataframe), or the
    `empty_message` info box when it has no rows."""
    if frame.empty:
        empty(empty_message)
    else:
        st.dataframe(frame, hide_index=True, **options)


def fmt_int(value) -> str:
    return "–" if value is None else f"{int(value):,}"


def fmt_pct(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{100 * value:.{digits}f} %"


def fmt_money(value) -> str:
    return "–" if value is None else f"{value:,.0f}"


def fmt_ts(value) -> str:
    return "–" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def style(fig: go.Figure, height: int = 360, **layout) -> go.Figure:
    """The charts' common layout: compact margins, horizontal legend on top."""
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1},
        **layout,
    )
    return fig


def chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


PERCENT = st.column_config.NumberColumn(format="percent")
COUNT = st.column_config.NumberColumn(format="localized")
ID = st.column_config.NumberColumn(format="%d")  # ids without thousands separators
