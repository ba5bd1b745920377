"""Check that the pandas baseline and the engine floor give the same numbers as the marts.

The marts compared are the ones SPEC §4/§5 define; a mart that does not exist (yet) is
skipped with a note. Rows are matched on the mart's key; every shared measure must be
equal (floats to 1e-9 relative).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Check:
    metric: str  # core-metric name used by the timings
    mart: str  # table in the marts schema
    keys: tuple[str, ...]
    values: tuple[str, ...]


CHECKS = (
    Check(
        "sessions",
        "sessions",
        ("visitor_id", "session_number"),
        ("n_events", "n_views", "n_addtocarts", "n_transactions", "n_distinct_items"),
    ),
    Check("funnel", "funnel", ("stage",), ("n_visitors", "n_sessions")),
    Check(
        "item_conversion",
        "item_conversion",
        ("item_id",),
        (
            "n_views",
            "n_addtocarts",
            "n_transactions",
            "n_visitors",
            "n_carters",
            "n_buyers",
            "category_id",
        ),
    ),
    Check("bought_together", "bought_together", ("item_a", "item_b"), ("n_baskets", "lift")),
    Check("churn", "customer_churn", ("visitor_id",), ("is_churned", "n_orders")),
)


def mart_tables(db_path: Path) -> set[str]:
    if not db_path.exists():
        return set()
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    return {row[0] for row in rows}


def read_table(db_path: Path, schema: str | None, table: str, columns: list[str]) -> pd.DataFrame:
    name = f"{schema}.{table}" if schema else table
    cols = ", ".join(columns)
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(f"select {cols} from {name}").df()


def _as_float(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series.astype("object").where(series.notna(), np.nan)).to_numpy(
        dtype="float64", na_value=np.nan
    )


def compare_frames(left: pd.DataFrame, right: pd.DataFrame, check: Check, values) -> dict:
    keys = list(check.keys)
    left = left[keys + values].copy()
    right = right[keys + values].copy()
    for frame in (left, right):
        for key in keys:
            if pd.api.types.is_numeric_dtype(frame[key]):
                frame[key] = frame[key].astype("int64")
            else:
                frame[key] = frame[key].astype(str)
    merged = left.merge(right, on=keys, how="outer", suffixes=("_l", "_r"), indicator=True)
    only_left = int((merged["_merge"] == "left_only").sum())
    only_right = int((merged["_merge"] == "right_only").sum())
    both = merged[merged["_merge"] == "both"]
    mismatches = {}
    for column in values:
        a, b = _as_float(both[f"{column}_l"]), _as_float(both[f"{column}_r"])
        equal = np.isclose(a, b, rtol=1e-9, atol=0.0, equal_nan=True)
        if (~equal).any():
            mismatches[column] = int((~equal).sum())
    ok = only_left == 0 and only_right == 0 and not mismatches
    return {
        "status": "equal" if ok else "differs",
        "rows": len(right),
        "only_baseline": only_left,
        "only_mart": only_right,
        "mismatched": mismatches,
        "columns": values,
    }


def check_all(
    warehouse: Path, pandas_frames: dict[str, pd.DataFrame], floor_db: Path | None
) -> dict:
    present = mart_tables(warehouse)
    results = {}
    for check in CHECKS:
        if check.mart not in present:
            results[check.metric] = {
                "mart": check.mart,
                "pandas": {"status": "skipped", "note": f"marts.{check.mart} not built (yet)"},
                "floor": {"status": "skipped", "note": f"marts.{check.mart} not built (yet)"},
            }
            continue
        with duckdb.connect(str(warehouse), read_only=True) as con:
            mart_columns = set(
                con.execute(f"select * from marts.{check.mart} limit 0").df().columns
            )
        frame = pandas_frames[check.mart]
        values = [v for v in check.values if v in mart_columns and v in frame.columns]
        mart = read_table(warehouse, "marts", check.mart, list(check.keys) + values)
        entry = {"mart": check.mart, "pandas": compare_frames(frame, mart, check, values)}
        if floor_db is not None:
            floor = read_table(floor_db, None, check.mart, list(check.keys) + values)
            entry["floor"] = compare_frames(floor, mart, check, values)
        results[check.metric] = entry
    return results
