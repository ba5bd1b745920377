"""Item property snapshots (``item_properties_part*.csv``) in the raw Retail Rocket layout.

Rows are kept as integer codes (snapshot index, item index, property code, value code) and
only turned into strings per output part, through two small dictionaries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._catalog import Catalog
from ._common import N_SNAPSHOTS, SNAPSHOT_0, WEEK_MS, pick_in_segment, seg_rank, unique_int
from ._tree import CategoryTree, siblings_table

NEVER_CATEGORISED_SHARE = 0.02  # items without any property row
NO_CATEGORY_SHARE = 0.01  # items with properties but never a categoryid row
LATE_FIRST_SNAPSHOT_SHARE = 0.06  # items whose properties only start at a later snapshot
CATEGORY_CHANGE_SHARE = 0.04
CATEGORY_REPEAT_SHARE = 0.2  # same category re-recorded at a later snapshot
AVAILABLE_P = 0.8
AVAILABLE_TOGGLES_MEAN = 1.3
PRICE_CHANGES_MEAN = 0.6
NOISE_KEYS_MEAN = 35.0
NOISE_CHANGES_MEAN = 10.0
N_CORE_NOISE_KEYS = 8
CORE_NOISE_KEYS = (888, 364, 283, 776, 678, 917, 6, 202, 159, 112, 764, 227, 698, 451, 1036, 689)
N_PROPERTY_IDS = 1104  # numeric property ids 0..1103 as in the real data ("790" is the price)

PROP_CATEGORY, PROP_AVAILABLE, PROP_PRICE = 0, 1, 2


@dataclass
class Properties:
    snap: np.ndarray  # int8 snapshot index
    item: np.ndarray  # int32 item index
    prop: np.ndarray  # int16 property code into prop_names
    value: np.ndarray  # int32 value code into values
    prop_names: pa.Array
    values: pa.Array
    first_category_ts: np.ndarray  # per item: first categoryid row timestamp (int64 max if none)
    n_items_with_properties: int
    n_items_category_changed: int

    def __len__(self) -> int:
        return len(self.snap)

    def table(self, rows: np.ndarray, item_ids: np.ndarray) -> pa.Table:
        return pa.table(
            {
                "timestamp": SNAPSHOT_0 + self.snap[rows].astype(np.int64) * WEEK_MS,
                "itemid": item_ids[self.item[rows]],
                "property": pc.take(self.prop_names, pa.array(self.prop[rows])),
                "value": pc.take(self.values, pa.array(self.value[rows])),
            }
        )


def _int_str(a: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(a, type=pa.int64()), pa.string())


def _noise_vocab(rng: np.random.Generator, size: int) -> pa.Array:
    """Values like ``1338 639502 n60.000``: 1-3 space separated tokens, never commas."""
    n_tok = rng.choice(3, size=size, p=[0.6, 0.3, 0.1]) + 1
    toks = []
    for j in range(3):
        num = np.minimum(rng.pareto(0.6, size) * 1000, 1_500_000).astype(np.int64)
        s = _int_str(num)
        money = rng.random(size) < 0.3
        s = pc.if_else(pa.array(money), pc.binary_join_element_wise("n", s, ".000", ""), s)
        toks.append(pc.if_else(pa.array(n_tok > j), s, pa.scalar(None, pa.string())))
    return pc.binary_join_element_wise(*toks, " ", null_handling="skip")


def _later_rows(rng, items: np.ndarray, first: np.ndarray, counts: np.ndarray):
    """Rows at random snapshots after each item's first snapshot, one per (item, snapshot)."""
    it = np.repeat(items, counts)
    lo = first[it] + 1
    ok = lo < N_SNAPSHOTS
    it, lo = it[ok], lo[ok]
    snap = lo + np.floor(rng.random(len(it)) * (N_SNAPSHOTS - lo)).astype(np.int64)
    key = unique_int(it.astype(np.int64) * N_SNAPSHOTS + snap)
    return key // N_SNAPSHOTS, key % N_SNAPSHOTS


