"""CLI tests for `rocketmart build` (atomic publish) and the error paths of the
warehouse-reading commands (export, recommend, metrics)."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from rocketmart.cli import app
from rocketmart.generator import generate_dataset

runner = CliRunner()


def _error_line(result) -> str:
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("raw")
    generate_dataset(out, 2000, 3, with_properties=True, bad_rows=5)
    return out


@pytest.fixture(scope="module")
def built_db(raw_dir, tmp_path_factory):
    db = tmp_path_factory.mktemp("wh") / "rocketmart.duckdb"
    result = runner.invoke(app, ["build", "--raw-dir", str(raw_dir), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "built" in result.output and "models" in result.output
    return db


def _clean_events(db) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from staging.stg_retailrocket__events").fetchone()[0]


def test_build_publishes_a_complete_warehouse(built_db):
    assert built_db.is_file()
    assert _clean_events(built_db) > 0
    leftovers = [p.name for p in built_db.parent.iterdir() if p.name != built_db.name]
    assert leftovers == []


def test_failed_build_leaves_previous_warehouse_untouched(built_db, raw_dir, tmp_path):
    before = _clean_events(built_db)
    broken = tmp_path / "broken"
    shutil.copytree(raw_dir, broken)
    events = broken / "events.csv"
    lines = events.read_text().splitlines()
    events.write_text("\n".join(["ts,visitor,event,item,tx", *lines[1:]]) + "\n")

    result = runner.invoke(app, ["build", "--raw-dir", str(broken), "--db", str(built_db)])

    assert result.exit_code == 1
    line = _error_line(result)
    assert "warehouse unchanged" in line and "events.csv" in line
    assert "timestamp,visitorid,event,itemid,transactionid" in line
    assert _clean_events(built_db) == before
    assert sorted(p.name for p in built_db.parent.iterdir()) == [built_db.name]


def test_build_with_missing_raw_dir_is_one_line(tmp_path):
    result = runner.invoke(
        app, ["build", "--raw-dir", str(tmp_path / "nope"), "--db", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code == 1
    assert "missing raw file" in _error_line(result)
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["export", "no-sales-items", "--output", "x.csv"],
        ["recommend", "1"],
        ["recommend", "--item", "1"],
        ["metrics"],
    ],
)
def test_commands_without_warehouse_fail_with_one_line(args, tmp_path):
    result = runner.invoke(app, [*args, "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 1
    assert "no warehouse at" in _error_line(result)


def test_export_rejects_unknown_campaign(tmp_path):
    result = runner.invoke(app, ["export", "all-visitors", "--output", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "all-visitors" in result.output


def test_export_rejects_injection_style_campaign(tmp_path, built_db):
    evil = "no-sales-items; drop table marts.sessions; --"
    result = runner.invoke(
        app, ["export", evil, "--output", str(tmp_path / "x.csv"), "--db", str(built_db)]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "x.csv").exists()


def test_export_rejects_bad_format(tmp_path):
    result = runner.invoke(
        app, ["export", "no-sales-items", "--output", str(tmp_path / "x"), "--format", "xlsx"]
    )
    assert result.exit_code == 2


def test_recommend_needs_exactly_one_target(tmp_path):
    result = runner.invoke(app, ["recommend", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1
    assert "VISITOR_ID or --item" in _error_line(result)


def test_rebuilding_the_same_input_gives_identical_marts(built_db, raw_dir, tmp_path):
    """Determinism: as-of from the data, fixed seeds, rounded parallel float sums."""
    second = tmp_path / "again.duckdb"
    result = runner.invoke(app, ["build", "--raw-dir", str(raw_dir), "--db", str(second)])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(built_db), read_only=True) as con:
        con.execute(f"attach '{second}' as again (read_only)")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema in ('marts', 'audit') "
            "and table_type = 'BASE TABLE' order by all"
        ).fetchall()
        assert len(tables) >= 20
        for schema, table in tables:
            left, right = f"{schema}.{table}", f"again.{schema}.{table}"
            diff = con.execute(
                f"select count(*) from ((select * from {left} except all select * from {right})"
                f" union all (select * from {right} except all select * from {left}))"
            ).fetchone()[0]
            assert diff == 0, f"{schema}.{table} differs between two builds ({diff} rows)"
