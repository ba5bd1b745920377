"""Table-by-table comparison of two DuckDB warehouses (e.g. before/after a refactor, or a
DuckDB build against a Spark build).

Every table of the compared schemas (default ``marts`` and ``audit``) must exist in both
files with the same columns and types and the same rows: both sides are sorted by every
column and compared row by row, floating-point values within an absolute tolerance
(default 1e-9), NaN equal to NaN and null equal to null.

    python -m rocketmart.compare BEFORE.duckdb AFTER.duckdb [--schema marts --schema audit]

prints one line per table (``same`` or what differs) and exits 1 when anything differs.

Two levels:

- ``compare_warehouses`` (and ``python -m rocketmart.compare``): two DuckDB files, every
  table of the compared schemas, sorted and compared column-wise in bulk (fast enough for
  full-scale marts).
- ``compare_frames``: two pandas frames from any engine (DuckDB, Spark): same columns in
  the same order, same row count, and, after sorting both by every column, the same
  values — floats within a tolerance, nulls equal to nulls (NaN counts as null, as DuckDB
  and Spark write it), timestamps compared without their zone (both engines store UTC),
  lists element by element. Types are not compared: an ``integer`` and a ``bigint`` of
  the same value are equal; a float never equals a string. Used by the Spark comparison.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

DEFAULT_SCHEMAS = ("marts", "audit")
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}


@dataclass(frozen=True)
class TableResult:
    """The comparison of one table: ``problem`` is None when both sides are the same."""

    schema: str
    table: str
    n_rows: int | None
    problem: str | None

    @property
    def same(self) -> bool:
        return self.problem is None

    def line(self) -> str:
        status = "same" if self.same else f"DIFFERENT: {self.problem}"
        rows = "" if self.n_rows is None else f" ({self.n_rows} rows)"
        return f"{self.schema}.{self.table}{rows}: {status}"


def _tables(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str
) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        """
        select table_name, column_name, data_type
        from information_schema.columns
        where table_catalog = ? and table_schema = ?
        order by table_name, ordinal_position
        """,
        [catalog, schema],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def _sorted_rows(
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    schema: str,
    table: str,
    columns: list[tuple[str, str]],
) -> pd.DataFrame:
    # floats are sorted on a rounded value, so last-bit noise cannot reorder the rows
    order = ", ".join(
        f'round("{name}", 6)' if data_type in FLOAT_TYPES else f'"{name}"'
        for name, data_type in columns
    )
    return con.execute(
        f'select * from "{catalog}"."{schema}"."{table}" order by {order} nulls last'
    ).df()


def _column_problem(
    name: str, left: pd.Series, right: pd.Series, is_float: bool, tolerance: float
) -> str | None:
    left_null, right_null = left.isna().to_numpy(), right.isna().to_numpy()
    if is_float:
        a = left.to_numpy(dtype=np.float64, na_value=np.nan)
        b = right.to_numpy(dtype=np.float64, na_value=np.nan)
        differs = ~((np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= tolerance))
    else:
        # as text: one rule for every type (lists, structs, timestamps); nulls compared apart
        a = np.where(left_null, "", left.astype(str).to_numpy())
        b = np.where(right_null, "", right.astype(str).to_numpy())
        differs = (a != b) | (left_null != right_null)
    n_differ = int(np.count_nonzero(differs))
    if n_differ == 0:
        return None
    first = int(np.flatnonzero(differs)[0])
    example = f"{left.iloc[first]!r} vs {right.iloc[first]!r}"
    return f"column {name}: {n_differ} rows differ (first: {example})"


def compare_table(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    left_columns: list[tuple[str, str]],
    right_columns: list[tuple[str, str]],
    tolerance: float = 1e-9,
) -> TableResult:
    """Compare one table present in both attached warehouses (catalogs ``before``/``after``)."""
    if left_columns != right_columns:
        return TableResult(
            schema, table, None, f"columns differ: {left_columns} vs {right_columns}"
        )
    left = _sorted_rows(con, "before", schema, table, left_columns)
    right = _sorted_rows(con, "after", schema, table, right_columns)
    if len(left) != len(right):
        return TableResult(schema, table, None, f"{len(left)} rows vs {len(right)} rows")
    for name, data_type in left_columns:
        problem = _column_problem(
            name, left[name], right[name], data_type in FLOAT_TYPES, tolerance
        )
        if problem:
            return TableResult(schema, table, len(left), problem)
    return TableResult(schema, table, len(left), None)


def compare_warehouses(
    before: Path, after: Path, schemas: tuple[str, ...] = DEFAULT_SCHEMAS, tolerance: float = 1e-9
) -> list[TableResult]:
    """Compare every table of ``schemas`` in two DuckDB files, one result per table name."""
    for path in (before, after):
        if not Path(path).is_file():
            raise FileNotFoundError(f"no warehouse at {path}")
    con = duckdb.connect()
    con.execute("attach ? as before (read_only)", [str(before)])
    con.execute("attach ? as after (read_only)", [str(after)])
    results = []
    for schema in schemas:
        left_tables = _tables(con, "before", schema)
        right_tables = _tables(con, "after", schema)
        for table in sorted(left_tables.keys() | right_tables.keys()):
            if table not in right_tables:
                results.append(TableResult(schema, table, None, "only in the first warehouse"))
            elif table not in left_tables:
                results.append(TableResult(schema, table, None, "only in the second warehouse"))
            else:
                results.append(
                    compare_table(
                        con, schema, table, left_tables[table], right_tables[table], tolerance
                    )
                )
    con.close()
    return results


FLOAT_TOLERANCE = 1e-9
# differences listed per table before "... and N more"
MAX_REPORTED = 5


def _normalise_value(value: Any) -> Any:
    """A plain Python value: None for null/NaN/NaT, tuples for lists, naive UTC
    datetimes for timestamps, ints for integral numpy scalars."""
    if value is None:
        return None
    if isinstance(value, list | tuple | np.ndarray):
        return tuple(_normalise_value(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _normalise_value(v)) for k, v in value.items()))
    if value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC").tz_localize(None)
        return value.to_pydatetime()
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return pd.Timestamp(value).tz_convert("UTC").tz_localize(None).to_pydatetime()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _sort_key(value: Any, float_digits: int) -> tuple:
    """A total order over normalised values: nulls first, then by kind, floats rounded so
    that values within the tolerance sort together."""
    if value is None:
        return (0,)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, round(float(value), float_digits))
    if isinstance(value, tuple):
        return (3, tuple(_sort_key(v, float_digits) for v in value))
    return (4, str(type(value).__name__), str(value))


def normalised_rows(frame: pd.DataFrame, float_digits: int = 6) -> list[tuple]:
    """The rows of `frame` as tuples of normalised values, sorted by every column."""
    columns = [frame[c].tolist() for c in frame.columns]
    rows = [tuple(_normalise_value(v) for v in row) for row in zip(*columns, strict=True)]
    if not columns:
        rows = [() for _ in range(len(frame))]
    return sorted(rows, key=lambda row: tuple(_sort_key(v, float_digits) for v in row))


def values_equal(left: Any, right: Any, tolerance: float = FLOAT_TOLERANCE) -> bool:
    """Equality of two normalised values; floats within `tolerance`, absolute below 1 and
    relative above (so a 1e9 second count may differ in its last representable bit)."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, tuple) or isinstance(right, tuple):
        return (
            isinstance(left, tuple)
            and isinstance(right, tuple)
            and len(left) == len(right)
            and all(values_equal(a, b, tolerance) for a, b in zip(left, right, strict=True))
        )
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        if isinstance(left, int) and isinstance(right, int):
            return left == right
        return abs(left - right) <= tolerance * max(1.0, abs(left), abs(right))
    return left == right


