"""ALS candidate generator: matrix, determinism, planted structure, exclusion, search."""

import warnings

import numpy as np
import pandas as pd
import pytest

from rocketmart import als
from rocketmart.ranking import new_item_targets, ranking_metrics


def planted_interactions(seed=0, n_visitors=120, start="2015-06-01"):
    """Two taste groups: visitors 0..59 use items 100..111, the others 200..211."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp(start)
    for visitor in range(n_visitors):
        base = 100 if visitor < n_visitors // 2 else 200
        for offset in rng.choice(12, 6, replace=False):
            day = int(rng.integers(0, 20))
            rows.append((visitor, base + int(offset), "view", start + pd.Timedelta(days=day)))
    return pd.DataFrame(rows, columns=["visitor_id", "item_id", "event_type", "event_at"])


def test_build_matrix_weights_and_bots():
    interactions = pd.DataFrame(
        {
            "visitor_id": [1, 1, 1, 2, 3, 3, 3],
            "item_id": [10, 10, 20, 10, 10, 20, 30],
            "event_type": ["view", "addtocart", "transaction", "view", "view", "view", "view"],
        }
    )
    result = als.build_matrix(interactions, max_items_per_visitor=2)
    assert result.visitor_ids.tolist() == [1, 2]  # visitor 3 has 3 items: bot-like here
    assert result.item_ids.tolist() == [10, 20]
    dense = result.matrix.toarray()
    np.testing.assert_allclose(dense, np.log1p([[1 + 5, 10], [1, 0]]), rtol=1e-6)
    # visitors with a single item left out: only visitor 1 (2 items) remains
    single = als.build_matrix(interactions, max_items_per_visitor=2, min_items_per_visitor=2)
    assert single.visitor_ids.tolist() == [1]
    assert single.item_ids.tolist() == [10, 20]


def test_weights_from_seed():
    seed = pd.DataFrame(
        {"event_type": ["view", "addtocart", "transaction"], "popularity_weight": [1, 5, 10]}
    )
    assert als.weights_from_seed(seed) == {"view": 1.0, "addtocart": 5.0, "transaction": 10.0}


def test_fit_and_recommend_are_deterministic():
    matrix = als.build_matrix(planted_interactions())
    first = als.recommend(als.fit(matrix, factors=4, iterations=8), None, 5)
    second = als.recommend(als.fit(matrix, factors=4, iterations=8), None, 5)
    pd.testing.assert_frame_equal(first, second)
    assert list(first.columns) == als.RECOMMEND_COLUMNS


def test_planted_structure_recovered():
    interactions = planted_interactions()
    # two planted groups, two factors: every unseen item of the visitor's own group (6 of
    # them) outranks the other group's items
    model = als.fit(als.build_matrix(interactions), factors=2, regularization=0.01, iterations=15)
    lists = als.recommend(model, None, 6, exclude=interactions)
    group = np.where(lists["visitor_id"] < 60, 100, 200)
    assert ((lists["item_id"] // 100) * 100 == group).all()
    # with spare factors the top 3 are still all from the visitor's group
    model = als.fit(als.build_matrix(interactions), factors=8, regularization=0.1, iterations=15)
    lists = als.recommend(model, None, 3, exclude=interactions)
    group = np.where(lists["visitor_id"] < 60, 100, 200)
    assert ((lists["item_id"] // 100) * 100 == group).mean() >= 0.99


def test_exclusion_honoured_and_ranks_contiguous():
    interactions = planted_interactions()
    model = als.fit(als.build_matrix(interactions), factors=4, iterations=5)
    lists = als.recommend(model, None, 20, exclude=interactions)
    seen = interactions[["visitor_id", "item_id"]].drop_duplicates()
    assert lists.merge(seen, how="inner").empty
    # 24 items, 6 seen: exactly 18 per visitor, ranked 1..18 by score desc
    sizes = lists.groupby("visitor_id")["rank"].agg(["size", "max"])
    assert (sizes["size"] == 18).all() and (sizes["max"] == 18).all()
    assert lists.groupby("visitor_id")["score"].is_monotonic_decreasing.all()


def test_recommend_ties_by_item_id_and_unknown_visitors():
    model = als.AlsModel(
        visitor_factors=np.array([[1.0], [0.0]], dtype=np.float32),
        item_factors=np.array([[1.0], [1.0], [0.5], [1.0]], dtype=np.float32),
        visitor_ids=np.array([7, 8]),
        item_ids=np.array([1, 2, 3, 4]),
    )
    exclude = pd.DataFrame({"visitor_id": [7, 99], "item_id": [2, 1]})
    lists = als.recommend(model, np.array([7, 99]), 3, exclude=exclude)
    assert lists["visitor_id"].tolist() == [7, 7, 7]  # 99 is unknown to the model
    assert lists["item_id"].tolist() == [1, 4, 3]  # 1 and 4 tie at 1.0: item_id order
    assert lists["rank"].tolist() == [1, 2, 3]


def test_recommend_empty_inputs():
    model = als.fit(als.build_matrix(planted_interactions()), factors=2, iterations=2)
    assert als.recommend(model, np.array([], dtype=np.int64), 5).empty
    assert als.recommend(model, None, 0).empty
    empty = als.build_matrix(planted_interactions().iloc[:0])
    assert als.recommend(als.fit(empty, factors=2), None, 5).empty


def validation_inputs(events, cutoff, validation_days, min_items_per_visitor=1):
    """Brute force of the SQL behind the search (int_recommendation_als_pairs and
    _validation_targets, one weight per event): the summed pairs of the events up to
    cutoff - validation_days, and each matrix visitor's new items in (that, cutoff]."""
    start = pd.Timestamp(cutoff) - pd.Timedelta(days=validation_days)
    before = events[events["event_at"] <= start]
    window = events[(events["event_at"] > start) & (events["event_at"] <= pd.Timestamp(cutoff))]
    pairs = before.assign(weight=1.0).groupby(["visitor_id", "item_id"], as_index=False)["weight"]
    pairs = pairs.sum()
    n_items = pairs.groupby("visitor_id")["item_id"].transform("size")
    pairs = pairs[n_items >= min_items_per_visitor].reset_index(drop=True)
    targets = new_item_targets(before, window)
    return pairs, targets[targets["visitor_id"].isin(pairs["visitor_id"])]


