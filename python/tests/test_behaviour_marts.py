"""Behaviour marts of the real-sample warehouse against an independent pandas recomputation.

Recomputes SPEC §4 from the raw events file (drop exact duplicates, as-of = last event,
default vars) without any of the project's SQL, and compares row by row. Needs the
warehouse built by `make test-dbt` (ROCKETMART_TEST_DIR/real.duckdb and real/raw); skipped
otherwise.
"""

import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

TEST_DIR = Path(os.environ.get("ROCKETMART_TEST_DIR", "build/test"))
WAREHOUSE = TEST_DIR / "real.duckdb"
RAW_EVENTS = TEST_DIR / "real" / "raw" / "events.csv"
GAP = pd.Timedelta(minutes=30)
CHURN_DAYS = 30
RANK = {"view": 1, "addtocart": 2, "transaction": 3}

pytestmark = pytest.mark.skipif(
    not (WAREHOUSE.exists() and RAW_EVENTS.exists()),
    reason="real-sample warehouse not built (run make test-dbt)",
)


@pytest.fixture(scope="module")
def events():
    raw = pd.read_csv(RAW_EVENTS, dtype={"transactionid": "Int64"}).drop_duplicates()
    frame = pd.DataFrame(
        {
            "event_at": pd.to_datetime(raw["timestamp"], unit="ms"),
            "visitor_id": raw["visitorid"],
            "event_type": raw["event"],
            "item_id": raw["itemid"],
            "transaction_id": raw["transactionid"],
        }
    )
    frame["rank"] = frame["event_type"].map(RANK)
    frame = frame.sort_values(["visitor_id", "event_at", "rank", "item_id"], kind="stable")
    gap = frame.groupby("visitor_id")["event_at"].diff()
    frame["session_number"] = (gap.isna() | (gap > GAP)).groupby(frame["visitor_id"]).cumsum()
    return frame.reset_index(drop=True)


@pytest.fixture(scope="module")
def warehouse():
    connection = duckdb.connect(str(WAREHOUSE), read_only=True)
    yield connection
    connection.close()


def _mart(warehouse, name, order_by):
    return warehouse.sql(f"select * from marts.{name} order by {order_by}").df()


def _ntile5(values: pd.Series, ids: pd.Series, ascending: bool) -> pd.Series:
    """SQL ntile(5) over (order by value [desc], id): the first n % 5 tiles get one more."""
    order = pd.DataFrame({"v": values if ascending else -values, "id": ids}).sort_values(
        ["v", "id"]
    )
    n = len(order)
    size, extra = divmod(n, 5)
    bounds = np.cumsum([size + 1 if i < extra else size for i in range(5)])
    tiles = np.searchsorted(bounds, np.arange(n), side="right") + 1
    return pd.Series(tiles, index=order.index).reindex(values.index)


def test_sample_counts_match_the_data_readme(events, warehouse):
    assert len(events) == 9_382
    assert events["visitor_id"].nunique() == 5_000
    assert (events["event_type"] == "transaction").sum() == 46
    assert events["transaction_id"].nunique() == 40
    totals = warehouse.sql(
        "select count(*), sum(n_events), sum(n_transactions) from marts.sessions"
    ).fetchall()[0]
    assert totals[1:] == (9_382, 46)
    assert warehouse.sql("select count(*) from marts.visitor_segments").fetchall()[0][0] == 5_000


def test_sessions_match(events, warehouse):
    expected = (
        events.groupby(["visitor_id", "session_number"])
        .agg(
            started_at=("event_at", "min"),
            ended_at=("event_at", "max"),
            n_events=("event_at", "size"),
            n_transactions=("event_type", lambda s: int((s == "transaction").sum())),
            n_distinct_items=("item_id", "nunique"),
        )
        .reset_index()
    )
    actual = _mart(warehouse, "sessions", "visitor_id, session_number")
    assert len(actual) == len(expected)
    for column in ["visitor_id", "session_number", "n_events", "n_transactions"]:
        assert actual[column].tolist() == expected[column].tolist(), column
    assert actual["n_distinct_items"].tolist() == expected["n_distinct_items"].tolist()
    assert (actual["started_at"].to_numpy() == expected["started_at"].to_numpy()).all()
    assert (actual["ended_at"].to_numpy() == expected["ended_at"].to_numpy()).all()
    assert (actual["is_bounce"] == (actual["n_events"] == 1)).all()


