"""ALS, the re-ranker and the campaign readout on the warehouses `make test-dbt` builds
(ROCKETMART_TEST_DIR/*.duckdb); each test skips when its warehouse is absent."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from rocketmart import cli
from rocketmart.cli import app

TEST_DIR = Path(os.environ.get("ROCKETMART_TEST_DIR", "build/test"))
runner = CliRunner()


def _connect(name: str) -> duckdb.DuckDBPyConnection:
    path = TEST_DIR / f"{name}.duckdb"
    if not path.exists():
        pytest.skip(f"{path} not built: run `make test-dbt` first")
    return duckdb.connect(str(path), read_only=True)


def _evaluation(con, protocol: str, k: int = 10) -> dict[str, tuple[float, float]]:
    rows = con.execute(
        "select strategy, hit_rate_at_k, mrr_at_k from marts.recommendation_evaluation "
        "where protocol = ? and k = ?",
        [protocol, k],
    ).fetchall()
    return {strategy: (hit_rate, mrr) for strategy, hit_rate, mrr in rows}


@pytest.mark.parametrize("protocol", ["visitor_time_split", "session_next_item"])
def test_reranker_beats_every_single_strategy_at_10_on_generated_data(protocol):
    """Generated data with properties: the re-ranked lists have the best HR@10 and MRR@10
    of both protocols (visitor lists; next-item lists)."""
    with _connect("generated") as con:
        metrics = _evaluation(con, protocol)
    assert "reranked" in metrics and len(metrics) >= 3
    reranked = metrics.pop("reranked")
    best_hit_rate = max(hit_rate for hit_rate, _ in metrics.values())
    best_mrr = max(mrr for _, mrr in metrics.values())
    assert reranked[0] > best_hit_rate, (reranked, metrics)
    assert reranked[1] > best_mrr, (reranked, metrics)


def test_reranker_is_fitted_and_als_choice_is_reported():
    with _connect("generated") as con:
        status = con.execute(
            "select distinct status from intermediate.int_recommendation_reranker_coefficients "
            "union all "
            "select distinct status from intermediate.int_recommendation_next_item_coefficients"
        ).fetchall()
        chosen = con.execute(
            "select count(*) from intermediate.int_recommendation_als_settings where is_chosen"
        ).fetchall()
    assert status == [("fitted",), ("fitted",)]
    assert chosen == [(1,)]


def test_every_production_row_explains_itself():
    with _connect("generated") as con:
        missing, reasons = con.execute(
            "select count(*) filter (where reason is null or reason = ''), "
            "count(distinct regexp_extract(reason, '^[a-z ]+')) "
            "from marts.visitor_recommendations"
        ).fetchall()[0]
    assert missing == 0
    assert reasons >= 2  # more than one kind of reason


@pytest.mark.parametrize("name", ["generated", "no_properties", "real"])
def test_campaign_readout_has_every_campaign_and_consistent_counts(name):
    with _connect(name) as con:
        frame = con.execute("select * from marts.campaign_readout order by campaign").df()
    assert frame["campaign"].tolist() == [
        "browse-abandoners",
        "churned-customers",
        "no-sales-items",
    ]
    assert (frame["n_target_converted"] <= frame["n_target"]).all()
    assert (frame["n_control_converted"] <= frame["n_control"]).all()
    both = frame[(frame["n_target"] > 0) & (frame["n_control"] > 0)]
    assert (both["lift_abs_lower"] <= both["lift_abs"]).all()
    assert (both["lift_abs"] <= both["lift_abs_upper"]).all()


def test_readout_command_prints_the_mart():
    path = TEST_DIR / "generated.duckdb"
    if not path.exists():
        pytest.skip(f"{path} not built: run `make test-dbt` first")
    width = cli.console.width
    cli.console.width = 250
    try:
        result = runner.invoke(app, ["readout", "--db", str(path)])
    finally:
        cli.console.width = width
    assert result.exit_code == 0, result.output
    for campaign in ["browse-abandoners", "churned-customers", "no-sales-items"]:
        assert campaign in result.output


def test_readout_command_on_a_missing_warehouse_is_one_line(tmp_path):
    result = runner.invoke(app, ["readout", "--db", str(tmp_path / "nope.duckdb")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error:")
    assert len(result.output.strip().splitlines()) == 1
