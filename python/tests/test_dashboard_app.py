"""The dashboard's pages under Streamlit's AppTest, against the warehouses of
`make test-dbt`: every page runs without an exception or error, its key figures equal a
direct query on the marts, the empty states show on the warehouse without property files,
and a missing warehouse gives a clear error."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from rocketmart.dashboard import APP, ui

TEST_DIR = Path(os.environ.get("ROCKETMART_TEST_DIR", "build/test"))
GENERATED = TEST_DIR / "generated.duckdb"
NO_PROPERTIES = TEST_DIR / "no_properties.duckdb"
REAL = TEST_DIR / "real.duckdb"
PAGES = [
    "overview",
    "products",
    "customers",
    "recommendations",
    "predictions",
    "campaigns",
    "data_quality",
]

needs = pytest.mark.skipif(
    not (GENERATED.exists() and NO_PROPERTIES.exists() and REAL.exists()),
    reason="test warehouses not built (run make test-dbt)",
)


def _run(monkeypatch, db: Path, page: str = "overview") -> AppTest:
    monkeypatch.setenv("ROCKETMART_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _one(db: Path, sql: str, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchone()[0]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _infos(at: AppTest) -> str:
    return "\n".join(str(i.value) for i in at.info)


@needs
@pytest.mark.parametrize("db", [GENERATED, NO_PROPERTIES, REAL], ids=lambda p: p.stem)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_error(monkeypatch, db, page):
    at = _run(monkeypatch, db, page)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == page.replace("_", " ").capitalize()


@needs
def test_overview_kpis_and_funnel_equal_direct_queries(monkeypatch):
    at = _run(monkeypatch, GENERATED)
    metrics = _metrics(at)
    visitors = _one(GENERATED, "select count(distinct visitor_id) from marts.sessions")
    sessions = _one(GENERATED, "select count(*) from marts.sessions")
    buyers = _one(GENERATED, "select count(*) from marts.customer_churn")
    revenue = _one(GENERATED, "select sum(monetary) from marts.customer_rfm")
    assert metrics["Visitors"] == f"{visitors:,}"
    assert metrics["Sessions"] == f"{sessions:,}"
    assert metrics["Buyers"] == f"{buyers:,}"
    assert metrics["Conversion"] == f"{100 * buyers / visitors:.2f} %"
    assert metrics["Revenue"] == f"{revenue:,.0f}"

    funnel = at.dataframe[0].value
    with duckdb.connect(str(GENERATED), read_only=True) as con:
        expected = con.execute(
            "select stage, n_visitors, n_sessions from marts.funnel order by stage_order"
        ).fetchall()
    assert list(funnel[["stage", "n_visitors", "n_sessions"]].itertuples(index=False)) == [
        tuple(row) for row in expected
    ]


@needs
def test_no_properties_warehouse_shows_empty_states(monkeypatch):
    at = _run(monkeypatch, NO_PROPERTIES)
    assert _metrics(at)["Revenue"] == "no prices"

    at = _run(monkeypatch, NO_PROPERTIES, "products")
    assert _infos(at).count("No item property files were loaded") == 2  # categories, tree
    assert not at.error

    at = _run(monkeypatch, NO_PROPERTIES, "customers")
    assert "purchases have no price" in _infos(at)

    at = _run(monkeypatch, NO_PROPERTIES, "data_quality")
    assert "No item property files were loaded" in _infos(at)


@needs
def test_generated_warehouse_has_no_property_empty_state(monkeypatch):
    at = _run(monkeypatch, GENERATED, "products")
    assert "No item property files" not in _infos(at)
    assert len(at.dataframe) == 3  # items, categories, bought-together pairs


@needs
def test_products_bought_together_filter(monkeypatch):
    at = _run(monkeypatch, GENERATED, "products")
    at.slider(key="min_baskets").set_value(2).run()
    pairs = at.dataframe[-1].value
    n_expected = _one(
        GENERATED, "select least(count(*), 50) from marts.bought_together where n_baskets >= 2"
    )
    assert len(pairs) == n_expected
    assert (pairs["n_baskets"] >= 2).all()
    assert pairs["lift"].is_monotonic_decreasing


@needs
def test_customers_churn_figures(monkeypatch):
    at = _run(monkeypatch, GENERATED, "customers")
    with duckdb.connect(str(GENERATED), read_only=True) as con:
        n_customers, n_churned = con.execute(
            "select count(*), count(*) filter (where is_churned) from marts.customer_churn"
        ).fetchone()
    metrics = _metrics(at)
    assert metrics["Customers"] == f"{n_customers:,}"
    assert metrics["Churned"] == f"{n_churned:,}"


@needs
def test_visitor_lookup_shows_recommendations(monkeypatch):
    visitor = _one(
        GENERATED,
        "select visitor_id from marts.visitor_recommendations order by visitor_id desc limit 1",
    )
    at = _run(monkeypatch, GENERATED, "recommendations")
    at.number_input(key="visitor_id").set_value(visitor).run()
    assert not at.exception
    recs = next(d.value for d in at.dataframe if {"item_id", "strategy"} <= set(d.value.columns))
    with duckdb.connect(str(GENERATED), read_only=True) as con:
        expected = [
            i
            for (i,) in con.execute(
                "select item_id from marts.visitor_recommendations where visitor_id = ? "
                "order by rank",
                [visitor],
            ).fetchall()
        ]
    assert recs["item_id"].tolist() == expected


@needs
def test_unknown_visitor_and_item_give_empty_states(monkeypatch):
    at = _run(monkeypatch, GENERATED, "recommendations")
    at.number_input(key="visitor_id").set_value(999_999_999).run()
    at.number_input(key="item_id").set_value(999_999_999).run()
    infos = _infos(at)
    assert "Visitor 999999999 has no events" in infos
    assert "Item 999999999 has no events" in infos


@needs
@pytest.mark.parametrize("campaign", ["no-sales-items", "browse-abandoners", "churned-customers"])
def test_campaign_figures_equal_direct_queries(monkeypatch, campaign):
    table = "campaign_" + campaign.replace("-", "_")
    at = _run(monkeypatch, GENERATED, "campaigns")
    at.radio(key="campaign").set_value(campaign).run()
    assert not at.exception
    with duckdb.connect(str(GENERATED), read_only=True) as con:
        n_targets, n_control = con.execute(
            f"select count(*) filter (where not is_control), count(*) filter (where is_control) "
            f"from marts.{table}"
        ).fetchone()
        top = [
            r
            for (r,) in con.execute(
                f"select rank from marts.{table} where not is_control order by rank limit 20"
            ).fetchall()
        ]
    metrics = _metrics(at)
    assert metrics["Targets"] == f"{n_targets:,}"
    assert metrics["Control"] == f"{n_control:,}"
    targets = next(d.value for d in at.dataframe if "evidence" in d.value.columns)
    assert targets["rank"].tolist() == top


@needs
def test_campaign_readout_section_when_the_mart_exists(monkeypatch, tmp_path):
    db = tmp_path / "with_readout.duckdb"
    shutil.copy(NO_PROPERTIES, db)
    with duckdb.connect(str(db)) as con:
        con.execute(
            """
            create or replace table marts.campaign_readout as
            select * from (values
                ('browse_abandoners', timestamp '2015-09-04', 14, 900, 18, 0.02, 100, 1, 0.01,
                 0.01, -0.012, 0.028, 1.0, 0.45, 'fisher', 0.03),
                ('churned_customers', timestamp '2015-09-04', 14, 50, 0, 0.0, 6, 0, 0.0,
                 0.0, -0.07, 0.39, null, 1.0, 'fisher', 0.2)
            ) as t(campaign, readout_cutoff_at, readout_days, n_target, n_target_converted,
                   target_rate, n_control, n_control_converted, control_rate, lift_abs,
                   lift_abs_lower, lift_abs_upper, lift_rel, p_value, test, mde_abs)
            """
        )
    at = _run(monkeypatch, db, "campaigns")
    assert not at.error
    readout = next(d.value for d in at.dataframe if "lift_abs" in d.value.columns)
    assert readout["campaign"].tolist() == ["browse_abandoners", "churned_customers"]
    assert "no `marts.campaign_readout`" not in _infos(at)


def test_missing_warehouse_gives_a_clear_error(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    at = _run(monkeypatch, missing)
    assert [e.value for e in at.error] == [
        f"No warehouse at `{missing}`. Build it first with `rocketmart build` (or `make "
        "build`), or point the dashboard at one with `--db PATH`."
    ]


def test_warehouse_without_marts_names_the_missing_tables(monkeypatch, tmp_path):
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    at = _run(monkeypatch, db, "products")
    assert len(at.error) == 1
    assert "marts.item_conversion" in at.error[0].value
    assert "rocketmart build" in at.error[0].value


def test_number_formats():
    assert ui.fmt_int(1234567) == "1,234,567"
    assert ui.fmt_pct(0.0086, 2) == "0.86 %"
    assert ui.fmt_pct(None) == "–"
    assert ui.fmt_pct(float("nan")) == "–"
    assert ui.fmt_money(None) == "–"
