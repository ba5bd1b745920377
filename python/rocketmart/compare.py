"""Table-by-table comparison of two DuckDB warehouses (e.g. before/after a refactor, or a
DuckDB build against a Spark build).

Every table of the compared schemas (default ``marts`` and ``audit``) must exist in both
files with the same columns and types and the same rows: both sides are sorted by every
column and compared row by row, floating-point values within an absolute tolerance
(default 1e-9), NaN equal to NaN and null equal to null.

    python -m rocketmart.compare BEFORE.duckdb AFTER.duckdb [--schema marts --schema audit]

prints one line per table (``same`` or what differs) and exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

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
