"""Implicit-feedback ALS (``implicit``'s AlternatingLeastSquares) as a candidate generator.

Pure functions over frames and arrays:

- :func:`build_matrix`: the weighted visitor x item CSR matrix from interactions
  (visitor_id, item_id, event_type[, event_at]); an interaction's value is
  log1p(sum of the event-type weights of its events), weights from the
  ``event_type_weights`` seed (1 view, 5 cart, 10 transaction).
- :func:`fit`: ALS with a fixed ``random_state``, one BLAS thread and ``num_threads=1``,
  so the same matrix always gives the same factors.
- :func:`recommend`: each visitor's top-``n`` items by factor dot product, excluding given
  (visitor, item) pairs; ties by item_id.
- :func:`matrix_from_weights` / :func:`candidates`: the matrix from already summed pairs
  (the dbt model int_recommendation_als_pairs: bots, long-tail items and one-item
  visitors filtered in SQL) and one cutoff's fit + lists.
- :func:`search_hyperparameters` / :func:`search_table`: a small grid over factors,
  regularisation and iterations scored by HR@k on a validation window: fitted on the
  pairs at the window's start, scored on the items visitors first touched in it (both
  passed in, so later rows are never seen).
- :func:`fit_per_tier` / :func:`recommend_per_tier`: one model per value tier, visitors
  without a tier on the global model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from threadpoolctl import threadpool_limits

from rocketmart.ranking import ranking_metrics

DEFAULT_WEIGHTS = {"view": 1.0, "addtocart": 5.0, "transaction": 10.0}
# the hyper-parameters of a grid, in the order grid points are enumerated
GRID_NAMES = ("factors", "regularization", "iterations")
DEFAULT_GRID = {
    "factors": (8, 16, 32),
    "regularization": (0.01, 0.1),
    "iterations": (10, 20),
}
RECOMMEND_COLUMNS = ["visitor_id", "item_id", "score", "rank"]


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


def weights_from_seed(seed: pd.DataFrame) -> dict[str, float]:
    """{event_type: popularity_weight} from the event_type_weights seed frame."""
    return dict(zip(seed["event_type"], seed["popularity_weight"].astype(float), strict=True))


def build_matrix(
    interactions: pd.DataFrame,
    weights: dict[str, float] | None = None,
    max_items_per_visitor: int | None = None,
    min_items_per_visitor: int = 1,
) -> InteractionMatrix:
    """Weighted visitor x item matrix: value = log1p(sum of event weights of the pair).

    Unknown event types weigh 0 (and so add nothing). Visitors with more than
    ``max_items_per_visitor`` distinct items (bot-like) are left out, as are visitors
    with fewer than ``min_items_per_visitor`` (at full scale most visitors have one
    item: they carry no co-occurrence and dominate the fit's cost).
    """
    weights = DEFAULT_WEIGHTS if weights is None else weights
    frame = pd.DataFrame(
        {
            "visitor_id": interactions["visitor_id"].to_numpy(dtype=np.int64),
            "item_id": interactions["item_id"].to_numpy(dtype=np.int64),
            "weight": interactions["event_type"].map(weights).fillna(0.0).to_numpy(float),
        }
    )
    return _matrix(frame, max_items_per_visitor, min_items_per_visitor)


def fit(
    interactions: InteractionMatrix,
    factors: int = 32,
    regularization: float = 0.1,
    iterations: int = 15,
    alpha: float = 1.0,
    random_state: int = 42,
) -> AlsModel:
    """Fit ALS deterministically (fixed seed, one BLAS thread, one implicit thread)."""
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


def restrict_items(model: AlsModel, matrix: InteractionMatrix, max_items: int | None) -> AlsModel:
    """The model scoring only the ``max_items`` items with the most visitors in ``matrix``
    (ties: item_id), so a top-N costs visitors x max_items instead of the whole catalogue.
    None (or a catalogue already that small) = unchanged."""
    n_items = model.item_ids.size
    if max_items is None or n_items <= max_items:
        return model
    n_visitors = np.asarray(matrix.matrix.getnnz(axis=0))
    # most visitors first; lexsort is stable, so equal counts keep item_id order
    keep = np.sort(np.lexsort((np.arange(n_items), -n_visitors))[:max_items])
    return AlsModel(
        visitor_factors=model.visitor_factors,
        item_factors=model.item_factors[keep],
        visitor_ids=model.visitor_ids,
        item_ids=model.item_ids[keep],
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
    Cost: one dense (batch x items) product and an argpartition per batch, i.e. about
    visitors x items x factors flops; restrict either for a full catalogue.
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
    # a pool a little deeper than n, so items tied at the boundary after rounding are
    # still ordered by item_id (argpartition itself is deterministic for equal input)
    pool = min(top + 8, n_items)
    out_visitors, out_items, out_scores, out_ranks = [], [], [], []
    with threadpool_limits(limits=1):
        for start in range(0, visitor_ids.size, batch_size):
            stop = min(start + batch_size, visitor_ids.size)
            scores = model.visitor_factors[positions[start:stop]] @ model.item_factors.T
            block = excluded[start:stop].tocoo()
            scores[block.row, block.col] = -np.inf
            if pool < n_items:
                # the pool largest (partitioning scores itself: no negated copy)
                cols = np.argpartition(scores, n_items - pool, axis=1)[:, n_items - pool :]
            else:
                cols = np.broadcast_to(np.arange(n_items), scores.shape)
            values = np.round(np.take_along_axis(scores, cols, axis=1).astype(np.float64), 6)
            rows = np.broadcast_to(np.arange(stop - start)[:, None], cols.shape)
            rows, cols, values = rows.ravel(), cols.ravel(), values.ravel()
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
    max_candidate_items: int | None = None,
) -> tuple[dict, pd.DataFrame]:
    """Choose (factors, regularization, iterations) on a validation window.

    ``pairs`` (visitor_id, item_id, weight) = the ALS matrix at the start of the window
    (every pair is kept: filter visitors and items before); ``targets`` (visitor_id,
    item_id) = the items each visitor first touched in the window. Only the window's
    data is passed in, so nothing after it can be seen. Evaluated = the matrix's visitors
    with a target; their matrix items are excluded from their lists. Each grid point is
    one fit; score = HR@k (ties: MRR@k, then the first grid point).
    ``max_candidate_items`` restricts the lists to that many most-visited items (as
    :func:`candidates` does). Returns (best parameters, one row per grid point with
    hit_rate_at_k, mrr_at_k, n_evaluated).
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
    for params in _grid_points(grid):
        model = restrict_items(
            fit(matrix, random_state=random_state, **params), matrix, max_candidate_items
        )
        lists = recommend(model, evaluated, k, exclude=seen)
        metrics = ranking_metrics(lists, targets, k, evaluated)
        rows.append({**params, **metrics})
    scores = pd.DataFrame(rows)
    if scores.empty or scores["n_evaluated"].iloc[0] == 0:
        best = {name: grid[name][0] for name in GRID_NAMES}
        return best, scores
    order = scores.sort_values(["hit_rate_at_k", "mrr_at_k"], ascending=False, kind="stable").index
    best_row = scores.loc[order[0]]
    best = {
        "factors": int(best_row["factors"]),
        "regularization": float(best_row["regularization"]),
        "iterations": int(best_row["iterations"]),
    }
    return best, scores


def fit_per_tier(
    interactions: pd.DataFrame,
    tiers: pd.DataFrame,
    params: dict,
    weights: dict[str, float] | None = None,
    max_items_per_visitor: int | None = None,
    random_state: int = 42,
    min_items_per_visitor: int = 1,
) -> dict[str | None, AlsModel]:
    """One model per value_tier (on its visitors' interactions) plus None = global.

    ``tiers`` has visitor_id, value_tier (null tiers are ignored).
    """
    models: dict[str | None, AlsModel] = {
        None: fit(
            build_matrix(interactions, weights, max_items_per_visitor, min_items_per_visitor),
            **params,
            random_state=random_state,
        )
    }
    tiers = tiers.dropna(subset=["value_tier"])
    for tier in sorted(tiers["value_tier"].unique()):
        members = tiers.loc[tiers["value_tier"] == tier, "visitor_id"]
        tier_events = interactions[interactions["visitor_id"].isin(members)]
        matrix = build_matrix(tier_events, weights, max_items_per_visitor, min_items_per_visitor)
        models[tier] = fit(matrix, **params, random_state=random_state)
    return models


def recommend_per_tier(
    models: dict[str | None, AlsModel],
    tiers: pd.DataFrame,
    visitor_ids: np.ndarray,
    n: int,
    exclude: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Lists from each visitor's tier model; visitors without a tier (or unknown to their
    tier's model) from the global model (key None). Adds a ``model`` column (tier or
    'global')."""
    visitor_ids = np.unique(np.asarray(visitor_ids, dtype=np.int64))
    tiers = tiers.dropna(subset=["value_tier"])
    tiers = tiers[tiers["visitor_id"].isin(visitor_ids)]
    parts = []
    served = np.zeros(0, dtype=np.int64)
    for tier, model in models.items():
        if tier is None:
            continue
        members = tiers.loc[tiers["value_tier"] == tier, "visitor_id"].to_numpy(np.int64)
        lists = recommend(model, members, n, exclude)
        parts.append(lists.assign(model=str(tier)))
        served = np.union1d(served, lists["visitor_id"].to_numpy(np.int64))
    rest = np.setdiff1d(visitor_ids, served)
    parts.append(recommend(models[None], rest, n, exclude).assign(model="global"))
    result = pd.concat(parts, ignore_index=True)
    return result.sort_values(["visitor_id", "rank"], kind="stable").reset_index(drop=True)


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
    max_candidate_items: int | None = None,
) -> pd.DataFrame:
    """:func:`search_hyperparameters` as one row per grid point, the chosen one flagged.

    Columns SEARCH_COLUMNS; exactly one row has ``is_chosen`` (the first grid point when
    the validation window has no evaluable visitor).
    """
    grid = DEFAULT_GRID if grid is None else grid
    best, scores = search_hyperparameters(
        pairs, targets, grid=grid, k=k, max_candidate_items=max_candidate_items
    )
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


def matrix_from_weights(
    pairs: pd.DataFrame,
    max_items_per_visitor: int | None = None,
    min_items_per_visitor: int = 1,
) -> InteractionMatrix:
    """The :func:`build_matrix` matrix from already summed pairs (visitor_id, item_id,
    weight = sum of the event-type weights of the pair's events): value = log1p(weight)."""
    frame = pd.DataFrame(
        {
            "visitor_id": pairs["visitor_id"].to_numpy(dtype=np.int64),
            "item_id": pairs["item_id"].to_numpy(dtype=np.int64),
            "weight": pairs["weight"].to_numpy(dtype=np.float64),
        }
    )
    return _matrix(frame, max_items_per_visitor, min_items_per_visitor)


def _matrix(
    frame: pd.DataFrame, max_items_per_visitor: int | None, min_items_per_visitor: int
) -> InteractionMatrix:
    """Weighted pairs (visitor_id, item_id, weight) -> log1p-valued CSR matrix."""
    pairs = frame.groupby(["visitor_id", "item_id"], sort=True, as_index=False)["weight"].sum()
    pairs = pairs[pairs["weight"] > 0]
    if len(pairs):
        n_items = pairs.groupby("visitor_id")["item_id"].transform("size")
        upper = np.inf if max_items_per_visitor is None else max_items_per_visitor
        pairs = pairs[(n_items <= upper) & (n_items >= min_items_per_visitor)]
    visitor_ids, visitor_index = np.unique(pairs["visitor_id"].to_numpy(), return_inverse=True)
    item_ids, item_index = np.unique(pairs["item_id"].to_numpy(), return_inverse=True)
    matrix = sparse.csr_matrix(
        (np.log1p(pairs["weight"].to_numpy()).astype(np.float32), (visitor_index, item_index)),
        shape=(visitor_ids.size, item_ids.size),
    )
    return InteractionMatrix(matrix=matrix, visitor_ids=visitor_ids, item_ids=item_ids)


def candidates(
    pairs: pd.DataFrame,
    visitor_ids: np.ndarray,
    n: int,
    params: dict,
    random_state: int = 42,
    max_candidate_items: int | None = None,
) -> pd.DataFrame:
    """ALS candidates of one cutoff: fit on ``pairs`` (visitor_id, item_id, weight = the
    summed event-type weights: the cutoff's ALS matrix, visitors and items already
    filtered), then the top ``n`` items per visitor of ``visitor_ids`` that the visitor
    never had (their own pairs are excluded). Visitors outside the matrix get no rows.
    ``max_candidate_items``: only that many most-visited items are scored (cost)."""
    matrix = matrix_from_weights(pairs)
    model = restrict_items(
        fit(matrix, random_state=random_state, **params), matrix, max_candidate_items
    )
    # only visitors both asked for and in the matrix are scored or excluded
    asked = np.intersect1d(np.asarray(visitor_ids, dtype=np.int64), matrix.visitor_ids)
    pair_visitors = pairs["visitor_id"].to_numpy(dtype=np.int64)
    seen = pairs.loc[np.isin(pair_visitors, asked), ["visitor_id", "item_id"]]
    return recommend(model, asked, n, exclude=seen)
