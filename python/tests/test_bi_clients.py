"""BI clients open the published warehouse (SPEC §2 warehouse format, §9).

- An older DuckDB (1.1.3, as bundled by BI tools) reads every mart and audit table of the
  generated test warehouse and of a warehouse that `rocketmart build` published over a file
  in the newest storage format, with the same row counts as the current DuckDB. The old
  DuckDB lives in a throwaway venv cached under build/ (skipped only when the package
  registry cannot be reached).
- SQLAlchemy + duckdb-engine (how Superset and most Python BI tools connect) reflects every
  mart's columns and still queries on the same connection afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from rocketmart.cli import app
from rocketmart.generator import generate_dataset

TEST_DIR = Path(os.environ.get("ROCKETMART_TEST_DIR", "build/test"))
WAREHOUSE = TEST_DIR / "generated.duckdb"
OLD_DUCKDB = "1.1.3"
OLD_VENV = Path(__file__).resolve().parents[2] / "build" / "bi-venv" / f"duckdb-{OLD_DUCKDB}"
SCHEMAS = ("marts", "audit")
# pip's words for "the registry cannot be reached" (skip); any other failure fails the test
OFFLINE_MARKERS = (
    "Could not find a version",
    "No matching distribution",
    "Temporary failure in name resolution",
    "Max retries exceeded",
    "Connection refused",
    "Network is unreachable",
)

COUNT_SCRIPT = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute(
    "select table_schema, table_name from information_schema.tables "
    "where table_schema in ('marts', 'audit') and table_type = 'BASE TABLE' order by all"
).fetchall()
counts = {
    f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]
    for s, t in tables
}
print(json.dumps({"version": duckdb.__version__, "counts": counts}))
"""


@pytest.fixture(scope="module")
def old_python() -> Path:
    """python of a venv with duckdb==1.1.3, created once and cached under build/."""
    python = OLD_VENV / "bin" / "python"
    check = [str(python), "-c", "import duckdb; print(duckdb.__version__)"]
    if python.exists():
        done = subprocess.run(check, capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.strip() == OLD_DUCKDB:
            return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(OLD_VENV)], check=True)
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", f"duckdb=={OLD_DUCKDB}"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if install.returncode != 0:
        if any(marker in install.stderr for marker in OFFLINE_MARKERS):
            pytest.skip(f"package registry unreachable, cannot install duckdb=={OLD_DUCKDB}")
        raise AssertionError(f"pip install duckdb=={OLD_DUCKDB} failed:\n{install.stderr}")
    return python


def _counts(python: Path | str, db: Path) -> subprocess.CompletedProcess:
    """Row count of every marts/audit table, read by the DuckDB of `python`."""
    return subprocess.run(
        [str(python), "-c", COUNT_SCRIPT, str(db)], capture_output=True, text=True
    )


def _assert_old_reads_everything(old_python: Path, db: Path) -> None:
    old, current = _counts(old_python, db), _counts(sys.executable, db)
    assert old.returncode == 0, old.stderr.strip().splitlines()[-1:]
    assert current.returncode == 0, current.stderr
    old, current = json.loads(old.stdout), json.loads(current.stdout)
    assert old["version"] == OLD_DUCKDB and current["version"] == duckdb.__version__
    assert any(name.startswith("marts.") for name in current["counts"])
    assert old["counts"] == current["counts"]


@pytest.mark.skipif(not WAREHOUSE.exists(), reason="generated warehouse not built")
def test_old_duckdb_reads_every_mart_of_the_test_warehouse(old_python):
    _assert_old_reads_everything(old_python, WAREHOUSE)


def test_build_over_a_newer_format_file_publishes_the_old_format(old_python, tmp_path):
    raw = tmp_path / "raw"
    generate_dataset(raw, 1500, 11, with_properties=True)
    db = tmp_path / "rocketmart.duckdb"
    # a warehouse as a release without the setting wrote it: the newest storage format
    with duckdb.connect(str(db), config={"storage_compatibility_version": "latest"}) as con:
        con.execute("create table newer_format_marker as select 1 as x")
    refused = _counts(old_python, db)
    assert refused.returncode != 0, "the old DuckDB should not read the newest format"

    result = CliRunner().invoke(app, ["build", "--raw-dir", str(raw), "--db", str(db)])
    assert result.exit_code == 0, result.output

    _assert_old_reads_everything(old_python, db)
    with duckdb.connect(str(db), read_only=True) as con:
        tags = con.execute(
            "select tags['storage_version'] from duckdb_databases() "
            "where database_name = current_database()"
        ).fetchone()[0]
        assert (
            con.execute(
                "select count(*) from information_schema.tables "
                "where table_name = 'newer_format_marker'"
            ).fetchone()[0]
            == 0
        ), "the build must start from an empty file"
    assert tags == "v1.0.0+"


@pytest.mark.skipif(not WAREHOUSE.exists(), reason="generated warehouse not built")
@pytest.mark.filterwarnings("ignore:Did not recognize type")
def test_sqlalchemy_reflects_every_mart():
    sqlalchemy = pytest.importorskip("sqlalchemy")
    pytest.importorskip("duckdb_engine")
    # 2.1 breaks duckdb-engine's get_columns (pg_catalog.pg_collation); pinned <2.1
    assert tuple(int(p) for p in sqlalchemy.__version__.split(".")[:2]) < (2, 1)

    with duckdb.connect(str(WAREHOUSE), read_only=True) as con:
        expected = {
            (s, t): [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [s, t],
                ).fetchall()
            ]
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('marts', 'audit') and table_type = 'BASE TABLE' "
                "order by all"
            ).fetchall()
        }

    engine = sqlalchemy.create_engine(
        f"duckdb:///{WAREHOUSE.resolve()}", connect_args={"read_only": True}
    )
    try:
        with engine.connect() as connection:
            inspector = sqlalchemy.inspect(connection)
            reflected = {
                (schema, table): [c["name"] for c in inspector.get_columns(table, schema=schema)]
                for schema in SCHEMAS
                for table in inspector.get_table_names(schema=schema)
            }
            # the same connection still answers (SQLAlchemy 2.1 leaves it broken)
            n_visitors = connection.execute(
                sqlalchemy.text("select n_visitors from marts.funnel where stage = :stage"),
                {"stage": "view"},
            ).scalar_one()
        assert reflected == expected
        assert n_visitors > 0
    finally:
        engine.dispose()
