"""ALS candidate generator over the pairs frame the models pass (int_recommendation_als_pairs:
visitor_id, item_id, weight): matrix, determinism, planted structure, exclusion, top-n
against a brute-force sort, search."""

import warnings

import numpy as np
import pandas as pd
import pytest

from rocketmart import als
from rocketmart.ranking import ranking_metrics


@pytest.fixture(autouse=True)
def no_searched_fit():
    """Every test starts without a search's fit for fit() to serve."""
    als._searched_fit.clear()


def planted_events(seed=0, n_visitors=120, start="2015-06-01"):
    """Two taste groups: visitors 0..59 view items 100..111, the others 200..211."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp(start)
    for visitor in range(n_visitors):
        base = 100 if visitor < n_visitors // 2 else 200
        for offset in rng.choice(12, 6, replace=False):
            day = int(rng.integers(0, 20))
            rows.append((visitor, base + int(offset), start + pd.Timedelta(days=day)))
    return pd.DataFrame(rows, columns=["visitor_id", "item_id", "event_at"])


def summed_pairs(events):
    """Brute force of int_recommendation_als_pairs for view-only events (weight 1 each):
    one row per (visitor, item) with the summed weight."""
    pairs = events.assign(weight=1.0).groupby(["visitor_id", "item_id"], as_index=False)
    return pairs["weight"].sum()


def planted_pairs(seed=0, n_visitors=120):
    return summed_pairs(planted_events(seed, n_visitors))


def test_matrix_from_weights_hand_computed():
    # the SQL model's rows, in no particular order; weights = summed event-type weights
    pairs = pd.DataFrame(
        {
            "visitor_id": [2, 1, 1, 5],
            "item_id": [10, 20, 10, 30],
            "weight": [1.0, 10.0, 6.0, 0.0],
        }
    )
    result = als.matrix_from_weights(pairs)
    assert result.visitor_ids.tolist() == [1, 2]  # visitor 5's only pair weighs nothing
    assert result.item_ids.tolist() == [10, 20]
    assert result.matrix.dtype == np.float32
    np.testing.assert_allclose(
        result.matrix.toarray(), np.log1p([[6.0, 10.0], [1.0, 0.0]]), rtol=1e-6
    )
    # the row order of the frame does not change the matrix
    shuffled = als.matrix_from_weights(pairs.iloc[::-1])
    assert (shuffled.matrix != result.matrix).nnz == 0
    empty = als.matrix_from_weights(pairs.iloc[:0])
    assert empty.matrix.shape == (0, 0)


def test_fit_and_recommend_are_deterministic():
    pairs = planted_pairs()
    matrix = als.matrix_from_weights(pairs)
    first_model = als.fit(matrix, factors=4, iterations=8)
    first = als.recommend(first_model, None, 5)
    # refitted on the same pairs in another row order: the same bits
    again = als.fit(als.matrix_from_weights(pairs.sample(frac=1.0, random_state=3)), 4, 0.1, 8)
    np.testing.assert_array_equal(first_model.item_factors, again.item_factors)
    np.testing.assert_array_equal(first_model.visitor_factors, again.visitor_factors)
    pd.testing.assert_frame_equal(first, als.recommend(again, None, 5))
    assert list(first.columns) == als.RECOMMEND_COLUMNS
    # another seed gives other factors (the seed is what makes it repeatable)
    other = als.fit(matrix, factors=4, iterations=8, random_state=7)
    assert not np.array_equal(first_model.item_factors, other.item_factors)


def test_planted_structure_recovered():
    pairs = planted_pairs()
    # two planted groups, two factors: every unseen item of the visitor's own group (6 of
    # them) outranks the other group's items
    model = als.fit(als.matrix_from_weights(pairs), factors=2, regularization=0.01, iterations=15)
    lists = als.recommend(model, None, 6, exclude=pairs)
    group = np.where(lists["visitor_id"] < 60, 100, 200)
    assert ((lists["item_id"] // 100) * 100 == group).all()
    # with spare factors the top 3 are still all from the visitor's group
    model = als.fit(als.matrix_from_weights(pairs), factors=8, regularization=0.1, iterations=15)
    lists = als.recommend(model, None, 3, exclude=pairs)
    group = np.where(lists["visitor_id"] < 60, 100, 200)
    assert ((lists["item_id"] // 100) * 100 == group).mean() >= 0.99


def test_exclusion_honoured_and_ranks_contiguous():
    pairs = planted_pairs()
    model = als.fit(als.matrix_from_weights(pairs), factors=4, iterations=5)
    lists = als.recommend(model, None, 20, exclude=pairs)
    assert lists.merge(pairs[["visitor_id", "item_id"]], how="inner").empty
    # 24 items, 6 seen: exactly 18 per visitor, ranked 1..18 by score desc
    sizes = lists.groupby("visitor_id")["rank"].agg(["size", "max"])
    assert (sizes["size"] == 18).all() and (sizes["max"] == 18).all()
    assert lists.groupby("visitor_id")["score"].is_monotonic_decreasing.all()


def brute_force_lists(model, visitor_ids, n, exclude):
    """Every (visitor, item) score, rounded to 6 decimals, excluded pairs dropped, sorted
    by score desc then item_id, the first n per visitor."""
    position = {visitor: i for i, visitor in enumerate(model.visitor_ids.tolist())}
    scores = model.visitor_factors @ model.item_factors.T
    rows = [
        (visitor, item, round(float(scores[position[visitor], j]), 6))
        for visitor in sorted(set(visitor_ids.tolist()) & set(position))
        for j, item in enumerate(model.item_ids.tolist())
    ]
    frame = pd.DataFrame(rows, columns=["visitor_id", "item_id", "score"])
    frame = frame.merge(exclude.assign(_seen=True), how="left", on=["visitor_id", "item_id"])
    frame = frame[frame["_seen"].isna()].drop(columns="_seen")
    frame = frame.sort_values(["visitor_id", "score", "item_id"], ascending=[True, False, True])
    frame["rank"] = frame.groupby("visitor_id").cumcount() + 1
    return frame[frame["rank"] <= n].reset_index(drop=True)


@pytest.mark.parametrize("n", [1, 3, 10, 60])
def test_recommend_matches_a_brute_force_sort(n):
    # scores on a coarse grid (many exact ties), 57 items, batches of 7 visitors
    rng = np.random.default_rng(n)
    model = als.AlsModel(
        visitor_factors=rng.integers(-3, 4, size=(40, 3)).astype(np.float32),
        item_factors=(rng.integers(-2, 3, size=(57, 3)) / 4).astype(np.float32),
        visitor_ids=np.arange(40) * 3,
        item_ids=np.sort(rng.choice(1000, 57, replace=False)),
    )
    exclude = pd.DataFrame(
        {
            "visitor_id": rng.choice(model.visitor_ids, 300),
            "item_id": rng.choice(model.item_ids, 300),
        }
    ).drop_duplicates()
    asked = np.r_[model.visitor_ids[::2], 1, 2]  # 1 and 2 are unknown to the model
    lists = als.recommend(model, asked, n, exclude=exclude, batch_size=7)
    expected = brute_force_lists(model, asked, n, exclude)
    pd.testing.assert_frame_equal(lists, expected[als.RECOMMEND_COLUMNS], check_dtype=False)


def test_pool_entries_hold_each_rows_largest():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 50, size=(30, 500)).astype(np.float32)
    scores[0, :] = -np.inf  # a row with everything excluded
    scores[1, 490:] = -np.inf
    for pool in (1, 5, 18, 499, 500, 600):
        rows, cols = als._pool_entries(scores, pool)
        chosen = np.zeros(scores.shape, dtype=bool)
        chosen[rows, cols] = True
        kth = -np.sort(-scores, axis=1)[:, min(pool, scores.shape[1]) - 1]
        # every entry at or above the row's pool-th largest value is in
        assert (chosen | (scores < kth[:, None])).all()
        assert (np.diff(rows) >= 0).all()


@pytest.mark.parametrize("pool", [1, 4, 9, 28])
def test_top_raw_is_argpartitions_set(pool):
    # many exact ties (the boundary often inside a run of equal scores), excluded (-inf)
    # entries, a row of zeros: the same (row, column) set as an argpartition of every row
    rng = np.random.default_rng(pool)
    scores = rng.integers(0, 6, size=(60, 97)).astype(np.float32)
    scores[rng.random(scores.shape) < 0.2] = -np.inf
    scores[3] = 0.0
    rows, cols = als._top_raw(scores, pool)
    picked = np.argpartition(scores, scores.shape[1] - pool, axis=1)[:, scores.shape[1] - pool :]
    expected = {(row, col) for row in range(scores.shape[0]) for col in picked[row]}
    assert len(rows) == len(expected) == scores.shape[0] * pool
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == expected


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
    model = als.fit(als.matrix_from_weights(planted_pairs()), factors=2, iterations=2)
    assert als.recommend(model, np.array([], dtype=np.int64), 5).empty
    assert als.recommend(model, None, 0).empty
    empty = als.matrix_from_weights(planted_pairs().iloc[:0])
    assert als.recommend(als.fit(empty, factors=2), None, 5).empty


def validation_inputs(events, cutoff, validation_days):
    """Brute force of the SQL behind the search (int_recommendation_als_pairs and
    _new_item_targets, one weight per event): the summed pairs of the events up to
    cutoff - validation_days, and each matrix visitor's new items in (that, cutoff]."""
    start = pd.Timestamp(cutoff) - pd.Timedelta(days=validation_days)
    before = events[events["event_at"] <= start]
    window = events[(events["event_at"] > start) & (events["event_at"] <= pd.Timestamp(cutoff))]
    pairs = summed_pairs(before)
    window_pairs = window[["visitor_id", "item_id"]].drop_duplicates()
    merged = window_pairs.merge(pairs[["visitor_id", "item_id"]], how="left", indicator=True)
    targets = merged.loc[merged["_merge"] == "left_only", ["visitor_id", "item_id"]]
    return pairs, targets[targets["visitor_id"].isin(pairs["visitor_id"])]


