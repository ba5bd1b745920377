"""Exports read back with DuckDB and compared with the campaign marts; look-up commands.

Uses the warehouse `make test-dbt` builds from generated data
(ROCKETMART_TEST_DIR/generated.duckdb)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from rocketmart import cli
from rocketmart.cli import app
from rocketmart.export import CAMPAIGNS, Campaign

runner = CliRunner()
TEST_DIR = Path(os.environ.get("ROCKETMART_TEST_DIR", "build/test"))
GENERATED_DB = TEST_DIR / "generated.duckdb"

pytestmark = pytest.mark.skipif(
    not GENERATED_DB.is_file(),
    reason=f"{GENERATED_DB} not built: run `make test-dbt` first (make test does)",
)


def _mart(campaign: Campaign, where: str = "true"):
    schema, table = CAMPAIGNS[campaign]
    with duckdb.connect(str(GENERATED_DB), read_only=True) as con:
        return con.execute(f"select * from {schema}.{table} where {where} order by rank").df()


def _read(path: Path, fmt: str):
    reader = {"csv": "read_csv_auto", "parquet": "read_parquet", "json": "read_json_auto"}[fmt]
    return duckdb.sql(f"select * from {reader}('{path}')").df()


@pytest.mark.parametrize("campaign", list(Campaign))
@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_export_round_trips_the_mart_without_control_rows(campaign, fmt, tmp_path):
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(
        app,
        ["export", campaign.value, "-f", fmt, "-o", str(out), "--db", str(GENERATED_DB)],
    )
    assert result.exit_code == 0, result.output
    exported = _read(out, fmt)
    expected = _mart(campaign, "not is_control")
    assert len(expected) > 0, f"{campaign.value} is empty on generated data"
    assert len(exported) == len(expected)
    assert not exported["is_control"].any()
    key = expected.columns[0]
    assert exported[key].tolist() == expected[key].tolist()
    assert exported["rank"].tolist() == expected["rank"].tolist()


def test_export_limit_and_include_control(tmp_path):
    out = tmp_path / "top.csv"
    args = ["export", "browse-abandoners", "--output", str(out), "--db", str(GENERATED_DB)]
    result = runner.invoke(app, [*args, "--limit", "25", "--include-control"])
    assert result.exit_code == 0, result.output
    exported = _read(out, "csv")
    expected = _mart(Campaign.browse_abandoners).head(25)
    assert exported["visitor_id"].tolist() == expected["visitor_id"].tolist()


def test_control_group_is_a_deterministic_hash_holdout():
    frame = _mart(Campaign.browse_abandoners)
    share = frame["is_control"].mean()
    assert 0.07 <= share <= 0.13, share
    # recompute the hold-out independently: md5('<campaign>:<id>'), first 8 hex digits
    expected = [
        int(hashlib.md5(f"browse-abandoners:{v}".encode()).hexdigest()[:8], 16) % 10000 < 1000
        for v in frame["visitor_id"]
    ]
    assert frame["is_control"].tolist() == expected


def test_export_to_missing_directory_is_one_line(tmp_path):
    out = tmp_path / "no" / "such" / "dir" / "x.csv"
    result = runner.invoke(
        app, ["export", "no-sales-items", "--output", str(out), "--db", str(GENERATED_DB)]
    )
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: output directory")


def test_recommend_visitor_and_item():
    with duckdb.connect(str(GENERATED_DB), read_only=True) as con:
        visitor = con.execute(
            "select visitor_id from marts.visitor_recommendations order by visitor_id limit 1"
        ).fetchone()[0]
        item = con.execute(
            "select item_id from marts.item_similarity order by item_id limit 1"
        ).fetchone()[0]
    result = runner.invoke(app, ["recommend", str(visitor), "--db", str(GENERATED_DB)])
    assert result.exit_code == 0, result.output
    assert f"visitor {visitor}" in result.output
    result = runner.invoke(app, ["recommend", "--item", str(item), "--db", str(GENERATED_DB)])
    assert result.exit_code == 0, result.output
    assert f"item {item}" in result.output


def test_recommend_unknown_visitor_is_one_line():
    result = runner.invoke(app, ["recommend", "999999999", "--db", str(GENERATED_DB)])
    assert result.exit_code == 1
    assert "no recommendations for visitor 999999999" in result.output


def test_recommend_rejects_non_numeric_visitor():
    result = runner.invoke(app, ["recommend", "1 or 1=1", "--db", str(GENERATED_DB)])
    assert result.exit_code == 2


def test_metrics_prints_both_tables():
    width = cli.console.width
    cli.console.width = 200  # a wide terminal, so cells are not folded
    try:
        result = runner.invoke(app, ["metrics", "--db", str(GENERATED_DB)])
    finally:
        cli.console.width = width
    assert result.exit_code == 0, result.output
    assert "visitor_purchase_propensity" in result.output
    assert "hybrid" in result.output


def test_metrics_stay_readable_at_80_columns():
    width = cli.console.width
    cli.console.width = 80
    try:
        result = runner.invoke(app, ["metrics", "--db", str(GENERATED_DB)])
    finally:
        cli.console.width = width
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    # one metric per row, model and baseline side by side: no value is folded
    assert any(line.startswith("│ auc ") for line in lines)
    assert any("item_similarity" in line for line in lines)
