"""Implicit-feedback ALS (``implicit``'s AlternatingLeastSquares) as a candidate generator.

Pure functions over frames and arrays:

- :func:`matrix_from_weights`: the weighted visitor x item CSR matrix from the pairs of
  the dbt model int_recommendation_als_pairs (visitor_id, item_id, weight = the summed
  event-type weights of the pair's events; bots, long-tail items and one-item visitors
  already filtered in SQL); a pair's value is log1p(weight).
- :func:`fit`: ALS with a fixed ``random_state``, one BLAS thread and ``num_threads=1``,
  so the same matrix always gives the same factors.
- :func:`recommend`: each visitor's top-``n`` items by factor dot product, excluding given
  (visitor, item) pairs; ties by item_id.
- :func:`candidates`: one cutoff's fit + lists.
- :func:`search_hyperparameters` / :func:`search_table`: a small grid over factors,
  regularisation and iterations scored by HR@k on a validation window: fitted on the
  pairs at the window's start, scored on the items visitors first touched in it (both
  passed in, so later rows are never seen).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from threadpoolctl import threadpool_limits

from rocketmart.ranking import ranking_metrics

# the hyper-parameters of a grid, in the order grid points are enumerated
GRID_NAMES = ("factors", "regularization", "iterations")
DEFAULT_GRID = {
    "factors": (8, 16, 32),
    "regularization": (0.01, 0.1),
    "iterations": (10, 20),
}
RECOMMEND_COLUMNS = ["visitor_id", "item_id", "score", "rank"]
# the chosen fit of the last hyper-parameter search in this process, by a digest of its
# matrix and parameters (:func:`_fit_key`): int_recommendation_als_candidates fits the
# searched (training) cutoff's matrix with the chosen values again, the same input and so
# the same bits (fit is deterministic); :func:`fit` serves that one call from here
_searched_fit: dict[str, AlsModel] = {}
_searched_fit_lock = threading.Lock()


@dataclass(frozen=True)
class InteractionMatrix:
    """A visitor x item CSR matrix with the ids of its rows and columns (both sorted)."""

    matrix: sparse.csr_matrix
    visitor_ids: np.ndarray
    item_ids: np.ndarray


@dataclass(frozen=True)
class AlsModel:
    """Fitted factors; rows align with the InteractionMatrix it was fitted on."""

    visitor_factors: np.ndarray
    item_factors: np.ndarray
    visitor_ids: np.ndarray
    item_ids: np.ndarray


def fit(
    interactions: InteractionMatrix,
    factors: int = 32,
    regularization: float = 0.1,
    iterations: int = 15,
    alpha: float = 1.0,
    random_state: int = 42,
) -> AlsModel:
    """Fit ALS deterministically (fixed seed, one BLAS thread, one implicit thread).

    The fit a :func:`search_hyperparameters` just made with the values it chose (same
    matrix, same parameters: the same factors) is returned once instead of refitted."""
    key = _fit_key(interactions, factors, regularization, iterations, alpha, random_state)
    with _searched_fit_lock:
        searched = _searched_fit.pop(key, None)
    if searched is not None:
        return searched
    return _fit(interactions, factors, regularization, iterations, alpha, random_state)


def _fit_key(interactions: InteractionMatrix, *params: float) -> str:
    """Digest of the matrix (values, structure, row and column ids) and the parameters
    (factors, regularization, iterations, alpha, random_state; compared as floats)."""
    matrix = interactions.matrix
    values = tuple(float(value) for value in params)
    digest = hashlib.blake2b(repr((matrix.shape, matrix.dtype.str, values)).encode())
    for array in (
        matrix.indptr,
        matrix.indices,
        matrix.data,
        interactions.visitor_ids,
        interactions.item_ids,
    ):
        digest.update(repr((array.dtype.str, array.shape)).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _fit(
    interactions: InteractionMatrix,
    factors: int,
    regularization: float,
    iterations: int,
    alpha: float,
    random_state: int,
) -> AlsModel:
    from implicit.cpu.als import AlternatingLeastSquares

    n_visitors, n_items = interactions.matrix.shape
    if n_visitors == 0 or n_items == 0:
        return AlsModel(
            visitor_factors=np.zeros((n_visitors, factors), dtype=np.float32),
            item_factors=np.zeros((n_items, factors), dtype=np.float32),
            visitor_ids=interactions.visitor_ids,
            item_ids=interactions.item_ids,
        )
    with threadpool_limits(limits=1):
        model = AlternatingLeastSquares(
            factors=factors,
            regularization=regularization,
            alpha=alpha,
            iterations=iterations,
            calculate_training_loss=False,
            num_threads=1,
            random_state=random_state,
        )
        model.fit(interactions.matrix, show_progress=False)
    return AlsModel(
        visitor_factors=np.asarray(model.user_factors, dtype=np.float32),
        item_factors=np.asarray(model.item_factors, dtype=np.float32),
        visitor_ids=interactions.visitor_ids,
        item_ids=interactions.item_ids,
    )


def _empty_recommendations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "visitor_id": pd.Series([], dtype="int64"),
            "item_id": pd.Series([], dtype="int64"),
            "score": pd.Series([], dtype="float64"),
            "rank": pd.Series([], dtype="int64"),
        }
    )


def recommend(
    model: AlsModel,
    visitor_ids: np.ndarray | None,
    n: int,
    exclude: pd.DataFrame | None = None,
    batch_size: int = 512,
) -> pd.DataFrame:
    """Top-``n`` items per visitor (visitor_id, item_id, score, rank), rank 1-based.

    ``visitor_ids`` None = every visitor of the model; visitors unknown to the model get
    no rows. ``exclude`` (visitor_id, item_id) pairs are never recommended. Ties are
    broken by item_id; scores are rounded to 6 decimals so float noise cannot reorder.
    Cost: one dense (batch x items) product per batch, i.e. about visitors x items x
    factors flops, and a few linear passes over it (:func:`_pool_entries`).
    """
    if visitor_ids is None:
        visitor_ids = model.visitor_ids
    visitor_ids = np.unique(np.asarray(visitor_ids, dtype=np.int64))
    positions = np.searchsorted(model.visitor_ids, visitor_ids)
    positions = np.clip(positions, 0, max(model.visitor_ids.size - 1, 0))
    known = (model.visitor_ids.size > 0) & (model.visitor_ids[positions] == visitor_ids)
    visitor_ids, positions = visitor_ids[known], positions[known]
    n_items = model.item_ids.size
    if n <= 0 or visitor_ids.size == 0 or n_items == 0:
        return _empty_recommendations()

    excluded = sparse.csr_matrix((visitor_ids.size, n_items), dtype=np.int8)
    if exclude is not None and len(exclude):
        row = np.searchsorted(visitor_ids, exclude["visitor_id"].to_numpy(dtype=np.int64))
        col = np.searchsorted(model.item_ids, exclude["item_id"].to_numpy(dtype=np.int64))
        row_ok = (row < visitor_ids.size) & (
            visitor_ids[np.minimum(row, visitor_ids.size - 1)]
            == exclude["visitor_id"].to_numpy(dtype=np.int64)
        )
        col_ok = (col < n_items) & (
            model.item_ids[np.minimum(col, n_items - 1)]
            == exclude["item_id"].to_numpy(dtype=np.int64)
        )
        keep = row_ok & col_ok
        excluded = sparse.csr_matrix(
            (np.ones(int(keep.sum()), dtype=np.int8), (row[keep], col[keep])),
            shape=(visitor_ids.size, n_items),
        )

    top = min(n, n_items)
    # a pool a little deeper than n (each visitor's top + 8 raw scores), so items tied
    # at the boundary after rounding are still ordered by item_id
    pool = min(top + 8, n_items)
    out_visitors, out_items, out_scores, out_ranks = [], [], [], []
    with threadpool_limits(limits=1):
        for start in range(0, visitor_ids.size, batch_size):
            stop = min(start + batch_size, visitor_ids.size)
            scores = model.visitor_factors[positions[start:stop]] @ model.item_factors.T
            block = excluded[start:stop].tocoo()
            scores[block.row, block.col] = -np.inf
            rows, cols = _top_raw(scores, pool)
            values = np.round(scores[rows, cols].astype(np.float64), 6)
            finite = np.isfinite(values)
            rows, cols, values = rows[finite], cols[finite], values[finite]
            # exact order: score desc, item index asc (= item_id asc: item_ids are sorted)
            order = np.lexsort((cols, -values, rows))
            rows, cols, values = rows[order], cols[order], values[order]
            rank = _rank_within(rows)
            keep = rank <= top
            out_visitors.append(visitor_ids[start + rows[keep]])
            out_items.append(model.item_ids[cols[keep]])
            out_scores.append(values[keep])
            out_ranks.append(rank[keep])
    return pd.DataFrame(
        {
            "visitor_id": np.concatenate(out_visitors),
            "item_id": np.concatenate(out_items),
            "score": np.concatenate(out_scores),
            "rank": np.concatenate(out_ranks).astype(np.int64),
        }
    )


def _top_raw(scores: np.ndarray, pool: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each row's ``pool`` largest scores (in no particular order).

    The set is np.argpartition's (the row's ``pool`` largest; where equal scores straddle
    the ``pool``-th place, argpartition's pick among them), found by :func:`_pool_entries`
    for every row whose ``pool`` largest are unambiguous and by argpartition only for the
    rows where they are not (rows are independent in argpartition: the same pick).
    """
    n_rows, n_columns = scores.shape
    if pool >= n_columns:
        return _pool_entries(scores, pool)
    rows, cols = _pool_entries(scores, pool)
    raw = scores[rows, cols]
    order = np.lexsort((cols, -raw, rows))
    rows, cols, raw = rows[order], cols[order], raw[order]
    rank = _rank_within(rows)
    # the (pool + 1)-th largest equal to the pool-th: which of them is in is argpartition's
    after = np.flatnonzero(rank == pool + 1)
    tied = np.unique(rows[after[raw[after] == raw[after - 1]]])
    keep = (rank <= pool) & ~np.isin(rows, tied)
    rows, cols = rows[keep], cols[keep]
    if tied.size:
        picked = np.argpartition(scores[tied], n_columns - pool, axis=1)[:, n_columns - pool :]
        rows = np.concatenate([rows, np.repeat(tied, pool)])
        cols = np.concatenate([cols, picked.ravel()])
    return rows, cols


