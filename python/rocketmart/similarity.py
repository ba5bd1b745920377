"""Item-item cosine similarity over a binary visitor x item interaction matrix.

The dbt Python model ``int_item_similarity`` is a thin wrapper around
:func:`top_k_cosine_per_cutoff` (one :func:`top_k_cosine` call per recommendation cutoff);
everything here is pure and vectorised (scipy.sparse + numpy, no per-item Python loop).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
    block_items: int = 4096,
) -> pd.DataFrame:
    """Top-``k`` cosine neighbours of every item.

    ``visitor_ids`` / ``item_ids`` are parallel integer arrays of interactions (duplicates
    are collapsed: the matrix is binary). Items with fewer than ``min_item_visitors``
    distinct visitors are dropped, as are pairs with fewer than ``min_common_visitors``
    common visitors. cosine(a, b) = common / sqrt(n_a * n_b). Neighbours are ranked by
    similarity desc, then similar_item_id asc; rank is 1-based. ``block_items``: how many
    items' co-counts are computed at once (bounds memory; the result does not depend on it).
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

    item_n = n_visitors[kept_items].astype(np.float64)
    kept_keys = item_keys[kept_items]
    item_by_visitor = matrix.T.tocsr()
    # co-counts one block of items at a time: an item's neighbours depend on its own row
    # of the item x item product only, so the blocks give the same rows as one product
    # while memory stays bounded by a block's product (peak ~ block x co-visited items)
    parts = [
        _top_k_block(
            item_by_visitor[start : start + block_items] @ matrix,
            start,
            item_n,
            kept_keys,
            k,
            min_common_visitors,
        )
        for start in range(0, item_by_visitor.shape[0], block_items)
    ]
    item_id, similar_item_id, similarity, common, rank = (
        np.concatenate([part[i] for part in parts]) for i in range(5)
    )
    if item_id.size == 0:
        return _empty_result()
    # blocks follow the matrix's column order: the output is sorted by item_id, rank
    order = np.lexsort((rank, item_id))
    return pd.DataFrame(
        {
            "item_id": item_id[order],
            "similar_item_id": similar_item_id[order],
            "similarity": similarity[order],
            "n_common_visitors": common[order],
            "rank": rank[order].astype(np.int64),
        }
    )


def _top_k_block(
    co_counts: sparse.csr_matrix,
    first_row: int,
    item_n: np.ndarray,
    item_keys: np.ndarray,
    k: int,
    min_common_visitors: int,
) -> tuple[np.ndarray, ...]:
    """The top-``k`` neighbours of a block of item rows (rows first_row...) of the item x
    item co-count matrix: (item_id, similar_item_id, similarity, common, rank)."""
    co_counts = co_counts.tocoo()
    rows, cols, common = co_counts.row + first_row, co_counts.col, co_counts.data
    keep = (rows != cols) & (common >= max(min_common_visitors, 1))
    rows, cols, common = rows[keep], cols[keep], common[keep].astype(np.int64)
    similarity = common / np.sqrt(item_n[rows] * item_n[cols])
    item_id = item_keys[rows]
    similar_item_id = item_keys[cols]

    # Rank inside each item: similarity desc, then similar_item_id asc (lexsort: last key
    # is the primary one).
    order = np.lexsort((similar_item_id, -similarity, item_id))
    item_id, similar_item_id = item_id[order], similar_item_id[order]
    similarity, common = similarity[order], common[order]
    group_start = np.r_[True, item_id[1:] != item_id[:-1]] if item_id.size else np.zeros(0, bool)
    start_positions = np.flatnonzero(group_start)
    group_number = np.cumsum(group_start) - 1
    rank = np.arange(item_id.size) - start_positions[group_number] + 1
    top = rank <= k
    return item_id[top], similar_item_id[top], similarity[top], common[top], rank[top]


def top_k_cosine_per_cutoff(
    interactions_by_cutoff: Mapping[str, Mapping[str, np.ndarray]]
    | Iterable[tuple[str, Mapping[str, np.ndarray]]],
    k: int,
) -> pd.DataFrame:
    """:func:`top_k_cosine` fitted separately on the interactions of every cutoff.

    ``interactions_by_cutoff`` maps a cutoff name to its ``visitor_id`` / ``item_id``
    arrays, or yields (name, arrays) pairs: a generator loads one cutoff at a time.
    Returns the neighbours of every cutoff with a leading ``cutoff_name`` column (no row
    when a cutoff has no pair).
    """
    if isinstance(interactions_by_cutoff, Mapping):
        interactions_by_cutoff = interactions_by_cutoff.items()
    frames = [
        top_k_cosine(pairs["visitor_id"], pairs["item_id"], k=k).assign(cutoff_name=name)
        for name, pairs in interactions_by_cutoff
    ]
    if not frames:
        frames = [_empty_result().assign(cutoff_name=pd.Series([], dtype="object"))]
    result = pd.concat(frames, ignore_index=True)
    return result[["cutoff_name", *OUTPUT_COLUMNS]]