def test_funnel_matches(events, warehouse):
    actual = _mart(warehouse, "funnel", "stage_order").set_index("stage")
    for stage in RANK:
        of_stage = events[events["event_type"] == stage]
        assert actual.loc[stage, "n_visitors"] == of_stage["visitor_id"].nunique()
        sessions = of_stage[["visitor_id", "session_number"]].drop_duplicates()
        assert actual.loc[stage, "n_sessions"] == len(sessions)
    n_visitors = actual["n_visitors"].to_numpy(dtype=float)
    assert np.allclose(actual["pct_of_first"], n_visitors / n_visitors[0])
    assert np.isnan(actual["pct_of_previous"].to_numpy(dtype=float)[0])
    assert np.allclose(actual["pct_of_previous"].to_numpy()[1:], n_visitors[1:] / n_visitors[:-1])


def test_visitor_segments_match(events, warehouse):
    per_visitor = events.groupby("visitor_id")["event_type"].agg(set)
    expected = per_visitor.map(
        lambda types: (
            "buyer"
            if "transaction" in types
            else ("cart_abandoner" if "addtocart" in types else "browser")
        )
    )
    actual = _mart(warehouse, "visitor_segments", "visitor_id").set_index("visitor_id")
    assert actual["segment"].sort_index().tolist() == expected.sort_index().tolist()


def test_customer_churn_matches(events, warehouse):
    as_of = events["event_at"].max()
    buyers = events.loc[events["event_type"] == "transaction", "visitor_id"].unique()
    last_seen = events[events["visitor_id"].isin(buyers)].groupby("visitor_id")["event_at"].max()
    days = (as_of - last_seen).dt.total_seconds() / 86_400
    actual = _mart(warehouse, "customer_churn", "visitor_id").set_index("visitor_id")
    assert actual.index.tolist() == sorted(buyers.tolist())
    assert np.allclose(actual["days_since_last_seen"], days.sort_index())
    assert actual["is_churned"].tolist() == (days.sort_index() > CHURN_DAYS).tolist()


def test_retention_cohorts_match(events, warehouse):
    as_of_week = events["event_at"].max().to_period("W-SUN").start_time
    week = events["event_at"].dt.to_period("W-SUN").dt.start_time
    active = pd.DataFrame({"visitor_id": events["visitor_id"], "week": week}).drop_duplicates()
    purchases = events["event_type"] == "transaction"
    cohorts = {
        "visitor": week.groupby(events["visitor_id"]).min(),
        "customer": week[purchases].groupby(events.loc[purchases, "visitor_id"]).min(),
    }
    actual = _mart(warehouse, "retention_cohorts", "cohort_type, cohort_week, week_number")
    for cohort_type, cohort_week in cohorts.items():
        members = active.merge(cohort_week.rename("cohort_week").reset_index(), on="visitor_id")
        members = members[members["week"] >= members["cohort_week"]]
        members["week_number"] = (members["week"] - members["cohort_week"]).dt.days // 7
        n_active = members.groupby(["cohort_week", "week_number"]).size()
        rows = actual[actual["cohort_type"] == cohort_type]
        expected_rows = sum((as_of_week - w).days // 7 + 1 for w in cohort_week.unique())
        assert len(rows) == expected_rows
        keys = list(zip(pd.to_datetime(rows["cohort_week"]), rows["week_number"], strict=True))
        expected = [n_active.get(key, 0) for key in keys]
        assert rows["n_active"].tolist() == expected
        sizes = cohort_week.value_counts()
        assert rows["cohort_size"].tolist() == [sizes[w] for w, _ in keys]


def test_customer_rfm_scores_match(events, warehouse):
    as_of = events["event_at"].max()
    purchases = events[events["event_type"] == "transaction"]
    per_customer = purchases.groupby("visitor_id").agg(
        last_purchase_at=("event_at", "max"), frequency=("transaction_id", "nunique")
    )
    per_customer["recency_days"] = (
        as_of - per_customer["last_purchase_at"]
    ).dt.total_seconds() / 86_400
    ids = pd.Series(per_customer.index, index=per_customer.index)
    r_score = _ntile5(per_customer["recency_days"], ids, ascending=False)
    f_score = _ntile5(per_customer["frequency"].astype(float), ids, ascending=True)
    actual = _mart(warehouse, "customer_rfm", "visitor_id").set_index("visitor_id")
    assert actual["frequency"].tolist() == per_customer["frequency"].tolist()
    assert actual["r_score"].tolist() == r_score.tolist()
    assert actual["f_score"].tolist() == f_score.tolist()
    assert actual["monetary"].isna().all()
    assert set(actual["value_tier"]) <= {"high", "mid", "low"}
