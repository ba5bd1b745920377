"""The dashboard's query layer on tiny hand-made marts (in-memory DuckDB) with
hand-computed expectations, and the campaign downloads against the CLI's export."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from rocketmart.cli import app
from rocketmart.dashboard import downloads, queries, streamlit_command
from rocketmart.warehouse import WarehouseError


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema marts; create schema audit")
    yield con
    con.close()


def test_sessions_by_hour_weekday_fills_the_grid(con):
    con.execute(
        """
        create table marts.sessions as select * from (values
            (timestamp '2015-06-01 10:15:00'),  -- Monday 10h
            (timestamp '2015-06-01 10:59:59'),  -- Monday 10h
            (timestamp '2015-06-07 23:00:00')   -- Sunday 23h
        ) as t(started_at)
        """
    )
    grid = queries.sessions_by_hour_weekday(con)
    assert len(grid) == 7 * 24
    counts = {(w, h): n for w, h, n in grid.itertuples(index=False) if n}
    assert counts == {(1, 10): 2, (7, 23): 1}


def test_category_tree_attaches_orphans_to_the_top(con):
    con.execute(
        """
        create table marts.category_conversion as select * from (values
            (1, null, 1, 0, 10, 1, 0.1, 0.01),   -- root
            (2, 1, 1, 1, 5, 1, 0.2, 0.02),       -- child of 1
            (3, 99, 99, 1, 4, 0, 0.0, 0.0)       -- parent 99 had no events
        ) as t(category_id, parent_id, root_id, depth, n_visitors, n_buyers,
               conversion_rate, conversion_rate_lower)
        """
    )
    tree = queries.category_tree(con)
    assert dict(zip(tree["id"], tree["parent"], strict=True)) == {"1": "", "2": "1", "3": ""}


def test_item_bought_with_reads_both_sides_of_a_pair(con):
    con.execute(
        """
        create table marts.bought_together as select * from (values
            (1, 2, 3, 0.3, 0.75, 0.5, 2.0),
            (0, 1, 1, 0.1, 0.2, 0.25, 5.0),
            (2, 3, 4, 0.4, 0.9, 0.9, 9.0)
        ) as t(item_a, item_b, n_baskets, support, confidence_a_to_b, confidence_b_to_a, lift)
        """
    )
    pairs = queries.item_bought_with(con, 1)
    # item 1 is item_b of (0, 1): its confidence is b_to_a; item_a of (1, 2): a_to_b
    assert pairs.to_dict("list") == {
        "other_item_id": [0, 2],
        "n_baskets": [1, 3],
        "confidence": [0.25, 0.75],
        "lift": [5.0, 2.0],
    }
    assert queries.bought_together(con, min_baskets=3)["item_a"].tolist() == [2, 1]
    assert queries.max_pair_baskets(con) == 4


def test_probability_histogram_and_deciles(con):
    con.execute(
        """
        create table marts.visitor_purchase_propensity as select * from (values
            (1, 1.0, 1), (2, 0.5, 1), (3, 0.04, 2), (4, 0.0, 2)
        ) as t(visitor_id, purchase_probability, decile)
        """
    )
    hist = queries.probability_histogram(con, "visitor_purchase_propensity", bins=20)
    # 1.0 falls in the last bin [0.95, 1], not a 21st one
    assert dict(zip(hist["bin_from"], hist["n"], strict=True)) == {0.0: 2, 0.5: 1, 0.95: 1}
    dec = queries.deciles(con, "visitor_purchase_propensity")
    # overall mean of the decile means = (0.75 + 0.02) / 2 = 0.385
    assert dec["n"].tolist() == [2, 2]
    assert dec["expected_lift"].round(6).tolist() == [
        round(0.75 / 0.385, 6),
        round(0.02 / 0.385, 6),
    ]


def test_campaign_summary_and_score_histogram(con):
    con.execute(
        """
        create table marts.campaign_no_sales_items as select * from (values
            (10, 1, 4.0, false, timestamp '2015-09-18'),
            (11, 2, 2.0, false, timestamp '2015-09-18'),
            (12, 3, 0.0, true, timestamp '2015-09-18')
        ) as t(item_id, rank, score, is_control, as_of_at)
        """
    )
    summary = queries.campaign_summary(con, "no-sales-items")
    assert summary["n_rows"] == 3 and summary["n_targets"] == 2 and summary["n_control"] == 1
    assert summary["control_share"] == pytest.approx(1 / 3)
    hist = queries.campaign_score_histogram(con, "no-sales-items", bins=4)
    # bins of width 1 over [0, 4]; the max score lands in the last bin
    assert list(hist.itertuples(index=False, name=None)) == [
        (0.0, "control", 1),
        (2.0, "target", 1),
        (3.0, "target", 1),
    ]
    top = queries.campaign_top_targets(con, "no-sales-items")
    assert top.columns.tolist() == ["item_id", "rank", "score"]
    assert top["item_id"].tolist() == [10, 11]


def test_retention_matrix_pivots_rates_and_completeness():
    frame = pd.DataFrame(
        {
            "cohort_week": pd.to_datetime(["2015-06-01", "2015-06-01", "2015-06-08"]).date,
            "week_number": [0, 1, 0],
            "cohort_size": [10, 10, 4],
            "n_active": [10, 3, 4],
            "retention_rate": [1.0, 0.3, 1.0],
            "is_complete_week": [True, False, False],
        }
    )
    rates, complete = queries.retention_matrix(frame)
    assert rates.index.tolist() == ["2015-06-01 (n=10)", "2015-06-08 (n=4)"]
    assert rates.loc["2015-06-01 (n=10)", 1] == 0.3
    assert pd.isna(rates.loc["2015-06-08 (n=4)", 1])
    assert complete.loc["2015-06-01 (n=10)", 1] == False  # noqa: E712 (object dtype)
    empty_rates, _ = queries.retention_matrix(frame.iloc[0:0])
    assert empty_rates.empty


def test_visitor_recommendations_adds_reason_only_when_present(con):
    con.execute(
        "create table marts.visitor_recommendations as "
        "select 7 as visitor_id, 1 as rank, 42 as item_id, 0.5 as score, 'hybrid' as strategy"
    )
    assert "reason" not in queries.visitor_recommendations(con, 7).columns
    con.execute("alter table marts.visitor_recommendations add column reason varchar")
    recs = queries.visitor_recommendations(con, 7)
    assert recs.columns.tolist() == ["rank", "item_id", "score", "strategy", "reason"]
    assert queries.visitor_recommendations(con, 8).empty


def test_kpis_and_properties_flag(con):
    con.execute(
        """
        create table marts.visitor_segments as select * from (values
            (1, 'buyer', false), (2, 'browser', true), (3, 'browser', false),
            (4, 'browser', false)
        ) as t(visitor_id, segment, is_bot_like);
        create table marts.sessions as select * from range(6) as t(session_id);
        create table marts.customer_rfm as select 1 as visitor_id, null::double as monetary;
        create table audit.load_reconciliation as select * from (values
            ('events.csv', 10), ('category_tree.csv', 3)
        ) as t(file_name, raw_rows);
        """
    )
    k = queries.kpis(con)
    assert (k.n_visitors, k.n_sessions, k.n_buyers, k.conversion_rate, k.revenue) == (
        4,
        6,
        1,
        0.25,
        None,  # no prices
    )
    assert not queries.has_properties(con)
    con.execute("insert into audit.load_reconciliation values ('item_properties_part1.csv', 5)")
    assert queries.has_properties(con)
    # every segment listed, also one without visitors
    assert queries.segments(con).to_dict("list") == {
        "segment": ["buyer", "cart_abandoner", "browser"],
        "n_visitors": [1, 0, 3],
        "n_bot_like": [0, 0, 1],
    }
    assert queries.missing_tables(con, [("marts", "sessions"), ("marts", "nope")]) == ["marts.nope"]


def test_streamlit_command_is_local_headless_and_private(tmp_path):
    db = tmp_path / "w.duckdb"
    with pytest.raises(WarehouseError, match="no warehouse at"):
        streamlit_command(db)
    duckdb.connect(str(db)).close()
    argv, env = streamlit_command(db, port=8600)
    args = dict(zip(argv[5::2], argv[6::2], strict=True))
    assert args["--server.address"] == "127.0.0.1"
    assert args["--server.port"] == "8600"
    assert args["--browser.gatherUsageStats"] == "false"
    assert args["--server.headless"] == "true"
    assert env["ROCKETMART_DB"] == str(db.resolve())


def test_dashboard_command_errors_are_one_line(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["dashboard", "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: no warehouse at {tmp_path / 'missing.duckdb'}: run `rocketmart build` first"
    ]
    result = runner.invoke(app, ["dashboard", "--port", "70000"])
    assert result.exit_code != 0


GENERATED = Path(os.environ.get("ROCKETMART_TEST_DIR", "build/test")) / "generated.duckdb"


@pytest.mark.skipif(not GENERATED.exists(), reason="generated warehouse not built")
@pytest.mark.parametrize("export_format", ["csv", "parquet", "json"])
@pytest.mark.parametrize("include_control", [False, True])
def test_downloads_equal_the_cli_export(tmp_path, export_format, include_control):
    output = tmp_path / f"cli.{export_format}"
    args = ["export", "browse-abandoners", "--db", str(GENERATED), "--format", export_format]
    args += ["--output", str(output)] + (["--include-control"] if include_control else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = downloads.export_bytes("browse-abandoners", export_format, GENERATED, include_control)
    if export_format == "parquet":  # compare the rows, not the file's bytes
        (tmp_path / "dl.parquet").write_bytes(data)
        assert pd.read_parquet(tmp_path / "dl.parquet").equals(pd.read_parquet(output))
    else:
        assert data == output.read_bytes()
    assert len(data) > 0
    assert downloads.file_name("browse-abandoners", export_format) == (
        f"browse_abandoners.{export_format}"
    )
