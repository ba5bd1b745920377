"""Build DuckDB-built test warehouses again on Spark and compare every table on both.

    python -m rocketmart.spark_compare WAREHOUSE.duckdb=RAW_DIR [more ...]

For each DuckDB warehouse (built by `dbt build` from RAW_DIR): the whole project is built
on Spark from the same raw files by `spark_runner.build` (Python line readers, staging,
audit, every model), and every table of the staging, intermediate, marts and audit
schemas is compared row by row with `compare.compare_frames` (floats within 1e-9); a
table missing on either engine is a failure. Exits non-zero when a table differs or the
Spark build fails. One process, one SparkSession, for all warehouses (the JVM starts
once).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from rocketmart import spark_runner
from rocketmart.compare import compare_frames

SCHEMAS = ("staging", "intermediate", "marts", "audit")


def duckdb_tables(db_path: Path, schemas: tuple[str, ...] = SCHEMAS) -> list[str]:
    """schema.table of every base table of the given schemas, sorted."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in (select unnest(?)) order by 1, 2",
            [list(schemas)],
        ).fetchall()
    return [f"{schema}.{table}" for schema, table in rows]


def spark_tables(spark: Any, schemas: tuple[str, ...] = SCHEMAS) -> list[str]:
    existing = {row[0] for row in spark.sql("show schemas").collect()}
    names = []
    for schema in schemas:
        if schema in existing:
            # tables only: DuckDB's side (duckdb_tables) has no views either
            names += [
                f"{schema}.{table.name}"
                for table in spark.catalog.listTables(dbName=schema)
                if not table.isTemporary and table.tableType != "VIEW"
            ]
    return sorted(names)


def spark_frame(spark: Any, name: str):
    return spark_runner.arrow_to_plain(spark.table(name).toArrow()).to_pandas()


def compare_warehouse(spark: Any, db_path: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Differences per table present on both engines, and the tables only one engine has."""
    on_spark = set(spark_tables(spark))
    differences: dict[str, list[str]] = {}
    missing: list[str] = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        for name in duckdb_tables(db_path):
            if name not in on_spark:
                missing.append(name)
                continue
            left = con.sql(f"select * from {name}").to_arrow_table()
            differences[name] = compare_frames(
                left.to_pandas(), spark_frame(spark, name), names=("duckdb", "spark")
            )
    missing += sorted(on_spark - set(differences) - set(missing))
    return differences, missing


def warehouse_and_raw_dir(text: str) -> tuple[Path, Path]:
    """`WAREHOUSE.duckdb=RAW_DIR` as two paths."""
    db, sep, raw = text.partition("=")
    if not sep or not db or not raw:
        raise argparse.ArgumentTypeError(f"expected WAREHOUSE.duckdb=RAW_DIR, got {text!r}")
    return Path(db), Path(raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "warehouses",
        nargs="+",
        type=warehouse_and_raw_dir,
        metavar="WAREHOUSE.duckdb=RAW_DIR",
        help="a DuckDB warehouse and the raw directory it was built from",
    )
    parser.add_argument("--project-dir", type=Path, default=Path.cwd())
    parser.add_argument(
        "--data-tests",
        choices=("all", "first", "none"),
        default="none",
        help="run the dbt data tests on Spark for every warehouse, the first one or none "
        "(default: none; the DuckDB build runs them and the comparison proves the tables "
        "equal). Unit tests run on the first warehouse.",
    )
    parser.add_argument(
        "--unit-tests",
        choices=("first", "none"),
        default="first",
        help="run the dbt unit tests on Spark for the first warehouse (default) or not",
    )
    args = parser.parse_args(argv)
    project = args.project_dir.resolve()
    status = 0
    for index, (db_path, raw_dir) in enumerate(args.warehouses):
        started = time.perf_counter()
        print(f"== {db_path}: Spark build from {raw_dir}", flush=True)
        # read by the base models' raw_dir config when dbt parses
        os.environ["ROCKETMART_RAW_DIR"] = str(raw_dir.resolve())
        try:
            summary = spark_runner.build(
                project,
                project,
                data_tests=args.data_tests == "all" or (args.data_tests == "first" and index == 0),
                unit_tests=args.unit_tests == "first" and index == 0,
            )
        except spark_runner.SparkBuildError as exc:
            print(f"Error: Spark build of {db_path} failed: {exc}", file=sys.stderr)
            status = 1
            continue
        print(summary.describe(), flush=True)
        spark = spark_runner.active_session()
        differences, missing = compare_warehouse(spark, db_path)
        for name, found in sorted(differences.items()):
            print(f"  {'EQUAL' if not found else 'DIFFERENT':9} {name}")
            for line in found:
                print(f"      {line}")
            if found:
                status = 1
        print(
            f"  {len(differences)} tables compared, "
            f"{sum(1 for f in differences.values() if not f)} equal; "
            f"on one engine only: {', '.join(missing) or 'none'}"
        )
        if missing:
            status = 1
        print(f"== {db_path}: {time.perf_counter() - started:.1f}s", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
