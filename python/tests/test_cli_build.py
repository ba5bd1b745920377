"""CLI tests for `rocketmart build` (atomic publish) and the error paths of the
warehouse-reading commands (export, recommend, metrics)."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from rocketmart import warehouse
from rocketmart.cli import app
from rocketmart.export import export_campaign
from rocketmart.generator import generate_dataset
from rocketmart.warehouse import WarehouseError

runner = CliRunner()


def _error_line(result) -> str:
    """The one line on stderr, which must start with "Error:" (no traceback)."""
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: "), lines[0]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return lines[0]


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("raw")
    generate_dataset(out, 2000, 3, with_properties=True, bad_rows=5)
    return out


@pytest.fixture(scope="module")
def built_db(raw_dir, tmp_path_factory):
    db = tmp_path_factory.mktemp("wh") / "it's wh.duckdb"  # a quote must just work
    result = runner.invoke(app, ["build", "--raw-dir", str(raw_dir), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "built" in result.output and "models" in result.output
    # not a terminal: plain progress lines ("[done/total] elapsed N models built ...")
    assert re.search(r"^\[\d+/\d+\] +[0-9.]+s \d+ models built", result.stdout, re.M)
    return db


def _clean_events(db) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from staging.stg_retailrocket__events").fetchone()[0]


def test_build_publishes_a_complete_warehouse(built_db):
    assert built_db.is_file()
    assert _clean_events(built_db) > 0
    leftovers = [p.name for p in built_db.parent.iterdir() if p.name != built_db.name]
    assert leftovers == [f".{built_db.name}.lock"]


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
    assert sorted(p.name for p in built_db.parent.iterdir()) == sorted(
        [built_db.name, f".{built_db.name}.lock"]
    )


def test_build_with_missing_raw_dir_is_one_line(tmp_path):
    result = runner.invoke(
        app, ["build", "--raw-dir", str(tmp_path / "nope"), "--db", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code == 1
    assert "raw directory" in _error_line(result) and "nope" in _error_line(result)
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


# -- field-proofing: bad --db values, lock, stale temporary files, publish ------------------


def _build(raw, db):
    return runner.invoke(app, ["build", "--raw-dir", str(raw), "--db", str(db)])


def test_build_refuses_a_db_that_is_a_raw_file_or_inside_the_raw_dir(raw_dir):
    events = raw_dir / "events.csv"
    before = events.read_bytes()
    for db in (events, raw_dir / "warehouse.duckdb", raw_dir / "sub" / "w.duckdb"):
        result = _build(raw_dir, db)
        assert result.exit_code == 1
        assert "inside the raw directory" in _error_line(result)
    assert events.read_bytes() == before
    assert not (raw_dir / "warehouse.duckdb").exists() and not (raw_dir / "sub").exists()


@pytest.mark.parametrize(
    ("make_db", "message"),
    [
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: Path("/proc/nonexist/x.duckdb"), "cannot create the directory /proc/nonexist"),
        (lambda tmp: tmp / "notes.txt", "is not a DuckDB database"),
    ],
)
def test_build_refuses_unusable_db_paths_with_one_line(raw_dir, tmp_path, make_db, message):
    (tmp_path / "notes.txt").write_text("my notes, not a warehouse\n")
    db = make_db(tmp_path)
    result = _build(raw_dir, db)
    assert result.exit_code == 1
    assert message in _error_line(result)
    assert (tmp_path / "notes.txt").read_text() == "my notes, not a warehouse\n"


def test_build_refuses_an_unwritable_directory(raw_dir, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    locked = tmp_path / "ro"
    locked.mkdir(mode=0o500)
    result = _build(raw_dir, locked / "w.duckdb")
    assert result.exit_code == 1
    assert "cannot write to the directory" in _error_line(result)


def test_a_second_concurrent_build_fails_fast(raw_dir, tmp_path):
    db = tmp_path / "w.duckdb"
    with open(tmp_path / ".w.duckdb.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a build in progress
        started = time.perf_counter()
        result = _build(raw_dir, db)
        elapsed = time.perf_counter() - started
    assert result.exit_code == 1
    assert "another build into" in _error_line(result)
    assert elapsed < 5
    assert not db.exists()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_stale_temp_files_of_dead_builds_are_removed_live_ones_kept(tmp_path):
    dead = _dead_pid()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = [
            f".rocketmart.building-{dead}",
            f".rocketmart.building-{dead}.wal",
            f".rocketmart.building-{dead}.tmp",
            f".w.duckdb.building-{dead}",  # the layout of earlier releases
            f".w.duckdb.building-{dead}.wal",
            f".rocketmart.building-{alive.pid}",
            f".rocketmart.building-{alive.pid}.wal",
            "w.duckdb",
            "w.duckdb.wal",
            "other.building-1",
        ]
        for name in names:
            if name.endswith(".tmp"):
                (tmp_path / name).mkdir()
            else:
                (tmp_path / name).write_bytes(b"x")
        removed = warehouse.remove_stale_temp_files(tmp_path)
        assert sorted(p.name for p in removed) == sorted(names[:5])
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[5:])
    finally:
        alive.kill()
        alive.wait()


def test_a_build_cleans_up_what_a_killed_build_left(raw_dir, tmp_path):
    dead = _dead_pid()
    stale = [
        tmp_path / f".rocketmart.building-{dead}",
        tmp_path / f".rocketmart.building-{dead}.wal",
    ]
    for path in stale:
        path.write_bytes(b"\0" * 1024)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "events.csv").write_text("wrong,header\n")
    (broken / "category_tree.csv").write_text("categoryid,parentid\n1,\n")
    result = _build(broken, tmp_path / "w.duckdb")  # fails at the header, after the clean-up
    assert result.exit_code == 1
    assert "Wrong header" in _error_line(result)
    assert not any(path.exists() for path in stale)


HOLD_READ_WRITE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("create table holder_table as select 1 as a")
print("ready", flush=True)
time.sleep(60)
"""