def test_validation_inputs_new_items_only():
    events = pd.DataFrame(
        {
            "visitor_id": [1, 1, 1, 1, 2, 2],
            "item_id": [10, 11, 10, 12, 10, 13],
            "event_at": pd.to_datetime(
                ["2015-06-01", "2015-06-01", "2015-06-05", "2015-06-06", "2015-06-01", "2015-06-09"]
            ),
        }
    )
    pairs, targets = validation_inputs(events, "2015-06-07", 3)
    # window (06-04, 06-07]: visitor 1 repeats 10 (not new) and discovers 12; visitor 2's
    # 13 is after the window (the test window), never a validation target
    assert pairs.values.tolist() == [[1, 10, 1.0], [1, 11, 1.0], [2, 10, 1.0]]
    assert targets.values.tolist() == [[1, 12]]


def test_search_evaluates_matrix_visitors_with_a_target_only():
    pairs, targets = validation_inputs(planted_events(), "2015-06-21", 5)
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


def test_search_never_reads_past_the_validation_window():
    # events after the window (the test window) change neither the inputs nor the choice
    events = planted_events()
    later = planted_events(seed=1, start="2015-06-22").assign(item_id=lambda f: f["item_id"] + 1)
    grid = {"factors": (2, 4), "regularization": (0.01,), "iterations": (5,)}
    pairs, targets = validation_inputs(events, "2015-06-21", 5)
    pairs_more, targets_more = validation_inputs(pd.concat([events, later]), "2015-06-21", 5)
    pd.testing.assert_frame_equal(pairs, pairs_more)
    pd.testing.assert_frame_equal(targets, targets_more)
    _, scores = als.search_hyperparameters(pairs, targets, grid=grid, k=5)
    _, scores_more = als.search_hyperparameters(pairs_more, targets_more, grid=grid, k=5)
    pd.testing.assert_frame_equal(scores, scores_more)


