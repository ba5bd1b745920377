"""`rocketmart readout` on small hand-made warehouses: the printed readout, the
--campaign filter and the one-line errors (missing warehouse or mart, unknown campaign)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from rocketmart import cli
from rocketmart.cli import app
from rocketmart.readout import campaign_readout_stats

runner = CliRunner()

CAMPAIGNS = ["browse-abandoners", "churned-customers", "no-sales-items"]


@pytest.fixture
def warehouse(tmp_path):
    """A warehouse whose marts.campaign_readout holds three hand-made rows: 56 of 70
    targets vs 48 of 80 controls (lift 0.2, Newcombe interval [0.0524, 0.3339], published
    by Newcombe 1998), 0 of 10 vs 0 of 10, and targets without a control group."""
    counts = pd.DataFrame(
        {
            "campaign": CAMPAIGNS,
            "readout_cutoff_at": dt.datetime(2015, 9, 3, 22, 30),
            "readout_days": 14,
            "n_target": [70, 10, 100],
            "n_target_converted": [56, 0, 3],
            "n_control": [80, 10, 0],
            "n_control_converted": [48, 0, 0],
        }
    )
    mart = campaign_readout_stats(counts)  # noqa: F841 (read by DuckDB below)
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.campaign_readout as select * from mart")
    return path


def _invoke(*args: str):
    width = cli.console.width
    cli.console.width = 250  # one line per row, no folded cells
    try:
        return runner.invoke(app, ["readout", *args])
    finally:
        cli.console.width = width


def _is_one_error_line(result) -> bool:
    lines = result.output.strip().splitlines()
    return len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output


def test_readout_prints_every_campaign_with_its_interval(warehouse):
    result = _invoke("--db", str(warehouse))
    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line for line in result.output.splitlines() if "2015-09-03" in line}
    assert sorted(rows) == CAMPAIGNS
    assert "[0.0524, 0.3339]" in rows["browse-abandoners"]
    assert " 0.2 " in rows["browse-abandoners"] and " z " in rows["browse-abandoners"]
    assert " fisher " in rows["churned-customers"]
    # no control group: no rate, no lift, no interval, no test
    assert "0.03" in rows["no-sales-items"] and "fisher" not in rows["no-sales-items"]


def test_readout_of_one_campaign(warehouse):
    result = _invoke("--campaign", "churned-customers", "--db", str(warehouse))
    assert result.exit_code == 0, result.output
    assert "churned-customers" in result.output
    assert "browse-abandoners" not in result.output and "no-sales-items" not in result.output


def test_unknown_campaign_is_one_error_line(warehouse):
    result = _invoke("--campaign", "spring-sale", "--db", str(warehouse))
    assert result.exit_code == 1
    assert _is_one_error_line(result)
    assert "unknown campaign 'spring-sale'" in result.output
    assert "browse-abandoners" in result.output  # the valid names


def test_missing_warehouse_is_one_error_line(tmp_path):
    result = _invoke("--db", str(tmp_path / "nope.duckdb"))
    assert result.exit_code == 1
    assert _is_one_error_line(result)
    assert "no warehouse" in result.output


def test_warehouse_without_the_readout_is_one_error_line(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:  # a build from before campaign_readout existed
        con.execute("create schema marts")
        con.execute("create table marts.visitor_recommendations (visitor_id bigint)")
    result = _invoke("--db", str(path))
    assert result.exit_code == 1
    assert _is_one_error_line(result)
    assert "campaign_readout" in result.output


def test_not_a_warehouse_is_one_error_line(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("timestamp,visitorid,event,itemid,transactionid\n")
    result = _invoke("--db", str(path))
    assert result.exit_code == 1
    assert _is_one_error_line(result)


def test_help_names_the_campaigns():
    result = runner.invoke(app, ["readout", "--help"])
    assert result.exit_code == 0
    assert "--campaign" in result.output
