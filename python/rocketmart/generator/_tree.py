"""Synthetic category tree shaped like the real Retail Rocket ``category_tree.csv``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Real tree: 1,669 categories (ids 0..1698), 25 roots, depth counts per level.
REAL_LEVEL_COUNTS = np.array([25, 174, 702, 665, 90, 13])
REAL_N_CATEGORIES = int(REAL_LEVEL_COUNTS.sum())
REAL_ID_SPACE = 1699
MIN_LEVEL_COUNTS = np.array([3, 6, 12, 10])  # keeps >= 4 levels (depth >= 3) at any scale


@dataclass(frozen=True)
class CategoryTree:
    """Nodes are indexed 0..n-1 in level order; ``parent`` is -1 for roots."""

    ids: np.ndarray  # category id written to the CSV, per node
    parent: np.ndarray  # parent node index, -1 for roots
    level: np.ndarray  # 0 for roots
    is_leaf: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ids)


def n_categories_for(n_visitors: int) -> int:
    """The full-size tree whatever the visitor count: a small dataset is a small sample of a
    big shop (the real 5,000-visitor sample touches categories of the whole tree)."""
    del n_visitors
    return REAL_N_CATEGORIES


def level_counts_for(n_cat: int) -> np.ndarray:
    frac = REAL_LEVEL_COUNTS / REAL_LEVEL_COUNTS.sum()
    counts = np.round(frac * n_cat).astype(np.int64)
    counts[: len(MIN_LEVEL_COUNTS)] = np.maximum(counts[: len(MIN_LEVEL_COUNTS)], MIN_LEVEL_COUNTS)
    # fix the total on the two biggest levels (2 and 3), keeping the minimums
    diff = n_cat - counts.sum()
    counts[2] += diff - diff // 2
    counts[3] += diff // 2
    counts = counts[counts > 0]
    return counts


def make_tree(rng: np.random.Generator, n_cat: int) -> CategoryTree:
    counts = level_counts_for(n_cat)
    n = int(counts.sum())
    level = np.repeat(np.arange(len(counts)), counts)
    level_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    parent = np.full(n, -1, dtype=np.int64)
    for lv in range(1, len(counts)):  # a handful of levels
        k_prev = counts[lv - 1]
        # heavy-tailed fan-out: a few parents have many children, many inner nodes have none
        w = rng.pareto(1.1, k_prev) + 0.02
        w /= w.sum()
        chosen = rng.choice(k_prev, size=counts[lv], p=w)
        parent[level_start[lv] : level_start[lv] + counts[lv]] = level_start[lv - 1] + chosen
    n_children = np.bincount(parent[parent >= 0], minlength=n)
    id_space = max(n, round(n * REAL_ID_SPACE / REAL_N_CATEGORIES))
    ids = rng.choice(id_space, size=n, replace=False).astype(np.int64)
    return CategoryTree(ids=ids, parent=parent, level=level, is_leaf=n_children == 0)


def siblings_table(tree: CategoryTree, has_items: np.ndarray):
    """Categories with items, grouped by parent: (order, group_start, group_count) per node."""
    cand = np.flatnonzero(has_items)
    order = cand[np.argsort(tree.parent[cand], kind="stable")]
    par_sorted = tree.parent[order]
    start = np.searchsorted(par_sorted, tree.parent, side="left")
    end = np.searchsorted(par_sorted, tree.parent, side="right")
    return order, start, end - start
