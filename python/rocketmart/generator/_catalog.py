"""Item catalogue: category membership, long-tailed popularity with weekly trends, prices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._common import N_SNAPSHOTS, SNAPSHOT_0, WEEK_MS
from ._tree import CategoryTree

# A full shop's catalogue whatever the visitor count: the real data describes ~417 k items in
# its property files, 235 k of which appear in events.csv (ids 0..466,866). Dormant items
# (zero popularity) only ever appear in the property files.
N_ITEMS = 417_000
ITEM_ID_SPACE = 466_867
SELLABLE_SHARE = 0.9  # items with a positive popularity
POPULARITY_SIGMA = 1.6  # lognormal sigma of item base popularity (calibrated: 6.6 k distinct
# items and a 6 % top-1 % share among 5,000 real visitors; ~235 k items at full scale)
TREND_STEP_SIGMA = 0.22  # weekly random walk of log popularity
LAUNCH_SHARE = 0.35  # items launched during the period
RETIRE_SHARE = 0.25  # items withdrawn during the period
OUTSIDE_WINDOW_WEIGHT = 0.01  # relative popularity before launch / after withdrawal
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
    launch: np.ndarray  # weekly epoch an item enters the shop (0: before the period)

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


def make_catalog(rng: np.random.Generator, tree: CategoryTree) -> Catalog:
    n_items = N_ITEMS
    # category sizes: heavy-tailed, mostly leaves
    size_w = rng.pareto(1.0, tree.n) + 0.2
    size_w = np.where(tree.is_leaf, size_w, size_w * INNER_ITEM_SHARE * 3)
    size_w /= size_w.sum()
    cat = np.sort(rng.choice(tree.n, size=n_items, p=size_w))
    nodes = np.arange(tree.n)
    cat_start = np.searchsorted(cat, nodes, side="left")
    cat_count = np.searchsorted(cat, nodes, side="right") - cat_start

    sellable = rng.random(n_items) < SELLABLE_SHARE
    base_w = np.where(sellable, rng.lognormal(0.0, POPULARITY_SIGMA, n_items), 0.0)
    cat_pop = np.bincount(cat, weights=base_w, minlength=tree.n)

    # weekly popularity: log random walk; items launched and withdrawn during the period
    steps = rng.normal(0.0, TREND_STEP_SIGMA, (N_SNAPSHOTS, n_items)).astype(np.float32)
    steps[0] = 0.0
    w = np.exp(np.cumsum(steps, axis=0, dtype=np.float32))
    del steps
    launch = np.where(rng.random(n_items) < LAUNCH_SHARE, rng.integers(1, N_SNAPSHOTS, n_items), 0)
    retire = np.where(
        rng.random(n_items) < RETIRE_SHARE,
        launch + 1 + (rng.random(n_items) * (N_SNAPSHOTS - 1 - launch)).astype(np.int64),
        N_SNAPSHOTS,
    )
    epoch = np.arange(N_SNAPSHOTS)[:, None]
    outside = (epoch < launch[None, :]) | (epoch >= retire[None, :])
    w[outside] *= OUTSIDE_WINDOW_WEIGHT
    del outside
    w *= base_w[None, :].astype(np.float32)
    cum = np.cumsum(w, axis=1, dtype=np.float64)
    del w

    ids = rng.choice(ITEM_ID_SPACE, size=n_items, replace=False).astype(np.int64)
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
        launch=launch,
    )