def test_publish_refuses_a_warehouse_open_read_write_elsewhere(tmp_path):
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_WRITE, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        files_before = sorted(p.name for p in tmp_path.iterdir())
        with pytest.raises(warehouse.WarehouseError, match="open read-write|write-ahead log"):
            warehouse._check_not_open_for_writing(db)
        assert sorted(p.name for p in tmp_path.iterdir()) == files_before
    finally:
        holder.kill()
        holder.wait()


def test_publish_allows_readers(tmp_path):
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    with duckdb.connect(str(db), read_only=True):
        warehouse._check_not_open_for_writing(db)


@pytest.mark.parametrize("limit", ["99999999999999999999", "-1", "0", "abc"])
def test_export_rejects_bad_limits_without_traceback(built_db, tmp_path, limit):
    out = tmp_path / "x.csv"
    args = ["export", "no-sales-items", "--output", str(out), "--db", str(built_db)]
    result = runner.invoke(app, [*args, "--limit", limit])
    assert result.exit_code == 2
    assert "--limit" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_export_library_rejects_limits_outside_int64(built_db, tmp_path):
    with pytest.raises(WarehouseError, match="--limit"):
        export_campaign("no-sales-items", tmp_path / "x.csv", db=built_db, limit=2**63)


@pytest.mark.parametrize(
    "args",
    [
        ["export", "no-sales-items", "--output", "x.csv"],
        ["recommend", "1"],
        ["metrics"],
    ],
)
def test_commands_on_a_directory_or_a_non_warehouse_fail_with_one_line(args, tmp_path):
    (tmp_path / "notes.duckdb").write_text("not a database\n")
    for db in (tmp_path, tmp_path / "notes.duckdb"):
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 1
        line = _error_line(result)
        assert "is a directory" in line or "cannot open warehouse" in line


def test_export_of_a_missing_mart_is_one_line(tmp_path):
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    result = runner.invoke(
        app, ["export", "no-sales-items", "--output", str(tmp_path / "x.csv"), "--db", str(db)]
    )
    assert result.exit_code == 1
    assert "has no marts.campaign_no_sales_items" in _error_line(result)


def test_progress_follows_dbt_json_events():
    progress = warehouse.BuildProgress()
    events = [
        {"info": {"name": "LogStartLine"}, "data": {"total": 3, "node_info": {"node_name": "a"}}},
        {
            "info": {"name": "LogModelResult"},
            "data": {"total": 3, "status": "success", "node_info": {"resource_type": "model"}},
        },
        {"info": {"name": "LogStartLine"}, "data": {"total": 3, "node_info": {"node_name": "b"}}},
        {
            "info": {"name": "LogModelResult"},
            "data": {"total": 3, "status": "error", "node_info": {"resource_type": "model"}},
        },
        {"info": {"name": "RunResultFailure"}, "data": {"node_name": "b"}},
        {
            "info": {"name": "RunResultError", "level": "error"},
            "data": {"msg": "Runtime Error in model b (models/b.sql)\n  Binder Error: no x\n"},
        },
    ]
    for event in events:
        warehouse._follow(event, progress)
    assert (progress.done, progress.total, progress.running) == (2, 3, "b")
    assert progress.failures == ["b: Binder Error: no x"]
    assert warehouse._failure_line(progress, 1) == "b: Binder Error: no x"