def _pool_entries(scores: np.ndarray, pool: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every entry of ``scores`` at or above its row's threshold, a
    threshold at most the row's ``pool``-th largest value: each row's ``pool`` largest
    entries and every entry tied with them (maybe a few more), in row-major order.

    The threshold is the ``pool``-th largest of the row's block maxima (blocks of
    adjacent columns, ~4 x pool of them): ``pool`` distinct entries reach it. Block
    maxima and one comparison cost a few linear passes, a fraction of an argpartition
    of every row. ``pool`` >= the columns: every entry.
    """
    n_rows, n_columns = scores.shape
    if pool >= n_columns:
        return np.nonzero(np.ones(scores.shape, dtype=bool))
    width = max(1, n_columns // (4 * pool))
    block_max = np.maximum.reduceat(scores, np.arange(0, n_columns, width), axis=1)
    n_blocks = block_max.shape[1]
    threshold = np.partition(block_max, n_blocks - pool, axis=1)[:, n_blocks - pool]
    return np.nonzero(scores >= threshold[:, None])


def _rank_within(sorted_groups: np.ndarray) -> np.ndarray:
    """1-based position of each element within its run of equal (sorted) group keys."""
    if sorted_groups.size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    lengths = np.diff(np.r_[starts, sorted_groups.size])
    return np.arange(sorted_groups.size) - np.repeat(starts, lengths) + 1


def _grid_points(grid: dict[str, tuple]) -> list[dict]:
    """Every (factors, regularization, iterations) combination of ``grid``, GRID_NAMES order."""
    return [
        dict(zip(GRID_NAMES, values, strict=True))
        for values in itertools.product(*(grid[name] for name in GRID_NAMES))
    ]


def search_hyperparameters(
    pairs: pd.DataFrame,
    targets: pd.DataFrame,
    grid: dict[str, tuple] | None = None,
    k: int = 10,
    random_state: int = 42,
) -> tuple[dict, pd.DataFrame]:
    """Choose (factors, regularization, iterations) on a validation window.

    ``pairs`` (visitor_id, item_id, weight) = the ALS matrix at the start of the window
    (every pair is kept: filter visitors and items before); ``targets`` (visitor_id,
    item_id) = the items each visitor first touched in the window. Only the window's
    data is passed in, so nothing after it can be seen. Evaluated = the matrix's visitors
    with a target; their matrix items are excluded from their lists. Each grid point is
    one fit; score = HR@k (ties: MRR@k, then the first grid point). Returns (best
    parameters, one row per grid point with hit_rate_at_k, mrr_at_k, n_evaluated).
    """
    grid = DEFAULT_GRID if grid is None else grid
    matrix = matrix_from_weights(pairs)
    target_visitors = targets["visitor_id"].to_numpy(dtype=np.int64)
    targets = targets[np.isin(target_visitors, matrix.visitor_ids)]
    evaluated = np.unique(targets["visitor_id"].to_numpy(dtype=np.int64))
    seen = pairs.loc[
        np.isin(pairs["visitor_id"].to_numpy(dtype=np.int64), evaluated), ["visitor_id", "item_id"]
    ]

    rows = []
    # the chosen grid point so far (the first of equal scores) and its fit: one model in
    # memory, kept for fit() to serve
    best_params, best_model, best_score = None, None, None
    for params in _grid_points(grid):
        model = _fit(matrix, alpha=1.0, random_state=random_state, **params)
        lists = recommend(model, evaluated, k, exclude=seen)
        metrics = ranking_metrics(lists, targets, k, evaluated)
        rows.append({**params, **metrics})
        score = (metrics["hit_rate_at_k"], metrics["mrr_at_k"])
        if best_score is None or score > best_score:
            best_params, best_model, best_score = params, model, score
    scores = pd.DataFrame(rows)
    with _searched_fit_lock:
        _searched_fit.clear()
    if scores.empty or scores["n_evaluated"].iloc[0] == 0:
        best = {name: grid[name][0] for name in GRID_NAMES}
        return best, scores
    best = {
        "factors": int(best_params["factors"]),
        "regularization": float(best_params["regularization"]),
        "iterations": int(best_params["iterations"]),
    }
    key = _fit_key(
        matrix, best["factors"], best["regularization"], best["iterations"], 1.0, random_state
    )
    with _searched_fit_lock:
        _searched_fit[key] = best_model
    return best, scores


SEARCH_COLUMNS = [
    "factors",
    "regularization",
    "iterations",
    "hit_rate_at_k",
    "mrr_at_k",
    "n_evaluated",
    "is_chosen",
]


def search_table(
    pairs: pd.DataFrame,
    targets: pd.DataFrame,
    grid: dict[str, tuple] | None = None,
    k: int = 10,
) -> pd.DataFrame:
    """:func:`search_hyperparameters` as one row per grid point, the chosen one flagged.

    Columns SEARCH_COLUMNS; exactly one row has ``is_chosen`` (the first grid point when
    the validation window has no evaluable visitor).
    """
    grid = DEFAULT_GRID if grid is None else grid
    best, scores = search_hyperparameters(pairs, targets, grid=grid, k=k)
    if scores.empty:
        scores = pd.DataFrame(_grid_points(grid))
        for column in ["hit_rate_at_k", "mrr_at_k"]:
            scores[column] = np.nan
        scores["n_evaluated"] = 0
    chosen = (
        (scores["factors"] == best["factors"])
        & np.isclose(scores["regularization"], best["regularization"])
        & (scores["iterations"] == best["iterations"])
    )
    # the first match only (a grid never repeats a point, but stay exact)
    scores["is_chosen"] = chosen & (chosen.cumsum() == 1)
    scores["factors"] = scores["factors"].astype(np.int64)
    scores["iterations"] = scores["iterations"].astype(np.int64)
    scores["n_evaluated"] = scores["n_evaluated"].astype(np.int64)
    return scores[SEARCH_COLUMNS].reset_index(drop=True)


def matrix_from_weights(pairs: pd.DataFrame) -> InteractionMatrix:
    """The visitor x item CSR matrix of ``pairs`` (visitor_id, item_id, weight: one row
    per pair, as int_recommendation_als_pairs has): value = log1p(weight), float32; pairs
    with weight <= 0 add nothing. Rows = the sorted visitor ids, columns = the sorted item
    ids (of the pairs with a positive weight)."""
    weight = pairs["weight"].to_numpy(dtype=np.float64)
    positive = weight > 0
    visitor_ids, visitor_index = np.unique(
        pairs["visitor_id"].to_numpy(dtype=np.int64)[positive], return_inverse=True
    )
    item_ids, item_index = np.unique(
        pairs["item_id"].to_numpy(dtype=np.int64)[positive], return_inverse=True
    )
    matrix = sparse.csr_matrix(
        (np.log1p(weight[positive]).astype(np.float32), (visitor_index, item_index)),
        shape=(visitor_ids.size, item_ids.size),
    )
    return InteractionMatrix(matrix=matrix, visitor_ids=visitor_ids, item_ids=item_ids)


def candidates(
    pairs: pd.DataFrame,
    visitor_ids: np.ndarray,
    n: int,
    params: dict,
    random_state: int = 42,
) -> pd.DataFrame:
    """ALS candidates of one cutoff: fit on ``pairs`` (visitor_id, item_id, weight = the
    summed event-type weights: the cutoff's ALS matrix, visitors and items already
    filtered), then the top ``n`` items per visitor of ``visitor_ids`` that the visitor
    never had (their own pairs are excluded). Visitors outside the matrix get no rows."""
    matrix = matrix_from_weights(pairs)
    model = fit(matrix, random_state=random_state, **params)
    # only visitors both asked for and in the matrix are scored or excluded
    asked = matrix.visitor_ids[np.isin(matrix.visitor_ids, np.asarray(visitor_ids, dtype=np.int64))]
    pair_visitors = pairs["visitor_id"].to_numpy(dtype=np.int64)
    seen = pairs.loc[np.isin(pair_visitors, asked), ["visitor_id", "item_id"]]
    return recommend(model, asked, n, exclude=seen)
