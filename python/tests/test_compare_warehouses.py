"""rocketmart.compare on small hand-made warehouses."""

from __future__ import annotations

import duckdb
import pytest

from rocketmart.compare import compare_warehouses, main


def _warehouse(path, marts_sql: list[str], audit_sql: list[str] | None = None):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create schema audit")
    for statement in marts_sql + (audit_sql or []):
        con.execute(statement)
    con.close()
    return path


BASE = [
    "create table marts.scores (id bigint, label varchar, score double, seen_at timestamp)",
    "insert into marts.scores values (1, 'a', 0.5, '2024-01-01'), (2, null, null, null)",
]


def test_same_rows_in_another_order_and_float_noise_are_the_same(tmp_path):
    before = _warehouse(tmp_path / "a.duckdb", BASE, ["create table audit.checks (n bigint)"])
    after = _warehouse(
        tmp_path / "b.duckdb",
        [
            BASE[0],
            "insert into marts.scores values (2, null, null, null),"
            " (1, 'a', 0.5 + 1e-12, '2024-01-01')",
        ],
        ["create table audit.checks (n bigint)"],
    )
    results = compare_warehouses(before, after)
    assert [(r.schema, r.table, r.same) for r in results] == [
        ("marts", "scores", True),
        ("audit", "checks", True),
    ]
    assert main([str(before), str(after)]) == 0


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("update marts.scores set score = 0.5 + 1e-6 where id = 1", "column score: 1 rows differ"),
        ("update marts.scores set label = 'b' where id = 1", "column label: 1 rows differ"),
        ("update marts.scores set label = 'a' where id = 2", "column label: 1 rows differ"),
        ("delete from marts.scores where id = 2", "2 rows vs 1 rows"),
        ("alter table marts.scores drop column seen_at", "columns differ"),
        ("create table marts.extra (id bigint)", "only in the second warehouse"),
    ],
)
def test_differences_are_reported(tmp_path, change, problem, capsys):
    before = _warehouse(tmp_path / "a.duckdb", BASE)
    after = _warehouse(tmp_path / "b.duckdb", [*BASE, change])
    different = [r for r in compare_warehouses(before, after) if not r.same]
    assert len(different) == 1
    assert problem in different[0].problem
    assert main([str(before), str(after)]) == 1
    assert "DIFFERENT" in capsys.readouterr().out


def test_missing_warehouse_is_one_error_line(tmp_path, capsys):
    before = _warehouse(tmp_path / "a.duckdb", BASE)
    assert main([str(before), str(tmp_path / "missing.duckdb")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Error: no warehouse at")
