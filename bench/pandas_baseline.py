"""(d) A vectorised pandas baseline of the five core metrics, same definitions as the marts.

Written as a competent analyst would: typed ``read_csv`` with the pyarrow engine, exact
duplicates dropped, then sort / diff / cumsum for sessions and groupby / merge for the
rest. No ``.apply`` and no per-row Python. Each step is timed on its own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from harness import PhaseTimer

SESSION_GAP = pd.Timedelta(minutes=30)
CHURN_DAYS = 30
STAGES = ("view", "addtocart", "transaction")
TYPE_COLUMNS = ("n_views", "n_addtocarts", "n_transactions")


def load_events(raw_dir: Path) -> pd.DataFrame:
    events = pd.read_csv(
        raw_dir / "events.csv",
        engine="pyarrow",
        dtype={
            "timestamp": "int64",
            "visitorid": "int64",
            "event": "category",
            "itemid": "int64",
            "transactionid": "Int64",
        },
    ).drop_duplicates()
    return pd.DataFrame(
        {
            "event_at": pd.to_datetime(events["timestamp"].to_numpy(), unit="ms"),
            "visitor_id": events["visitorid"].to_numpy(),
            "event_type": events["event"].to_numpy(),
            "item_id": events["itemid"].to_numpy(),
            "transaction_id": events["transactionid"].array,
        }
    )


def load_properties(raw_dir: Path) -> pd.DataFrame:
    frames = []
    for part in sorted(raw_dir.glob("item_properties_part*.csv")):
        frame = pd.read_csv(
            part,
            engine="pyarrow",
            dtype={"timestamp": "int64", "itemid": "int64", "property": "string[pyarrow]"},
            dtype_backend="pyarrow",
        )
        frames.append(frame[frame["property"].isin(["categoryid", "available", "790"])])
    if not frames:
        return pd.DataFrame(
            {
                "item_id": pd.Series([], dtype="int64"),
                "property": pd.Series([], dtype="string"),
                "valid_from": pd.Series([], dtype="datetime64[ns]"),
                "category_id": pd.Series([], dtype="Int64"),
            }
        )
    props = pd.concat(frames, ignore_index=True)
    value = props["value"].astype("string[pyarrow]")
    prop = props["property"]
    return pd.DataFrame(
        {
            "item_id": props["itemid"].astype("int64").to_numpy(),
            "property": prop.astype("category").to_numpy(),
            "valid_from": pd.to_datetime(props["timestamp"].astype("int64").to_numpy(), unit="ms"),
            "category_id": pd.to_numeric(value.where(prop == "categoryid"), errors="coerce")
            .astype("Int64")
            .array,
            "is_available": (value == "1").where(prop == "available").array,
            "price": pd.to_numeric(
                value.where(prop == "790").str.slice(1), errors="coerce"
            ).to_numpy(dtype="float64", na_value=np.nan),
        }
    )


def sessionise(events: pd.DataFrame) -> pd.DataFrame:
    """Events ordered per visitor with a 1-based session_number (gap > 30 min)."""
    ordered = events.sort_values(["visitor_id", "event_at"], kind="stable", ignore_index=True)
    visitor = ordered["visitor_id"].to_numpy()
    at = ordered["event_at"].to_numpy()
    new_visitor = np.r_[True, visitor[1:] != visitor[:-1]]
    new_session = new_visitor | np.r_[True, (at[1:] - at[:-1]) > SESSION_GAP.to_timedelta64()]
    session_key = np.cumsum(new_session)
    first_key = np.maximum.accumulate(np.where(new_visitor, session_key, 0))
    ordered["session_number"] = session_key - first_key + 1
    ordered["session_key"] = session_key
    return ordered


def _type_flags(frame: pd.DataFrame) -> pd.DataFrame:
    """0/1 columns n_views, n_addtocarts, n_transactions to be summed by a groupby."""
    event_type = frame["event_type"].to_numpy()
    return frame.assign(
        **{
            column: (event_type == stage).astype("int64")
            for stage, column in zip(STAGES, TYPE_COLUMNS, strict=True)
        }
    )


def sessions(sessionised: pd.DataFrame) -> pd.DataFrame:
    grouped = _type_flags(sessionised).groupby("session_key", sort=False)
    per_session = grouped.agg(
        visitor_id=("visitor_id", "first"),
        session_number=("session_number", "first"),
        started_at=("event_at", "min"),
        ended_at=("event_at", "max"),
        n_events=("event_at", "size"),
        n_views=("n_views", "sum"),
        n_addtocarts=("n_addtocarts", "sum"),
        n_transactions=("n_transactions", "sum"),
    )
    per_session["n_distinct_items"] = (
        sessionised.drop_duplicates(["session_key", "item_id"]).groupby("session_key").size()
    )
    return per_session.reset_index(drop=True)


def funnel(sessionised: pd.DataFrame) -> pd.DataFrame:
    grouped = sessionised.groupby("event_type", observed=True)
    result = pd.DataFrame(
        {
            "n_visitors": grouped["visitor_id"].nunique(),
            "n_sessions": grouped["session_key"].nunique(),
        }
    )
    result = result.reindex(list(STAGES), fill_value=0)
    result.index.name = "stage"
    return result.reset_index()


def item_conversion(events: pd.DataFrame, props: pd.DataFrame, as_of) -> pd.DataFrame:
    counts = _type_flags(events).groupby("item_id")[list(TYPE_COLUMNS)].sum()
    pairs = events[["item_id", "visitor_id", "event_type"]].drop_duplicates()
    visitors = pairs.drop_duplicates(["item_id", "visitor_id"])
    counts["n_visitors"] = visitors.groupby("item_id").size()
    for stage, column in (("addtocart", "n_carters"), ("transaction", "n_buyers")):
        counts[column] = pairs[pairs["event_type"] == stage].groupby("item_id").size()
        counts[column] = counts[column].fillna(0).astype("int64")
    categories = props[(props["property"] == "categoryid") & (props["valid_from"] <= as_of)]
    current = (
        categories.sort_values(["item_id", "valid_from"], kind="stable")
        .drop_duplicates("item_id", keep="last")
        .set_index("item_id")["category_id"]
    )
    counts["category_id"] = current.reindex(counts.index).array
    counts["cart_rate"] = counts["n_carters"] / counts["n_visitors"]
    counts["conversion_rate"] = counts["n_buyers"] / counts["n_visitors"]
    counts.index.name = "item_id"
    return counts.reset_index()


def bought_together(events: pd.DataFrame) -> pd.DataFrame:
    baskets = events.loc[
        events["event_type"] == "transaction", ["transaction_id", "item_id"]
    ].drop_duplicates()
    baskets["transaction_id"] = baskets["transaction_id"].astype("int64")
    n_all = baskets["transaction_id"].nunique()
    item_baskets = baskets.groupby("item_id").size()
    pairs = baskets.merge(baskets, on="transaction_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["item_id_a"] < pairs["item_id_b"]]
    result = (
        pairs.groupby(["item_id_a", "item_id_b"]).size().rename("n_baskets").reset_index()
    ).rename(columns={"item_id_a": "item_a", "item_id_b": "item_b"})
    n_a = item_baskets.reindex(result["item_a"]).to_numpy()
    n_b = item_baskets.reindex(result["item_b"]).to_numpy()
    result["support"] = result["n_baskets"] / n_all
    result["confidence_a_to_b"] = result["n_baskets"] / n_a
    result["confidence_b_to_a"] = result["n_baskets"] / n_b
    result["lift"] = result["support"] / ((n_a / n_all) * (n_b / n_all))
    return result


def customer_churn(events: pd.DataFrame, as_of) -> pd.DataFrame:
    buyers = events.loc[events["event_type"] == "transaction", "visitor_id"].unique()
    customer_events = events[events["visitor_id"].isin(buyers)]
    per_customer = customer_events.groupby("visitor_id").agg(
        last_seen_at=("event_at", "max"), n_orders=("transaction_id", "nunique")
    )
    days = (as_of - per_customer["last_seen_at"]).dt.total_seconds() / 86400.0
    per_customer["days_since_last_seen"] = days
    per_customer["is_churned"] = days > CHURN_DAYS
    return per_customer.reset_index()


def run_once(raw_dir: Path, timer: PhaseTimer) -> dict[str, pd.DataFrame]:
    with timer.phase("load_events"):
        events = load_events(raw_dir)
    with timer.phase("load_properties"):
        props = load_properties(raw_dir)
    as_of = events["event_at"].max()
    out = {}
    with timer.phase("sessions"):
        sessionised = sessionise(events)
        out["sessions"] = sessions(sessionised)
    with timer.phase("funnel"):
        out["funnel"] = funnel(sessionised)
    with timer.phase("item_conversion"):
        out["item_conversion"] = item_conversion(events, props, as_of)
    with timer.phase("bought_together"):
        out["bought_together"] = bought_together(events)
    with timer.phase("churn"):
        out["customer_churn"] = customer_churn(events, as_of)
    return out


def measure(raw_dir: Path, reps: int) -> dict:
    timer = PhaseTimer()
    out: dict[str, pd.DataFrame] = {}
    for rep in range(reps):
        out = run_once(raw_dir, timer)
        load = timer.phases["load_events"].samples[-1] + timer.phases["load_properties"].samples[-1]
        metrics = sum(
            timer.phases[m].samples[-1]
            for m in ("sessions", "funnel", "item_conversion", "bought_together", "churn")
        )
        print(f"[d] pandas rep {rep + 1}: load {load:.2f} s, metrics {metrics:.2f} s")
    return {"phases": timer.phases, "frames": out}
