"""(a) The engine floor (plain DuckDB SQL, no dbt) and (d) a vectorised pandas baseline (pyarrow
CSV engine, sort/diff/cumsum, groupby/merge, no ``.apply``): both load the raw CSVs (events
without exact duplicates; the three kept property keys), compute the five core metrics (SPEC
§4, §5) step by step, timed, and leave tables named after the marts in a DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dbt_runs import fresh

KEPT = ("categoryid", "available", "790")  # the property keys the project keeps
EVENT_COLUMNS = {"visitorid": "visitor_id", "event": "event_type", "itemid": "item_id"}
EVENT_COLUMNS |= {"transactionid": "transaction_id"}
STAGES = {"view": "n_views", "addtocart": "n_addtocarts", "transaction": "n_transactions"}
FLOOR_SQL = {
    "load_events": """create or replace table events as
        select distinct make_timestamp("timestamp" * 1000) as event_at, visitorid as visitor_id,
            event as event_type, itemid as item_id, transactionid as transaction_id
        from read_csv('{raw}/events.csv', header = true, auto_detect = false, columns = {{
            'timestamp': 'BIGINT', 'visitorid': 'BIGINT', 'event': 'VARCHAR', 'itemid': 'BIGINT',
            'transactionid': 'BIGINT'}})""",
    "load_properties": """create or replace table item_properties as
        select itemid as item_id, property, make_timestamp("timestamp" * 1000) as valid_from,
            case when property = 'categoryid' then try_cast(value as bigint) end as category_id,
            case when property = 'available' then value = '1' end as is_available,
            case when property = '790' then try_cast(substr(value, 2) as double) end as price
        from read_csv('{raw}/item_properties_part*.csv', header = true, auto_detect = false,
            columns = {{'timestamp': 'BIGINT', 'itemid': 'BIGINT', 'property': 'VARCHAR',
            'value': 'VARCHAR'}})
        where property in ('categoryid', 'available', '790')""",
    # The metrics as a competent engineer writes them: e.g. per-item conversion aggregates
    # (item, visitor) pairs first instead of three count(distinct), the funnel counts distinct
    # (stage, visitor, session) rows, churn semi-joins its customers. A new session when the
    # gap to the visitor's previous event exceeds 30 minutes; the order is total (rows are
    # distinct), so both windows agree.
    "sessions": """create or replace table events_sessionised as
        with gaps as (
            select *, coalesce(event_at - lag(event_at) over timeline > interval 30 minutes, true)
                as is_session_start
            from events
            window timeline as (
                partition by visitor_id order by event_at, event_type, item_id, transaction_id))
        select *, sum(is_session_start::int) over (
                partition by visitor_id order by event_at, event_type, item_id, transaction_id
                rows between unbounded preceding and current row) as session_number
        from gaps;
        create or replace table sessions as
        select visitor_id, session_number, min(event_at) as started_at, max(event_at) as ended_at,
            count(*) as n_events, count(*) filter (where event_type = 'view') as n_views,
            count(*) filter (where event_type = 'addtocart') as n_addtocarts,
            count(*) filter (where event_type = 'transaction') as n_transactions,
            count(distinct item_id) as n_distinct_items
        from events_sessionised group by visitor_id, session_number""",
    "funnel": """create or replace table funnel as
        with stage_sessions as (
            select distinct event_type, visitor_id, session_number from events_sessionised)
        select event_type as stage, count(distinct visitor_id) as n_visitors, count(*) as n_sessions
        from stage_sessions group by event_type""",
    "item_conversion": """create or replace table item_conversion as
        with as_of as (select max(event_at) as as_of_at from events),
        item_visitors as (
            select item_id, visitor_id, count(*) filter (where event_type = 'view') as n_views,
                count(*) filter (where event_type = 'addtocart') as n_addtocarts,
                count(*) filter (where event_type = 'transaction') as n_transactions
            from events group by item_id, visitor_id),
        per_item as (
            select item_id, sum(n_views) as n_views, sum(n_addtocarts) as n_addtocarts,
                sum(n_transactions) as n_transactions, count(*) as n_visitors,
                count(*) filter (where n_addtocarts > 0) as n_carters,
                count(*) filter (where n_transactions > 0) as n_buyers
            from item_visitors group by item_id),
        current_category as (
            select item_id, arg_max(category_id, valid_from) as category_id
            from item_properties, as_of
            where property = 'categoryid' and valid_from <= as_of.as_of_at group by item_id)
        select per_item.*, current_category.category_id, n_carters / n_visitors as cart_rate,
            n_buyers / n_visitors as conversion_rate
        from per_item left join current_category using (item_id)""",
    "bought_together": """create or replace table bought_together as
        with baskets as (
            select distinct transaction_id, item_id from events where event_type = 'transaction'),
        n_all as (select count(distinct transaction_id) as n from baskets),
        item_baskets as (select item_id, count(*) as n from baskets group by item_id),
        pairs as (
            select a.item_id as item_a, b.item_id as item_b, count(*) as n_baskets
            from baskets as a inner join baskets as b
                on a.transaction_id = b.transaction_id and a.item_id < b.item_id
            group by a.item_id, b.item_id)
        select pairs.*, n_baskets / n_all.n as support, n_baskets / ia.n as confidence_a_to_b,
            n_baskets / ib.n as confidence_b_to_a,
            (n_baskets / n_all.n) / ((ia.n / n_all.n) * (ib.n / n_all.n)) as lift
        from pairs cross join n_all
        inner join item_baskets as ia on pairs.item_a = ia.item_id
        inner join item_baskets as ib on pairs.item_b = ib.item_id""",
    "customer_churn": """create or replace table customer_churn as
        with as_of as (select max(event_at) as as_of_at from events),
        customers as (select distinct visitor_id from events where event_type = 'transaction'),
        per_visitor as (
            select visitor_id, max(event_at) as last_seen_at,
                count(distinct transaction_id) as n_orders
            from events semi join customers using (visitor_id) group by visitor_id)
        select per_visitor.*,
            (epoch(as_of.as_of_at) - epoch(last_seen_at)) / 86400.0 as days_since_last_seen,
            (epoch(as_of.as_of_at) - epoch(last_seen_at)) / 86400.0 > 30 as is_churned
        from per_visitor cross join as_of""",
}


def floor_run(raw_dir: Path, db_path: Path, timer) -> None:
    """One repetition of the floor into a fresh database file (``timer``: a dbt_runs.Timer)."""
    with duckdb.connect(str(fresh(db_path))) as con:
        for name, sql in FLOOR_SQL.items():
            with timer(name):
                con.execute(sql.format(raw=raw_dir))


def load_events(raw_dir: Path) -> pd.DataFrame:
    dtype = {"timestamp": "int64", "visitorid": "int64", "event": "category", "itemid": "int64"}
    csv = raw_dir / "events.csv"
    events = pd.read_csv(csv, engine="pyarrow", dtype=dtype | {"transactionid": "Int64"})
    events = events.drop_duplicates(ignore_index=True).rename(columns=EVENT_COLUMNS)
    events["event_at"] = pd.to_datetime(events.pop("timestamp").to_numpy(), unit="ms")
    return events


def load_properties(raw_dir: Path) -> pd.DataFrame:
    dtype = {"timestamp": "int64", "itemid": "int64", "property": "string[pyarrow]"}
    parts = sorted(raw_dir.glob("item_properties_part*.csv"))
    parts = (pd.read_csv(p, engine="pyarrow", dtype=dtype, dtype_backend="pyarrow") for p in parts)
    props = pd.concat([part[part["property"].isin(KEPT)] for part in parts], ignore_index=True)
    value, prop = props["value"].astype("string[pyarrow]"), props["property"]
    category = pd.to_numeric(value.where(prop == "categoryid"), errors="coerce")
    price = pd.to_numeric(value.where(prop == "790").str.slice(1), errors="coerce")
    out = pd.DataFrame({"item_id": props["itemid"].astype("int64").to_numpy()})
    out["property"] = prop.astype("category").to_numpy()
    out["valid_from"] = pd.to_datetime(props["timestamp"].astype("int64").to_numpy(), unit="ms")
    out["category_id"] = category.astype("Int64").array
    out["is_available"] = (value == "1").where(prop == "available").array
    out["price"] = price.to_numpy(dtype="float64", na_value=np.nan)
    return out


def sessionise(events: pd.DataFrame) -> pd.DataFrame:
    """Events ordered per visitor with a 1-based session_number (gap > 30 min), type flags
    (n_views, n_addtocarts, n_transactions: 0/1, to be summed) and a global session_key."""
    ordered = events.sort_values(["visitor_id", "event_at"], kind="stable", ignore_index=True)
    visitor, at = ordered["visitor_id"].to_numpy(), ordered["event_at"].to_numpy()
    new_visitor = np.r_[True, visitor[1:] != visitor[:-1]]
    new_session = new_visitor | np.r_[True, (at[1:] - at[:-1]) > np.timedelta64(30, "m")]
    ordered["session_key"] = session_key = np.cumsum(new_session)
    ordered["session_number"] = session_key - np.maximum.accumulate(new_visitor * session_key) + 1
    return type_flags(ordered)


def type_flags(frame: pd.DataFrame) -> pd.DataFrame:
    event_type = frame["event_type"].to_numpy()
    return frame.assign(**{c: (event_type == stage).astype("int64") for stage, c in STAGES.items()})


def sessions(sessionised: pd.DataFrame) -> pd.DataFrame:
    per_session = sessionised.groupby("session_key", sort=False).agg(
        visitor_id=("visitor_id", "first"),
        session_number=("session_number", "first"),
        started_at=("event_at", "min"),
        ended_at=("event_at", "max"),
        n_events=("event_at", "size"),
        **{col: (col, "sum") for col in STAGES.values()},
    )
    distinct_items = sessionised.drop_duplicates(["session_key", "item_id"])
    per_session["n_distinct_items"] = distinct_items.groupby("session_key").size()
    return per_session.reset_index(drop=True)


def funnel(sessionised: pd.DataFrame) -> pd.DataFrame:
    per_stage = sessionised.groupby("event_type", observed=True).agg(
        n_visitors=("visitor_id", "nunique"), n_sessions=("session_key", "nunique")
    )
    return per_stage.reindex(list(STAGES), fill_value=0).rename_axis("stage").reset_index()


def item_conversion(events: pd.DataFrame, props: pd.DataFrame, as_of) -> pd.DataFrame:
    counts = type_flags(events).groupby("item_id")[list(STAGES.values())].sum()
    pairs = events[["item_id", "visitor_id", "event_type"]].drop_duplicates()
    visitors = pairs.drop_duplicates(["item_id", "visitor_id"])
    counts["n_visitors"] = visitors.groupby("item_id").size()
    for stage, column in (("addtocart", "n_carters"), ("transaction", "n_buyers")):
        per_item = pairs[pairs["event_type"] == stage].groupby("item_id").size()
        counts[column] = per_item.reindex(counts.index, fill_value=0).astype("int64")
    categories = props[(props["property"] == "categoryid") & (props["valid_from"] <= as_of)]
    current = categories.sort_values(["item_id", "valid_from"], kind="stable")
    current = current.drop_duplicates("item_id", keep="last").set_index("item_id")["category_id"]
    counts["category_id"] = current.reindex(counts.index).array
    counts["cart_rate"] = counts["n_carters"] / counts["n_visitors"]
    counts["conversion_rate"] = counts["n_buyers"] / counts["n_visitors"]
    return counts.rename_axis("item_id").reset_index()


def bought_together(events: pd.DataFrame) -> pd.DataFrame:
    baskets = events.loc[events["event_type"] == "transaction", ["transaction_id", "item_id"]]
    baskets = baskets.drop_duplicates().astype({"transaction_id": "int64"})
    n_all, item_baskets = baskets["transaction_id"].nunique(), baskets.groupby("item_id").size()
    pairs = baskets.merge(baskets, on="transaction_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["item_id_a"] < pairs["item_id_b"]]
    result = pairs.groupby(["item_id_a", "item_id_b"]).size().rename("n_baskets").reset_index()
    result = result.rename(columns={"item_id_a": "item_a", "item_id_b": "item_b"})
    n_a = item_baskets.reindex(result["item_a"]).to_numpy()
    n_b = item_baskets.reindex(result["item_b"]).to_numpy()
    result["support"] = result["n_baskets"] / n_all
    result["confidence_a_to_b"] = result["n_baskets"] / n_a
    result["confidence_b_to_a"] = result["n_baskets"] / n_b
    result["lift"] = result["support"] / ((n_a / n_all) * (n_b / n_all))
    return result


def customer_churn(events: pd.DataFrame, as_of) -> pd.DataFrame:
    buyers = events.loc[events["event_type"] == "transaction", "visitor_id"].unique()
    per_customer = events[events["visitor_id"].isin(buyers)].groupby("visitor_id")
    per_customer = per_customer.agg(
        last_seen_at=("event_at", "max"), n_orders=("transaction_id", "nunique")
    )
    days = (as_of - per_customer["last_seen_at"]).dt.total_seconds() / 86400.0
    per_customer["days_since_last_seen"], per_customer["is_churned"] = days, days > 30
    return per_customer.reset_index()


def pandas_run(raw_dir: Path, db_path: Path, timer) -> None:
    """One repetition of the pandas baseline; its results are written to ``db_path``."""
    with timer("load_events"):
        events = load_events(raw_dir)
    with timer("load_properties"):
        props = load_properties(raw_dir)
    as_of, out = events["event_at"].max(), {}
    with timer("sessions"):
        sessionised = sessionise(events)
        out["sessions"] = sessions(sessionised)
    with timer("funnel"):
        out["funnel"] = funnel(sessionised)
    with timer("item_conversion"):
        out["item_conversion"] = item_conversion(events, props, as_of)
    with timer("bought_together"):
        out["bought_together"] = bought_together(events)
    with timer("customer_churn"):
        out["customer_churn"] = customer_churn(events, as_of)
    with duckdb.connect(str(fresh(db_path))) as con:
        for name, frame in out.items():
            con.from_df(frame).create(name)
