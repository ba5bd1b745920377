"""Behaviour marts of the generated warehouse against the generator's planted truth.

Needs the warehouse built by `make test-dbt` (ROCKETMART_TEST_DIR/generated.duckdb and
generated/raw/generator_manifest.json); skipped otherwise.
"""

import json
import os
from pathlib import Path

import duckdb
import pytest

TEST_DIR = Path(os.environ.get("ROCKETMART_TEST_DIR", "build/test"))
WAREHOUSE = TEST_DIR / "generated.duckdb"
MANIFEST = TEST_DIR / "generated" / "raw" / "generator_manifest.json"

pytestmark = pytest.mark.skipif(
    not (WAREHOUSE.exists() and MANIFEST.exists()),
    reason="generated warehouse not built (run make test-dbt)",
)


@pytest.fixture(scope="module")
def manifest():
    return json.loads(MANIFEST.read_text())


@pytest.fixture(scope="module")
def warehouse():
    connection = duckdb.connect(str(WAREHOUSE), read_only=True)
    yield connection
    connection.close()


def _scalar(warehouse, sql):
    return warehouse.sql(sql).fetchall()[0][0]


def test_sessions_hold_every_distinct_clean_event(manifest, warehouse):
    expected = manifest["events"]["rows"]["distinct_clean_rows"]
    assert _scalar(warehouse, "select sum(n_events) from marts.sessions") == expected


def test_funnel_visitors_match_the_planted_funnel(manifest, warehouse):
    planted = manifest["events"]["funnel"]
    funnel = dict(warehouse.sql("select stage, n_visitors from marts.funnel").fetchall())
    assert funnel == {
        "view": planted["visitors_with_view"],
        "addtocart": planted["visitors_with_addtocart"],
        "transaction": planted["visitors_with_transaction"],
    }


def test_segments_cover_every_visitor_and_flag_the_planted_bots(manifest, warehouse):
    assert (
        _scalar(warehouse, "select count(*) from marts.visitor_segments")
        == (manifest["events"]["n_visitors"])
    )
    bots = warehouse.sql(
        "select visitor_id from marts.visitor_segments where is_bot_like order by 1"
    ).fetchall()
    assert [row[0] for row in bots] == sorted(manifest["planted"]["bot_visitors"])
    buyers = _scalar(
        warehouse, "select count(*) from marts.visitor_segments where segment = 'buyer'"
    )
    assert buyers == manifest["events"]["funnel"]["visitors_with_transaction"]


def test_category_conversion_leaves_out_uncategorised_events(manifest, warehouse):
    clean = manifest["events"]["rows"]["distinct_clean_rows"]
    uncategorised = manifest["data_quality"]["events_without_category_at_event_time"]
    total = _scalar(
        warehouse,
        "select sum(n_views + n_addtocarts + n_transactions) from marts.category_conversion",
    )
    assert total == clean - uncategorised


def test_value_tiers_rank_by_value_with_prices(warehouse):
    tiers = dict(
        warehouse.sql(
            "select value_tier, avg(r_score + f_score + coalesce(m_score, 3)) "
            "from marts.customer_rfm group by value_tier"
        ).fetchall()
    )
    assert set(tiers) == {"high", "mid", "low"}
    assert tiers["high"] > tiers["mid"] > tiers["low"]
    assert _scalar(warehouse, "select count(monetary) from marts.customer_rfm") > 0


@pytest.mark.skipif(
    not (TEST_DIR / "no_properties.duckdb").exists(), reason="no_properties warehouse not built"
)
def test_without_properties_monetary_is_null_and_tiers_still_exist():
    connection = duckdb.connect(str(TEST_DIR / "no_properties.duckdb"), read_only=True)
    try:
        counts = connection.sql(
            "select count(*), count(monetary), count(m_score), count(value_tier), "
            "count(distinct value_tier) from marts.customer_rfm"
        ).fetchall()[0]
        n_categories = connection.sql("select count(*) from marts.category_conversion").fetchall()[
            0
        ][0]
    finally:
        connection.close()
    n_customers, n_monetary, n_m_scores, n_tiers, n_distinct_tiers = counts
    assert n_customers > 0
    assert (n_monetary, n_m_scores) == (0, 0)
    assert n_tiers == n_customers
    assert n_distinct_tiers == 3
    assert n_categories == 0
