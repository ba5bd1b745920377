"""Item-item cosine similarity over a binary visitor x item interaction matrix.

The dbt Python model ``int_item_similarity`` is a thin wrapper around
:func:`top_k_cosine_per_cutoff` (one :func:`top_k_cosine` call per recommendation cutoff);
everything here is pure and vectorised (scipy.sparse + numpy, no per-item Python loop).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import sparse

OUTPUT_COLUMNS = ["item_id", "similar_item_id", "similarity", "n_common_visitors", "rank"]


def _empty_result() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item_id": pd.Series([], dtype="int64"),
            "similar_item_id": pd.Series([], dtype="int64"),
            "similarity": pd.Series([], dtype="float64"),
            "n_common_visitors": pd.Series([], dtype="int64"),
            "rank": pd.Series([], dtype="int64"),
        }
    )


def top_k_cosine(
    visitor_ids: np.ndarray,
    item_ids: np.ndarray,
    k: int,
    min_item_visitors: int = 2,
    min_common_visitors: int = 2,
) -> pd.DataFrame:
    """Top-``k`` cosine neighbours of every item.

    ``visitor_ids`` / ``item_ids`` are parallel integer arrays of interactions (duplicates
    are collapsed: the matrix is binary). Items with fewer than ``min_item_visitors``
    distinct visitors are dropped, as are pairs with fewer than ``min_common_visitors``
    common visitors. cosine(a, b) = common / sqrt(n_a * n_b). Neighbours are ranked by
    similarity desc, then similar_item_id asc; rank is 1-based.
    """
    visitor_ids = np.asarray(visitor_ids, dtype=np.int64)
    item_ids = np.asarray(item_ids, dtype=np.int64)
    if k <= 0 or visitor_ids.size == 0:
        return _empty_result()

    # Binary matrix on contiguous indexes; duplicates collapse to one interaction. Hash
    # factorisation (no sort): the index order never reaches the output, which is sorted
    # by item id, similarity and neighbour id below.
    item_index, item_keys = pd.factorize(item_ids)
    visitor_index, _ = pd.factorize(visitor_ids)
    matrix = sparse.csr_matrix(
        (np.ones(item_index.size, dtype=np.int32), (visitor_index, item_index)),
        shape=(int(visitor_index.max()) + 1, item_keys.size),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1

    # Items with enough visitors; then visitors with >= 2 of them (others add no pair).
    n_visitors = np.asarray(matrix.sum(axis=0)).ravel()
    kept_items = np.flatnonzero(n_visitors >= max(min_item_visitors, 1))
    matrix = matrix[:, kept_items]
    matrix = matrix[np.asarray(matrix.sum(axis=1)).ravel() >= 2]
    if matrix.nnz == 0:
        return _empty_result()

    item_by_visitor = matrix.T.tocsr()
    co_counts = (item_by_visitor @ matrix).tocoo()
    rows, cols, common = co_counts.row, co_counts.col, co_counts.data
    keep = (rows != cols) & (common >= max(min_common_visitors, 1))
    rows, cols, common = rows[keep], cols[keep], common[keep].astype(np.int64)
    if rows.size == 0:
        return _empty_result()

    item_n = n_visitors[kept_items].astype(np.float64)
    similarity = common / np.sqrt(item_n[rows] * item_n[cols])
    item_id = item_keys[kept_items][rows]
    similar_item_id = item_keys[kept_items][cols]

    # Rank inside each item: similarity desc, then similar_item_id asc (lexsort: last key
    # is the primary one).
    order = np.lexsort((similar_item_id, -similarity, item_id))
    item_id, similar_item_id = item_id[order], similar_item_id[order]
    similarity, common = similarity[order], common[order]
    group_start = np.r_[True, item_id[1:] != item_id[:-1]]
    start_positions = np.flatnonzero(group_start)
    group_number = np.cumsum(group_start) - 1
    rank = np.arange(item_id.size) - start_positions[group_number] + 1
    top = rank <= k

    return pd.DataFrame(
        {
            "item_id": item_id[top],
            "similar_item_id": similar_item_id[top],
            "similarity": similarity[top],
            "n_common_visitors": common[top],
            "rank": rank[top].astype(np.int64),
        }
    )


def top_k_cosine_per_cutoff(
    interactions_by_cutoff: Mapping[str, Mapping[str, np.ndarray]], k: int
) -> pd.DataFrame:
    """:func:`top_k_cosine` fitted separately on the interactions of every cutoff.

    ``interactions_by_cutoff`` maps a cutoff name to its ``visitor_id`` / ``item_id``
    arrays. Returns the neighbours of every cutoff with a leading ``cutoff_name`` column
    (no row when a cutoff has no pair).
    """
    frames = [
        top_k_cosine(pairs["visitor_id"], pairs["item_id"], k=k).assign(cutoff_name=name)
        for name, pairs in interactions_by_cutoff.items()
    ]
    if not frames:
        frames = [_empty_result().assign(cutoff_name=pd.Series([], dtype="object"))]
    result = pd.concat(frames, ignore_index=True)
    return result[["cutoff_name", *OUTPUT_COLUMNS]]