def make_properties(
    rng: np.random.Generator, tree: CategoryTree, cat: Catalog, describe: np.ndarray
) -> Properties:
    """Property rows for the catalogue items flagged in ``describe`` (bool per item)."""
    n = cat.n
    u = rng.random(n)
    has_props = (u >= NEVER_CATEGORISED_SHARE) & describe
    has_cat = has_props & (u >= NEVER_CATEGORISED_SHARE + NO_CATEGORY_SHARE)
    late = rng.random(n) < LATE_FIRST_SNAPSHOT_SHARE
    first = np.where(late, rng.integers(1, N_SNAPSHOTS, n), 0)
    items = np.flatnonzero(has_props)
    parts: list[tuple[np.ndarray, ...]] = []  # (snap, item, prop, value-kind, value-arg)

    # --- dictionaries of values: [noise vocab | category ids | "0","1" | prices]
    n_rows_guess = int(len(items) * (NOISE_KEYS_MEAN + NOISE_CHANGES_MEAN))
    voc_size = int(np.clip(n_rows_guess // 60, 2000, 300_000))
    vocab = _noise_vocab(rng, voc_size)
    cat_off = voc_size
    avail_off = cat_off + tree.n

    # --- categoryid: first snapshot, a few changes, some re-recordings of the same value
    ci = np.flatnonzero(has_cat)
    c_node = cat.cat[ci]
    parts.append((first[ci], ci, PROP_CATEGORY, cat_off + c_node))
    change = rng.random(len(ci)) < CATEGORY_CHANGE_SHARE
    ch_i, ch_snap = _later_rows(rng, ci[change], first, np.ones(change.sum(), dtype=np.int64))
    sib_order, sib_start, sib_count = siblings_table(tree, cat.cat_count > 0)
    old = cat.cat[ch_i]
    new = sib_order[pick_in_segment(rng, sib_start[old], sib_count[old])]
    cat_p = cat.cat_pop / cat.cat_pop.sum()
    new = np.where(new == old, rng.choice(tree.n, size=len(old), p=cat_p), new)
    changed = new != old
    parts.append((ch_snap[changed], ch_i[changed], PROP_CATEGORY, cat_off + new[changed]))
    changed_items = np.zeros(n, dtype=bool)
    changed_items[ch_i[changed]] = True
    rep = ~changed_items[ci] & (rng.random(len(ci)) < CATEGORY_REPEAT_SHARE)
    rp_i, rp_snap = _later_rows(rng, ci[rep], first, np.ones(rep.sum(), dtype=np.int64))
    parts.append((rp_snap, rp_i, PROP_CATEGORY, cat_off + cat.cat[rp_i]))
    first_category_ts = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    first_category_ts[ci] = SNAPSHOT_0 + first[ci] * WEEK_MS

    # --- available: initial value, then toggles (values alternate)
    init = (rng.random(n) < AVAILABLE_P).astype(np.int64)
    parts.append((first[items], items, PROP_AVAILABLE, avail_off + init[items]))
    tg_i, tg_snap = _later_rows(rng, items, first, rng.poisson(AVAILABLE_TOGGLES_MEAN, len(items)))
    toggled = (init[tg_i] + seg_rank(tg_i) + 1) % 2
    parts.append((tg_snap, tg_i, PROP_AVAILABLE, avail_off + toggled))

    # --- 790 (price): initial value, occasional changes
    pr_i, pr_snap = _later_rows(rng, items, first, rng.poisson(PRICE_CHANGES_MEAN, len(items)))
    new_price = np.maximum(
        12, np.round(cat.price[pr_i] * rng.uniform(0.8, 1.2, len(pr_i)) / 12) * 12
    ).astype(np.int64)
    all_prices = np.concatenate([cat.price[items], new_price])
    uniq_prices, price_code = np.unique(all_prices, return_inverse=True)
    price_off = avail_off + 2
    parts.append((first[items], items, PROP_PRICE, price_off + price_code[: len(items)]))
    parts.append((pr_snap, pr_i, PROP_PRICE, price_off + price_code[len(items) :]))

    # --- noise keys: distinct keys per item at the first snapshot, some later changes
    rest = np.array(
        [k for k in range(N_PROPERTY_IDS) if k != 790 and k not in CORE_NOISE_KEYS], dtype=np.int64
    )
    noise_keys = np.concatenate([np.array(CORE_NOISE_KEYS), rng.permutation(rest)])
    n_noise = len(noise_keys)
    k_i = np.minimum(rng.poisson(NOISE_KEYS_MEAN, len(items)), n_noise)
    nz_i = np.repeat(items, k_i)
    j = seg_rank(nz_i)
    shift = rng.integers(0, n_noise - N_CORE_NOISE_KEYS, n)
    key_idx = np.where(
        j < N_CORE_NOISE_KEYS,
        j,
        N_CORE_NOISE_KEYS + (shift[nz_i] + j - N_CORE_NOISE_KEYS) % (n_noise - N_CORE_NOISE_KEYS),
    )
    zipf = np.minimum(rng.pareto(0.8, len(nz_i)), 1e9).astype(np.int64)
    parts.append((first[nz_i], nz_i, 3 + key_idx, (key_idx * 7919 + zipf) % voc_size))
    nc_i, nc_snap = _later_rows(rng, items, first, rng.poisson(NOISE_CHANGES_MEAN, len(items)))
    k_full = np.zeros(n, dtype=np.int64)
    k_full[items] = np.minimum(k_i, N_CORE_NOISE_KEYS)
    ok = k_full[nc_i] > 0
    nc_i, nc_snap = nc_i[ok], nc_snap[ok]
    nc_key = np.floor(rng.random(len(nc_i)) * k_full[nc_i]).astype(np.int64)
    zipf = np.minimum(rng.pareto(0.8, len(nc_i)), 1e9).astype(np.int64)
    nc_val = (nc_key * 7919 + zipf + 1) % voc_size
    # one row per (item, key, snapshot)
    key = (nc_i.astype(np.int64) * N_CORE_NOISE_KEYS + nc_key) * N_SNAPSHOTS + nc_snap
    first_of_key = np.ones(len(key), dtype=bool)
    order = np.argsort(key, kind="stable")
    first_of_key[order[1:]] = key[order[1:]] != key[order[:-1]]
    nc_i, nc_snap, nc_key, nc_val = (a[first_of_key] for a in (nc_i, nc_snap, nc_key, nc_val))
    parts.append((nc_snap, nc_i, 3 + nc_key, nc_val))

    snap = np.concatenate([p[0] for p in parts]).astype(np.int8)
    item = np.concatenate([p[1] for p in parts]).astype(np.int32)
    prop = np.concatenate([np.full(len(p[0]), p[2], dtype=np.int16) for p in parts])
    value = np.concatenate([np.asarray(p[3]) for p in parts]).astype(np.int32)
    keep = rng.permutation(len(snap))  # exported row order carries no meaning
    prop_names = pa.concat_arrays(
        [pa.array(["categoryid", "available", "790"]), _int_str(noise_keys)]
    )
    values = pa.concat_arrays(
        [
            vocab,
            _int_str(tree.ids),
            pa.array(["0", "1"]),
            pc.binary_join_element_wise("n", _int_str(uniq_prices), ".000", ""),
        ]
    )
    return Properties(
        snap=snap[keep],
        item=item[keep],
        prop=prop[keep],
        value=value[keep],
        prop_names=prop_names,
        values=values,
        first_category_ts=first_category_ts,
        n_items_with_properties=int(has_props.sum()),
        n_items_category_changed=int(changed_items.sum()),
    )
