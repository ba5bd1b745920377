"""Item catalogue: category membership, long-tailed popularity with weekly trends, prices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._common import N_SNAPSHOTS, SNAPSHOT_0, WEEK_MS
from ._tree import CategoryTree

ITEMS_PER_VISITOR = 0.305  # catalogue size / visitors (real: ~425k items for 1.4M visitors)
MIN_ITEMS = 800
ITEM_ID_SPACE_FACTOR = 1.12  # real item ids 0..466,866
POPULARITY_SIGMA = 1.95  # lognormal sigma of item base popularity (Zipf-like marginal)
TREND_STEP_SIGMA = 0.22  # weekly random-walk step of log popularity
LAUNCH_SHARE = 0.12  # items launched during the period
INNER_ITEM_SHARE = 0.08  # share of items attached to inner (non-leaf) categories


@dataclass
class Catalog:
    ids: np.ndarray  # item id per item index (items sorted by category node)
    cat: np.ndarray  # category node per item
    base_w: np.ndarray
    cat_start: np.ndarray  # per category node: first item index
    cat_count: np.ndarray  # per category node: number of items
    cat_pop: np.ndarray  # per category node: popularity (sum of item weights)
    cum: np.ndarray  # (n_epochs, n_items) cumulative weights per weekly epoch
    price: np.ndarray  # base price per item (integer)

    @property
    def n(self) -> int:
        return len(self.ids)

    def sample(self, rng: np.random.Generator, cat: np.ndarray, ts: np.ndarray) -> np.ndarray:
        """Draw one item per (category node, timestamp) by that week's popularity."""
        out = np.empty(len(cat), dtype=np.int64)
        u = rng.random(len(cat))
        epoch = epoch_of(ts)
        order = np.argsort(epoch, kind="stable")
        bounds = np.searchsorted(epoch[order], np.arange(N_SNAPSHOTS + 1))
        for e in range(N_SNAPSHOTS):  # weekly epochs (20)
            m = order[bounds[e] : bounds[e + 1]]
            if len(m) == 0:
                continue
            c = cat[m]
            s = self.cat_start[c]
            last = s + np.maximum(self.cat_count[c], 1) - 1
            ce = self.cum[e]
            lo = np.where(s > 0, ce[np.maximum(s - 1, 0)], 0.0)
            hi = ce[last]
            idx = np.searchsorted(ce, lo + u[m] * (hi - lo), side="right")
            out[m] = np.clip(idx, s, last)
        return out


def epoch_of(ts: np.ndarray) -> np.ndarray:
    return np.clip((ts - SNAPSHOT_0) // WEEK_MS, 0, N_SNAPSHOTS - 1).astype(np.int64)


def make_catalog(rng: np.random.Generator, tree: CategoryTree, n_visitors: int) -> Catalog:
    n_items = max(MIN_ITEMS, round(n_visitors * ITEMS_PER_VISITOR))
    # category sizes: heavy-tailed, mostly leaves
    size_w = rng.pareto(1.0, tree.n) + 0.2
    size_w = np.where(tree.is_leaf, size_w, size_w * INNER_ITEM_SHARE * 3)
    size_w /= size_w.sum()
    cat = np.sort(rng.choice(tree.n, size=n_items, p=size_w))
    nodes = np.arange(tree.n)
    cat_start = np.searchsorted(cat, nodes, side="left")
    cat_count = np.searchsorted(cat, nodes, side="right") - cat_start

    base_w = rng.lognormal(0.0, POPULARITY_SIGMA, n_items)
    cat_pop = np.bincount(cat, weights=base_w, minlength=tree.n)

    # weekly popularity trends: log random walk, plus late launches
    steps = rng.normal(0.0, TREND_STEP_SIGMA, (N_SNAPSHOTS, n_items))
    steps[0] = 0.0
    w = np.exp(np.cumsum(steps, axis=0))
    launched = rng.random(n_items) < LAUNCH_SHARE
    launch_epoch = np.where(launched, rng.integers(1, N_SNAPSHOTS, n_items), 0)
    w *= np.where(np.arange(N_SNAPSHOTS)[:, None] < launch_epoch[None, :], 0.03, 1.0)
    w *= base_w[None, :]
    cum = np.cumsum(w, axis=1)
    del w, steps

    id_space = round(n_items * ITEM_ID_SPACE_FACTOR)
    ids = rng.choice(id_space, size=n_items, replace=False).astype(np.int64)
    price = np.maximum(1, np.round(rng.lognormal(np.log(4000.0), 1.1, n_items) / 12.0) * 12)
    return Catalog(
        ids=ids,
        cat=cat,
        base_w=base_w,
        cat_start=cat_start,
        cat_count=cat_count,
        cat_pop=cat_pop,
        cum=cum,
        price=price.astype(np.int64),
    )