def test_search_scores_by_brute_force():
    # the search's HR@k / MRR@k = ranking_metrics of recommend() over a fit per grid point,
    # the visitor's own matrix items excluded
    pairs, targets = validation_inputs(planted_events(), "2015-06-21", 5)
    grid = {"factors": (3,), "regularization": (0.1,), "iterations": (4,)}
    _, scores = als.search_hyperparameters(pairs, targets, grid=grid, k=5)
    model = als.fit(als.matrix_from_weights(pairs), factors=3, regularization=0.1, iterations=4)
    evaluated = targets["visitor_id"].unique()
    lists = brute_force_lists(model, evaluated, 5, pairs[["visitor_id", "item_id"]])
    expected = ranking_metrics(lists, targets, 5, evaluated)
    assert scores["hit_rate_at_k"].iloc[0] == pytest.approx(expected["hit_rate_at_k"])
    assert scores["mrr_at_k"].iloc[0] == pytest.approx(expected["mrr_at_k"])


def test_search_picks_the_better_grid_point():
    pairs, targets = validation_inputs(planted_events(n_visitors=200), "2015-06-21", 6)
    grid = {"factors": (1, 4), "regularization": (0.01,), "iterations": (10,)}
    best, scores = als.search_hyperparameters(pairs, targets, grid=grid, k=3)
    top = scores.sort_values(["hit_rate_at_k", "mrr_at_k"], ascending=False).iloc[0]
    assert best["factors"] == int(top["factors"])
    assert scores["hit_rate_at_k"].nunique() == 2  # the grid points differ: a real choice


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


