"""Recommendation marts on the warehouses built by `make test-dbt` (build/test/*.duckdb).

Planted truth comes from the generator's manifest (build/test/generated/raw/
generator_manifest.json). Each test skips with a reason when its warehouse is absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

TEST_DIR = Path(os.environ.get("ROCKETMART_TEST_DIR", "build/test"))


def _connect(name: str) -> duckdb.DuckDBPyConnection:
    path = TEST_DIR / f"{name}.duckdb"
    if not path.exists():
        pytest.skip(f"{path} not built: run `make test-dbt` first")
    return duckdb.connect(str(path), read_only=True)


def _planted(key: str) -> list[list[int]]:
    path = TEST_DIR / "generated" / "raw" / "generator_manifest.json"
    if not path.exists():
        pytest.skip(f"{path} absent: run `make test-dbt` first")
    planted = json.loads(path.read_text()).get("planted", {})
    if not planted.get(key):
        pytest.skip(f"the generator manifest plants no {key}")
    return planted[key]


@pytest.fixture(scope="module")
def generated():
    con = _connect("generated")
    yield con
    con.close()


def test_planted_pairs_top_bought_together_by_lift(generated):
    """Among pairs with enough support, the planted pairs lead the lift ranking.

    Support matters: two rare items bought together twice by chance get a huge lift, so
    the ranking is read over pairs in at least three baskets.
    """
    min_baskets = 3
    planted = {tuple(sorted(pair)) for pair in _planted("planted_pairs")}
    supported = generated.sql(
        f"""
        select item_a, item_b
        from marts.bought_together
        where n_baskets >= {min_baskets}
        order by lift desc, item_a, item_b
        """
    ).fetchall()
    found = [pair for pair in supported if pair in planted]
    # a fair share of the planted pairs is bought often enough to be supported ...
    assert len(found) >= 0.4 * len(planted), f"{len(found)} of {len(planted)} planted pairs"
    # ... and they make up the top of the lift ranking among supported pairs
    top = supported[: min(10, len(planted))]
    share_planted = sum(pair in planted for pair in top) / len(top)
    assert share_planted >= 0.8, f"only {share_planted:.0%} of the top pairs by lift are planted"


def test_planted_similar_items_are_top_neighbours(generated):
    groups = _planted("planted_similar_items")
    neighbours = generated.sql(
        "select item_id, similar_item_id from marts.item_similarity"
    ).fetchall()
    neighbour_set = set(neighbours)
    ordered_pairs = [(a, b) for group in groups for a in group for b in group if a != b]
    found = sum(pair in neighbour_set for pair in ordered_pairs)
    assert found >= 0.9 * len(ordered_pairs), f"{found} of {len(ordered_pairs)} member pairs"


def test_hybrid_beats_global_popularity(generated):
    metrics = (
        generated.sql(
            """
        select strategy, hit_rate_at_k, recall_at_k, n_evaluated
        from marts.recommendation_evaluation
        where protocol = 'visitor_time_split' and k = 10
        """
        )
        .df()
        .set_index("strategy")
    )
    assert metrics.loc["hybrid", "n_evaluated"] > 0
    hybrid, popular = metrics.loc["hybrid"], metrics.loc["global_popularity"]
    assert hybrid.hit_rate_at_k > popular.hit_rate_at_k
    assert hybrid.recall_at_k > popular.recall_at_k


@pytest.mark.parametrize("name", ["generated", "no_properties", "real"])
def test_evaluation_has_every_protocol_strategy_and_k(name):
    con = _connect(name)
    rows = con.sql("select protocol, strategy, k from marts.recommendation_evaluation").fetchall()
    visitor = {"global_popularity", "category_popularity", "co_purchase", "item_similarity"}
    visitor |= {"hybrid", "als", "reranked"}
    expected = {("visitor_time_split", s, k) for s in visitor for k in (5, 10, 20)}
    session = {"association_rules", "item_similarity", "global_popularity", "reranked"}
    expected |= {("session_next_item", s, k) for s in session for k in (5, 10, 20)}
    assert set(rows) == expected


def _recompute_bought_together(events: pd.DataFrame) -> pd.DataFrame:
    """Straight from the SPEC with pandas: baskets = transaction ids with distinct items."""
    baskets = events.loc[events.event == "transaction", ["transactionid", "itemid"]]
    baskets = baskets.drop_duplicates().astype("int64")
    n_baskets = baskets.transactionid.nunique()
    item_baskets = baskets.groupby("itemid").size()
    pairs = baskets.merge(baskets, on="transactionid", suffixes=("_a", "_b"))
    pairs = pairs[pairs.itemid_a < pairs.itemid_b]
    pairs = pairs.groupby(["itemid_a", "itemid_b"]).size().rename("n_baskets").reset_index()
    n_a = item_baskets.loc[pairs.itemid_a].to_numpy()
    n_b = item_baskets.loc[pairs.itemid_b].to_numpy()
    return pd.DataFrame(
        {
            "item_a": pairs.itemid_a,
            "item_b": pairs.itemid_b,
            "n_baskets": pairs.n_baskets,
            "support": pairs.n_baskets / n_baskets,
            "confidence_a_to_b": pairs.n_baskets / n_a,
            "confidence_b_to_a": pairs.n_baskets / n_b,
            "lift": (pairs.n_baskets / n_baskets) / ((n_a / n_baskets) * (n_b / n_baskets)),
        }
    )


def test_bought_together_matches_spec_on_real_sample():
    con = _connect("real")
    events = pd.read_csv(TEST_DIR / "real" / "raw" / "events.csv")
    expected = _recompute_bought_together(events).sort_values(["item_a", "item_b"])
    actual = con.sql("select * from marts.bought_together order by item_a, item_b").df()
    assert len(actual) > 0
    pd.testing.assert_frame_equal(
        actual.reset_index(drop=True),
        expected.reset_index(drop=True),
        check_dtype=False,
        rtol=1e-12,
    )


def test_visitor_recommendations_never_bought_or_unavailable(generated):
    leaks = generated.sql(
        """
        select count(*)
        from marts.visitor_recommendations as recs
        left join intermediate.int_item_current_state as state
            on recs.item_id = state.item_id
        where state.is_available = false
            or exists (
                select 1
                from intermediate.int_events_enriched as events
                where events.visitor_id = recs.visitor_id
                    and events.item_id = recs.item_id
                    and events.event_type = 'transaction'
            )
        """
    ).fetchall()[0][0]
    assert leaks == 0
    n_bots = generated.sql(
        """
        select count(*)
        from marts.visitor_recommendations as recs
        inner join intermediate.int_visitor_activity as activity using (visitor_id)
        where activity.is_bot_like
        """
    ).fetchall()[0][0]
    assert n_bots == 0


def test_category_recommendations_match_spec_on_generated(generated):
    """Recompute the category lists with numpy/pandas straight from the SPEC."""
    scores = generated.sql(
        """
        select events.item_id, sum(case events.event_type when 'view' then 1
            when 'addtocart' then 5 else 10 end)::double as score
        from intermediate.int_events_enriched as events
        group by events.item_id
        """
    ).df()
    state = generated.sql("select * from intermediate.int_item_current_state").df()
    paths = generated.sql("select category_id, path_ids from intermediate.int_category_paths").df()
    top_n = 10
    items = scores.merge(state, on="item_id")
    items = items[items.category_id.notna() & (items.is_available != False)]  # noqa: E712
    items = items.sort_values(["score", "item_id"], ascending=[False, True])
    by_category = {c: g.item_id.tolist() for c, g in items.groupby("category_id")}
    expected = []
    for category_id, path in zip(paths.category_id, paths.path_ids, strict=True):
        picked = []
        for ancestor in reversed(list(path)):
            picked += by_category.get(ancestor, [])[: top_n - len(picked)]
            if len(picked) == top_n:
                break
        expected += [(category_id, rank, item) for rank, item in enumerate(picked, start=1)]
    actual = generated.sql(
        "select category_id, rank, item_id from marts.category_recommendations"
    ).fetchall()
    assert len(expected) > 0
    assert sorted(actual) == sorted(expected)
    assert np.isfinite(scores.score).all()


def test_global_popularity_evaluation_matches_independent_recomputation(generated):
    """Re-derive the visitor_time_split protocol for global popularity with pandas."""
    split = generated.sql(
        "select * from intermediate.int_recommendation_cutoffs where cutoff_name = 'evaluation'"
    ).df()
    train_end = split.cutoff_at.iloc[0]
    events = generated.sql(
        "select visitor_id, item_id, event_type, event_at from intermediate.int_events_enriched"
    ).df()
    weights = {"view": 1.0, "addtocart": 5.0, "transaction": 10.0}
    train = events[events.event_at <= train_end]
    test = events[events.event_at > train_end]
    state = generated.sql(
        "select item_id, is_available from intermediate.int_recommendation_item_state"
        " where cutoff_name = 'evaluation'"
    ).df()
    unavailable = set(state.item_id[state.is_available == False])  # noqa: E712
    popularity = train.assign(weight=train.event_type.map(weights)).groupby("item_id").weight.sum()
    ranking = popularity.reset_index().sort_values(["weight", "item_id"], ascending=[False, True])
    ranking = [item for item in ranking.item_id if item not in unavailable]

    seen = train.groupby("visitor_id").item_id.agg(set)
    bought = train[train.event_type == "transaction"].groupby("visitor_id").item_id.agg(set)
    recent = set(train.visitor_id[train.event_at > train_end - pd.Timedelta(days=30)])
    targets = test.groupby("visitor_id").item_id.agg(set)
    hits_at_10 = []
    for visitor_id, visitor_targets in targets.items():
        history = seen.get(visitor_id, set())
        new_items = visitor_targets - history
        if visitor_id not in recent or len(history) > 300 or not new_items:
            continue
        excluded = bought.get(visitor_id, set())
        top = [item for item in ranking[: 10 + len(excluded)] if item not in excluded][:10]
        hits_at_10.append(len(new_items.intersection(top)) > 0)

    row = generated.sql(
        """
        select n_evaluated, hit_rate_at_k
        from marts.recommendation_evaluation
        where protocol = 'visitor_time_split' and strategy = 'global_popularity' and k = 10
        """
    ).fetchall()[0]
    assert row[0] == len(hits_at_10)
    assert row[1] == pytest.approx(np.mean(hits_at_10), abs=1e-12)