def test_search_evaluates_matrix_visitors_with_a_target_only():
    pairs, targets = validation_inputs(planted_interactions(), "2015-06-21", 5)
    grid = {"factors": (2, 4), "regularization": (0.01,), "iterations": (5,)}
    best, scores = als.search_hyperparameters(pairs, targets, grid=grid, k=5)
    assert set(best) == {"factors", "regularization", "iterations"}
    assert len(scores) == 2
    n_evaluated = targets["visitor_id"].nunique()
    assert n_evaluated > 0 and (scores["n_evaluated"] == n_evaluated).all()
    assert scores["hit_rate_at_k"].between(0, 1).all()
    # a target of a visitor outside the matrix (no pair) is not evaluated, nor is a
    # visitor without a target: the same scores
    extra = pd.DataFrame({"visitor_id": [5000], "item_id": [100]})
    best_extra, scores_extra = als.search_hyperparameters(
        pairs, pd.concat([targets, extra]), grid=grid, k=5
    )
    assert best == best_extra
    pd.testing.assert_frame_equal(scores, scores_extra)


def test_search_scores_by_brute_force():
    # the search's HR@k / MRR@k = ranking_metrics of recommend() over a fit per grid point
    pairs, targets = validation_inputs(planted_interactions(), "2015-06-21", 5)
    grid = {"factors": (3,), "regularization": (0.1,), "iterations": (4,)}
    _, scores = als.search_hyperparameters(pairs, targets, grid=grid, k=5)
    model = als.fit(als.matrix_from_weights(pairs), factors=3, regularization=0.1, iterations=4)
    evaluated = targets["visitor_id"].unique()
    lists = als.recommend(model, evaluated, 5, exclude=pairs)
    expected = ranking_metrics(lists, targets, 5, evaluated)
    assert scores["hit_rate_at_k"].iloc[0] == pytest.approx(expected["hit_rate_at_k"])
    assert scores["mrr_at_k"].iloc[0] == pytest.approx(expected["mrr_at_k"])


def test_search_picks_the_better_grid_point():
    pairs, targets = validation_inputs(planted_interactions(n_visitors=200), "2015-06-21", 6)
    grid = {"factors": (1, 4), "regularization": (0.01,), "iterations": (10,)}
    best, scores = als.search_hyperparameters(pairs, targets, grid=grid, k=3)
    top = scores.sort_values(["hit_rate_at_k", "mrr_at_k"], ascending=False).iloc[0]
    assert best["factors"] == int(top["factors"])


def test_per_tier_models_and_global_fallback():
    interactions = planted_interactions()
    tiers = pd.DataFrame({"visitor_id": [0, 1, 2, 70], "value_tier": ["high", "high", "low", None]})
    params = {"factors": 2, "regularization": 0.01, "iterations": 5}
    models = als.fit_per_tier(interactions, tiers, params)
    assert set(models) == {None, "high", "low"}
    assert models["high"].visitor_ids.tolist() == [0, 1]
    lists = als.recommend_per_tier(models, tiers, np.array([0, 2, 70, 80]), 3)
    served = lists.groupby("visitor_id")["model"].first().to_dict()
    assert served == {0: "high", 2: "low", 70: "global", 80: "global"}