def test_fit_serves_the_searched_fit_once_and_only_for_its_input():
    pairs, targets = validation_inputs(planted_events(), "2015-06-21", 5)
    matrix = als.matrix_from_weights(pairs)
    grid = {"factors": (2, 3), "regularization": (0.1,), "iterations": (4,)}
    best, _ = als.search_hyperparameters(pairs, targets, grid=grid, k=5)
    other = {**best, "factors": 5 - best["factors"]}  # the grid point not chosen
    assert als.fit(matrix, **other) is not None and len(als._searched_fit) == 1
    # another matrix (one weight changed) or another seed: not the searched fit
    heavier = pairs.assign(weight=np.where(pairs.index == 0, 2.0, pairs["weight"]))
    als.fit(als.matrix_from_weights(heavier), **best)
    als.fit(matrix, **best, random_state=1)
    assert len(als._searched_fit) == 1
    # the chosen values on the same pairs (any row order): served, once, and the same bits
    # as a fit of its own
    served = als.fit(als.matrix_from_weights(pairs.iloc[::-1]), **best)
    assert not als._searched_fit
    refit = als.fit(matrix, **best)
    assert refit is not served
    np.testing.assert_array_equal(served.item_factors, refit.item_factors)
    np.testing.assert_array_equal(served.visitor_factors, refit.visitor_factors)
    # a search with nobody to evaluate keeps no fit
    als.search_hyperparameters(*validation_inputs(planted_events(), "2015-05-01", 5), grid=grid)
    assert not als._searched_fit


def test_fit_does_not_warn_about_blas_threads():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        als.fit(als.matrix_from_weights(planted_pairs()), factors=2, iterations=2)


def test_candidates_exclude_own_items_and_stay_in_taste_group():
    pairs = planted_pairs()
    params = {"factors": 4, "regularization": 0.1, "iterations": 10}
    lists = als.candidates(pairs, np.array([0, 119, 999]), n=3, params=params)
    assert sorted(lists["visitor_id"].unique().tolist()) == [0, 119]  # 999 is unknown
    assert lists.groupby("visitor_id")["rank"].apply(list).tolist() == [[1, 2, 3], [1, 2, 3]]
    assert lists.merge(pairs[["visitor_id", "item_id"]], how="inner").empty
    # visitor 0 likes items 100..111, visitor 119 items 200..211
    assert lists.loc[lists["visitor_id"] == 0, "item_id"].between(100, 111).all()
    assert lists.loc[lists["visitor_id"] == 119, "item_id"].between(200, 211).all()
    # = the fit on the whole matrix, listed for the asked visitors only
    model = als.fit(als.matrix_from_weights(pairs), **params)
    expected = als.recommend(model, np.array([0, 119]), 3, exclude=pairs)
    pd.testing.assert_frame_equal(lists, expected)


def test_search_table_flags_exactly_one_chosen_point():
    grid = {"factors": (2, 4), "regularization": (0.1,), "iterations": (5,)}
    pairs, targets = validation_inputs(planted_events(), "2015-06-21", 5)
    table = als.search_table(pairs, targets, grid=grid, k=5)
    assert list(table.columns) == als.SEARCH_COLUMNS
    assert len(table) == 2 and int(table["is_chosen"].sum()) == 1
    best = table.sort_values(["hit_rate_at_k", "mrr_at_k"], ascending=False, kind="stable").iloc[0]
    assert bool(best["is_chosen"])
    # nothing to validate on (no pair before the window): the first grid point, one row each
    pairs, targets = validation_inputs(planted_events(), "2015-05-01", 5)
    assert pairs.empty
    empty = als.search_table(pairs, targets, grid=grid)
    assert empty["is_chosen"].tolist() == [True, False]
    assert (empty["n_evaluated"] == 0).all() and empty["hit_rate_at_k"].isna().all()
