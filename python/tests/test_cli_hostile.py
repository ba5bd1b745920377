"""The CLI as a hostile user: every bad input is one `Error:` line (or Typer's usage box
for a bad parameter) and a non-zero exit, never a traceback. Needs no warehouse."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rocketmart.cli import app

runner = CliRunner()


@pytest.fixture
def raw_csv(tmp_path):
    path = tmp_path / "we'ird [x]*.csv"
    path.write_text("timestamp,visitorid,event,itemid,transactionid\n1,2,view,3,\n")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["metrics"],
        ["recommend", "1"],
        ["recommend", "--item", "1"],
        ["export", "browse-abandoners", "--output", "{tmp}/out.csv"],
    ],
)
def test_a_raw_file_as_warehouse_is_one_error_line(raw_csv, tmp_path, args):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(app, [*args, "--db", str(raw_csv)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0] == f"Error: --db {raw_csv} is not a DuckDB warehouse file (e.g. a raw CSV file)"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["export", "nope", "--output", "x.csv"],
        ["export", "browse-abandoners", "--output", "x.csv", "--limit", "abc"],
        ["export", "browse-abandoners", "--output", "x.csv", "--limit", "-5"],
        ["export", "browse-abandoners", "--output", "x.csv", "--format", "xml"],
        ["recommend", "abc"],
        ["recommend", "--item", "1.5"],
        ["dashboard", "--port", "0"],
        ["dashboard", "--port", "99999"],
    ],
)
def test_bad_parameters_are_a_usage_error(args, tmp_path):
    result = runner.invoke(app, [*args, "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 2
    assert "Invalid value" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["metrics", "dashboard"])
def test_missing_warehouse_is_one_error_line(command, tmp_path):
    db = tmp_path / "d'b [x]*.duckdb"
    result = runner.invoke(app, [command, "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: no warehouse at {db}: run `rocketmart build` first"
