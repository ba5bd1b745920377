"""top_k_cosine against a brute-force dense computation and a hand-computed case."""

import numpy as np
import pandas as pd
import pytest

from rocketmart.similarity import OUTPUT_COLUMNS, top_k_cosine, top_k_cosine_per_cutoff


def brute_force(visitors, items, k, min_item_visitors=2, min_common_visitors=2):
    """Dense reference: every pair checked one by one."""
    visitor_keys = sorted(set(visitors.tolist()))
    item_keys = sorted(set(items.tolist()))
    dense = np.zeros((len(visitor_keys), len(item_keys)), dtype=np.int64)
    for visitor, item in zip(visitors, items, strict=True):
        dense[visitor_keys.index(visitor), item_keys.index(item)] = 1
    n_visitors = dense.sum(axis=0)
    rows = []
    for a, item_a in enumerate(item_keys):
        if n_visitors[a] < min_item_visitors:
            continue
        neighbours = []
        for b, item_b in enumerate(item_keys):
            if a == b or n_visitors[b] < min_item_visitors:
                continue
            common = int((dense[:, a] & dense[:, b]).sum())
            if common < min_common_visitors:
                continue
            similarity = common / np.sqrt(float(n_visitors[a]) * float(n_visitors[b]))
            neighbours.append((-similarity, item_b, common, similarity))
        neighbours.sort()
        for rank, (_, item_b, common, similarity) in enumerate(neighbours[:k], start=1):
            rows.append((item_a, item_b, similarity, common, rank))
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


def test_hand_computed_example():
    # visitors 1..4; item 10 seen by 1,2,3; item 20 by 1,2; item 30 by 1,2,3; item 40 by 4.
    visitors = np.array([1, 1, 1, 2, 2, 2, 3, 3, 4, 1])
    items = np.array([10, 20, 30, 10, 20, 30, 10, 30, 40, 10])  # (1, 10) duplicated
    result = top_k_cosine(visitors, items, k=5)
    by_pair = {(r.item_id, r.similar_item_id): r for r in result.itertuples()}
    assert by_pair[(10, 30)].similarity == pytest.approx(1.0)
    assert by_pair[(10, 30)].n_common_visitors == 3
    assert by_pair[(10, 20)].similarity == pytest.approx(2 / np.sqrt(6))
    assert by_pair[(10, 30)].rank == 1 and by_pair[(10, 20)].rank == 2
    # item 40 has one visitor: it is never an item nor a neighbour
    assert 40 not in set(result.item_id) | set(result.similar_item_id)
    assert list(result.columns) == OUTPUT_COLUMNS


def test_ties_break_by_similar_item_id():
    # 10, 20, 30 share the same two visitors: every pair has similarity 1.
    visitors = np.array([1, 1, 1, 2, 2, 2])
    items = np.array([30, 20, 10, 10, 30, 20])
    result = top_k_cosine(visitors, items, k=1)
    assert result[["item_id", "similar_item_id", "rank"]].values.tolist() == [
        [10, 20, 1],
        [20, 10, 1],
        [30, 10, 1],
    ]


def test_min_common_visitors_threshold_drops_single_overlap():
    # 10 and 20 share only visitor 1 -> no pair, although both have two visitors.
    visitors = np.array([1, 1, 2, 3])
    items = np.array([10, 20, 10, 20])
    assert top_k_cosine(visitors, items, k=5).empty


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("k", [1, 3, 50])
def test_matches_brute_force_on_random_matrix(seed, k):
    rng = np.random.default_rng(seed)
    n = 400
    # few distinct item popularities -> many exact similarity ties
    visitors = rng.integers(0, 60, size=n)
    items = rng.zipf(1.6, size=n) % 25 + 100
    expected = brute_force(visitors, items, k)
    assert len(expected) > 0
    # blocks of 1 and 7 items (and all at once) give the same rows as the brute force
    for block_items in (1, 7, 4096):
        result = top_k_cosine(visitors, items, k, block_items=block_items)
        pd.testing.assert_frame_equal(
            result.reset_index(drop=True), expected, check_dtype=False, rtol=0, atol=1e-12
        )


def test_empty_input_gives_empty_frame_with_columns():
    result = top_k_cosine(np.array([], dtype=np.int64), np.array([], dtype=np.int64), k=5)
    assert result.empty and list(result.columns) == OUTPUT_COLUMNS


def test_per_cutoff_fits_each_cutoff_on_its_own_interactions():
    """Two cutoffs: the later one adds visitor 3 (items 1 and 3), which creates the pair
    1-3 (2 common visitors) only there; each cutoff equals its own top_k_cosine call."""
    early = {"visitor_id": np.array([1, 1, 2, 2]), "item_id": np.array([1, 2, 1, 2])}
    late = {
        "visitor_id": np.array([1, 1, 2, 2, 2, 3, 3]),
        "item_id": np.array([1, 2, 1, 2, 3, 1, 3]),
    }
    result = top_k_cosine_per_cutoff({"evaluation": early, "production": late}, k=5)
    assert list(result.columns) == ["cutoff_name", *OUTPUT_COLUMNS]
    for name, pairs in {"evaluation": early, "production": late}.items():
        expected = top_k_cosine(pairs["visitor_id"], pairs["item_id"], k=5)
        got = result[result.cutoff_name == name].drop(columns="cutoff_name").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)
    assert set(result[result.cutoff_name == "evaluation"].item_id) == {1, 2}
    # production: 1-3 share visitors 2 and 3: 2 / sqrt(3 * 2)
    pair = result[
        (result.cutoff_name == "production") & (result.item_id == 1) & (result.similar_item_id == 3)
    ]
    assert pair.similarity.iloc[0] == pytest.approx(2 / np.sqrt(6))


def test_per_cutoff_accepts_a_generator_of_cutoffs():
    pairs = {"visitor_id": np.array([1, 1, 2, 2]), "item_id": np.array([1, 2, 1, 2])}
    from_mapping = top_k_cosine_per_cutoff({"production": pairs}, k=5)
    from_generator = top_k_cosine_per_cutoff(((name, pairs) for name in ["production"]), k=5)
    pd.testing.assert_frame_equal(from_mapping, from_generator)
    assert len(from_mapping) == 2


def test_per_cutoff_without_cutoffs_is_empty_with_columns():
    result = top_k_cosine_per_cutoff({}, k=5)
    assert result.empty
    assert list(result.columns) == ["cutoff_name", *OUTPUT_COLUMNS]