def test_ranking_metrics_hand_computed():
    lists = pd.DataFrame(
        {"visitor_id": [1, 1, 1, 2, 2], "item_id": [10, 11, 12, 20, 21], "rank": [1, 2, 3, 1, 2]}
    )
    targets = pd.DataFrame({"visitor_id": [1, 1, 2, 3], "item_id": [12, 13, 99, 30]})
    metrics = ranking_metrics(lists, targets, k=3)
    # visitor 1: hit at rank 3 (1 of 2 targets); 2: miss; 3: no list = miss
    assert metrics["n_evaluated"] == 3
    assert metrics["hit_rate_at_k"] == pytest.approx(1 / 3)
    assert metrics["mrr_at_k"] == pytest.approx((1 / 3) / 3)
    assert metrics["recall_at_k"] == pytest.approx(0.5 / 3)
    assert ranking_metrics(lists, targets, k=2)["hit_rate_at_k"] == 0.0


def test_new_item_targets_drop_repeats():
    before = pd.DataFrame({"visitor_id": [1, 1], "item_id": [10, 11]})
    after = pd.DataFrame({"visitor_id": [1, 1, 1, 2], "item_id": [10, 12, 12, 10]})
    targets = new_item_targets(before, after)
    assert targets.values.tolist() == [[1, 12], [2, 10]]


def test_fit_does_not_warn_about_blas_threads():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        als.fit(als.build_matrix(planted_interactions()), factors=2, iterations=2)


def test_matrix_from_weights_matches_build_matrix():
    events = planted_interactions()
    weights = {"view": 1.0}
    pairs = events.assign(weight=1.0).groupby(["visitor_id", "item_id"], as_index=False)["weight"]
    from_pairs = als.matrix_from_weights(pairs.sum(), min_items_per_visitor=2)
    from_events = als.build_matrix(events, weights, min_items_per_visitor=2)
    assert (from_pairs.matrix != from_events.matrix).nnz == 0
    assert from_pairs.visitor_ids.tolist() == from_events.visitor_ids.tolist()


def test_candidates_exclude_own_items_and_stay_in_taste_group():
    events = planted_interactions()
    pairs = events.assign(weight=1.0).groupby(["visitor_id", "item_id"], as_index=False)["weight"]
    pairs = pairs.sum()
    params = {"factors": 4, "regularization": 0.1, "iterations": 10}
    lists = als.candidates(pairs, np.array([0, 119, 999]), n=3, params=params)
    assert sorted(lists["visitor_id"].unique().tolist()) == [0, 119]  # 999 is unknown
    assert lists.groupby("visitor_id")["rank"].apply(list).tolist() == [[1, 2, 3], [1, 2, 3]]
    seen = set(map(tuple, pairs[["visitor_id", "item_id"]].to_numpy().tolist()))
    assert not any((v, i) in seen for v, i in lists[["visitor_id", "item_id"]].to_numpy().tolist())
    # visitor 0 likes items 100..111, visitor 119 items 200..211
    assert lists.loc[lists["visitor_id"] == 0, "item_id"].between(100, 111).all()
    assert lists.loc[lists["visitor_id"] == 119, "item_id"].between(200, 211).all()


def test_search_table_flags_exactly_one_chosen_point():
    grid = {"factors": (2, 4), "regularization": (0.1,), "iterations": (5,)}
    pairs, targets = validation_inputs(planted_interactions(), "2015-06-21", 5)
    table = als.search_table(pairs, targets, grid=grid, k=5)
    assert list(table.columns) == als.SEARCH_COLUMNS
    assert len(table) == 2 and int(table["is_chosen"].sum()) == 1
    best = table.sort_values(["hit_rate_at_k", "mrr_at_k"], ascending=False, kind="stable").iloc[0]
    assert bool(best["is_chosen"])
    # nothing to validate on (no pair before the window): the first grid point, one row each
    pairs, targets = validation_inputs(planted_interactions(), "2015-05-01", 5)
    assert pairs.empty
    empty = als.search_table(pairs, targets, grid=grid)
    assert empty["is_chosen"].tolist() == [True, False]
    assert (empty["n_evaluated"] == 0).all() and empty["hit_rate_at_k"].isna().all()


def test_restrict_items_keeps_the_most_visited_items():
    # items 10 (3 visitors), 20 (2), 30 (1), 40 (2): the top 2 are 10 and the lower id of
    # the tie 20 / 40
    pairs = pd.DataFrame(
        {
            "visitor_id": [1, 1, 2, 2, 3, 3, 1, 2],
            "item_id": [10, 20, 10, 20, 10, 30, 40, 40],
            "weight": 1.0,
        }
    )
    matrix = als.matrix_from_weights(pairs)
    model = als.fit(matrix, factors=2, iterations=2)
    small = als.restrict_items(model, matrix, 2)
    assert small.item_ids.tolist() == [10, 20]
    position = {item: i for i, item in enumerate(model.item_ids.tolist())}
    np.testing.assert_array_equal(small.item_factors[1], model.item_factors[position[20]])
    assert als.restrict_items(model, matrix, None) is model
    assert als.restrict_items(model, matrix, 10) is model
    lists = als.recommend(small, np.array([3]), 5)
    assert set(lists["item_id"]) <= {10, 20}