def compare_frames(
    left: pd.DataFrame,
    right: pd.DataFrame,
    tolerance: float = FLOAT_TOLERANCE,
    names: Sequence[str] = ("left", "right"),
) -> list[str]:
    """The differences between two frames (see the module docstring); [] when equal."""
    left_name, right_name = names
    if list(left.columns) != list(right.columns):
        only_left = [c for c in left.columns if c not in right.columns]
        only_right = [c for c in right.columns if c not in left.columns]
        if only_left or only_right:
            return [
                f"columns differ: only in {left_name} {only_left}, only in {right_name} "
                f"{only_right}"
            ]
        return [
            f"column order differs: {left_name} {list(left.columns)}, "
            f"{right_name} {list(right.columns)}"
        ]
    if len(left) != len(right):
        return [f"row counts differ: {left_name} {len(left)}, {right_name} {len(right)}"]
    differences: list[str] = []
    left_rows = normalised_rows(left)
    right_rows = normalised_rows(right)
    n_different = 0
    for index, (a, b) in enumerate(zip(left_rows, right_rows, strict=True)):
        columns = [
            column
            for column, x, y in zip(left.columns, a, b, strict=True)
            if not values_equal(x, y, tolerance)
        ]
        if columns:
            n_different += 1
            if len(differences) < MAX_REPORTED:
                detail = ", ".join(
                    f"{c}: {a[list(left.columns).index(c)]!r} != {b[list(left.columns).index(c)]!r}"
                    for c in columns[:3]
                )
                differences.append(f"sorted row {index}: {detail}")
    if n_different > MAX_REPORTED:
        differences.append(f"... and {n_different - MAX_REPORTED} more rows differ")
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument(
        "--schema", action="append", dest="schemas", help="default: marts and audit"
    )
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args(argv)
    try:
        results = compare_warehouses(
            args.before, args.after, tuple(args.schemas or DEFAULT_SCHEMAS), args.tolerance
        )
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    for result in results:
        print(result.line())
    n_different = sum(not result.same for result in results)
    print(f"{len(results) - n_different} of {len(results)} tables the same")
    return 1 if n_different else 0


if __name__ == "__main__":
    sys.exit(main())
