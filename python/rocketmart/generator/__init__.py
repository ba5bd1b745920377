"""Deterministic, calibrated synthetic Retail Rocket dataset (``rocketmart generate``).

The public entry point is :func:`generate_dataset`; it knows nothing about the CLI. It writes
the raw Retail Rocket layout into a directory:

- ``events.csv`` (``timestamp,visitorid,event,itemid,transactionid``),
- ``category_tree.csv`` (``categoryid,parentid``),
- optionally ``item_properties_part1.csv`` / ``item_properties_part2.csv``
  (``timestamp,itemid,property,value``),
- ``generator_manifest.json``: arguments, row counts, calibration statistics, expected data
  quality counts and the planted truth (co-purchase pairs, co-viewed groups, bots).

Same arguments give byte-identical files. Every random stream is derived from the seed with
``numpy.random.SeedSequence`` (one child stream per part), so events do not depend on whether
properties or bad rows are requested.
"""

from __future__ import annotations

import json
import numbers
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .. import __version__
from ._badrows import BAD_ROW_REASONS, make_bad_rows
from ._catalog import make_catalog
from ._common import (
    EVENT_NAMES,
    FULL_SCALE_VISITORS,
    T_MAX,
    T_MIN,
    TRANSACTION,
    group_sizes,
    unique_int,
)
from ._events import PAIR_PARTNER_P, PREF_SHARE, Events, simulate
from ._properties import Properties, make_properties
from ._tree import CategoryTree, make_tree, n_categories_for

__all__ = [
    "BAD_ROW_REASONS",
    "CATEGORY_TREE_HEADER",
    "EVENTS_HEADER",
    "ITEM_PROPERTIES_HEADER",
    "MANIFEST_NAME",
    "GenerateResult",
    "GeneratorError",
    "generate_dataset",
]

EVENTS_HEADER = "timestamp,visitorid,event,itemid,transactionid"
CATEGORY_TREE_HEADER = "categoryid,parentid"
ITEM_PROPERTIES_HEADER = "timestamp,itemid,property,value"
EVENTS_FILE = "events.csv"
CATEGORY_TREE_FILE = "category_tree.csv"
PROPERTY_FILES = ("item_properties_part1.csv", "item_properties_part2.csv")
MANIFEST_NAME = "generator_manifest.json"
BOT_ITEM_THRESHOLD = 300  # dbt var max_items_per_visitor
_TMP_SUFFIX = ".tmp"
PROPERTY_ONLY_MIN_SHARE = 0.05  # share of items without events that get property rows


class GeneratorError(Exception):
    """A user-fixable problem (bad argument, unusable output directory)."""


@dataclass(frozen=True)
class GenerateResult:
    out_dir: Path
    files: dict[str, int]  # data file name -> rows written (header excluded)
    manifest: dict

    @property
    def total_rows(self) -> int:
        return sum(self.files.values())


# --------------------------------------------------------------------------- writing


def _write_csv(path: Path, header: str, table: pa.Table | None, extra_lines=()) -> None:
    """Header line, then the table unquoted (values never contain commas), then raw lines."""
    with open(path, "wb") as fh:
        fh.write((header + "\n").encode())
        if table is not None and table.num_rows:
            opts = pacsv.WriteOptions(
                include_header=False, quoting_style="none", batch_size=1 << 16
            )
            pacsv.write_csv(table, fh, opts)
        if extra_lines:
            fh.write(("\n".join(extra_lines) + "\n").encode())


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise GeneratorError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise GeneratorError(f"output path {out_dir} exists and is not a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GeneratorError(
            f"cannot create output directory {out_dir}: {exc.strerror or exc}"
        ) from exc
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise GeneratorError(f"output directory {out_dir} is not writable")


def _tree_table(rng: np.random.Generator, tree: CategoryTree) -> pa.Table:
    order = rng.permutation(tree.n)  # the real file has no meaningful row order
    parent = tree.parent[order]
    return pa.table(
        {
            "categoryid": pa.array(tree.ids[order]),
            "parentid": pa.array(tree.ids[np.maximum(parent, 0)], mask=parent < 0),
        }
    )


def _events_table(ev: Events, item_ids: np.ndarray) -> pa.Table:
    names = pa.array(list(EVENT_NAMES))
    return pa.table(
        {
            "timestamp": pa.array(ev.ts),
            "visitorid": pa.array(ev.visitor),
            "event": pc.take(names, pa.array(ev.event)),
            "itemid": pa.array(item_ids[ev.item]),
            "transactionid": pa.array(ev.txn, mask=ev.txn < 0),
        }
    )


# --------------------------------------------------------------------------- manifest


def _tree_stats(tree: CategoryTree) -> dict:
    depth_counts = np.bincount(tree.level)
    return {
        "n_categories": tree.n,
        "n_roots": int((tree.parent < 0).sum()),
        "n_leaves": int(tree.is_leaf.sum()),
        "max_depth": len(depth_counts),  # roots are depth 1
        "depth_counts": depth_counts.tolist(),
    }


def _event_stats(ev: Events, props: Properties | None, n_items: int) -> dict:
    n = len(ev.ts)
    per_visitor = group_sizes(ev.visitor)
    # exact duplicates: rows are sorted by every column, so copies are adjacent
    same = np.ones(n, dtype=bool)
    same[0] = False
    for col in (ev.ts, ev.visitor, ev.event, ev.item, ev.txn):
        same[1:] &= col[1:] == col[:-1]
    distinct = ~same
    n_types = np.bincount(ev.event, minlength=3)

    def visitors_with(e: int) -> np.ndarray:
        return unique_int(ev.visitor[ev.event == e])

    v_view, v_cart, v_buy = (visitors_with(e) for e in range(3))
    n_view_cart = len(np.intersect1d(v_view, v_cart, assume_unique=True))
    n_cart_buy = len(np.intersect1d(v_cart, v_buy, assume_unique=True))
    tx = ev.event == TRANSACTION
    n_vis = int(ev.visitor.max()) + 1
    basket_size = group_sizes(unique_int(ev.txn[tx] * n_items + ev.item[tx]) // n_items)
    txn_visitors = unique_int(ev.txn[tx] * n_vis + ev.visitor[tx]) // n_vis
    shared_txn = int((group_sizes(txn_visitors) > 1).sum())
    items_per_visitor = group_sizes(unique_int(ev.visitor * n_items + ev.item) // n_items)
    event_items = unique_int(ev.item)
    if props is None:
        no_cat_events = int(distinct.sum())
        never_cat_items = len(event_items)
    else:
        fct = props.first_category_ts
        no_cat_events = int((distinct & (fct[ev.item] > ev.ts)).sum())
        never_cat_items = int((fct[event_items] == np.iinfo(np.int64).max).sum())
    return {
        "rows": {
            "clean_rows": n,
            "distinct_clean_rows": int(distinct.sum()),
            "exact_duplicate_rows": int(same.sum()),
        },
        "by_event_type": {name: int(c) for name, c in zip(EVENT_NAMES, n_types, strict=True)},
        "event_mix": {name: float(c / n) for name, c in zip(EVENT_NAMES, n_types, strict=True)},
        "n_visitors": len(per_visitor),
        "n_items": len(event_items),
        "n_transactions": len(basket_size),
        "basket_size_counts": {
            str(s): int(c) for s, c in zip(*np.unique(basket_size, return_counts=True), strict=True)
        },
        "timestamp_min": int(ev.ts.min()),
        "timestamp_max": int(ev.ts.max()),
        "events_per_visitor": {
            "mean": float(per_visitor.mean()),
            "median": float(np.median(per_visitor)),
            "p99": float(np.quantile(per_visitor, 0.99)),
            "max": int(per_visitor.max()),
        },
        "funnel": {
            "visitors_with_view": len(v_view),
            "visitors_with_addtocart": len(v_cart),
            "visitors_with_transaction": len(v_buy),
            "visitors_view_and_addtocart": n_view_cart,
            "visitors_addtocart_and_transaction": n_cart_buy,
        },
        "data_quality": {
            "exact_duplicate_rows": int(same.sum()),
            "transaction_ids_used_by_more_than_one_visitor": shared_txn,
            "events_without_category_at_event_time": no_cat_events,
            "event_items_never_categorised": never_cat_items,
            "bot_like_visitors": int((items_per_visitor > BOT_ITEM_THRESHOLD).sum()),
        },
    }


# --------------------------------------------------------------------------- entry point


def _described_items(rng: np.random.Generator, ev: Events, catalog, n_visitors: int) -> np.ndarray:
    """Items that get property rows: every item with events, plus a share of the others.

    The share grows with the visitor count (all items at full scale, ~20 M rows as in the
    real files), so a small test set keeps moderate property files while still holding
    items that only appear in the property files.
    """
    share = float(np.clip(n_visitors / FULL_SCALE_VISITORS, PROPERTY_ONLY_MIN_SHARE, 1.0))
    describe = rng.random(catalog.n) < share
    describe[unique_int(ev.item)] = True
    return describe


def generate_dataset(
    out_dir: str | os.PathLike[str],
    n_visitors: int = 20_000,
    seed: int = 42,
    *,
    with_properties: bool = False,
    bad_rows: int = 0,
) -> GenerateResult:
    """Write a synthetic Retail Rocket dataset for ``n_visitors`` visitors into ``out_dir``.

    Deterministic: the same arguments always produce byte-identical files. Files are written
    to temporary names and renamed at the end, so a failure leaves no half-written file;
    ``item_properties_part*.csv`` files that this run does not write are removed so the
    directory is consistent. Raises :class:`GeneratorError` for user-fixable problems.
    """
    n_visitors = _check_int("n_visitors", n_visitors, 1)
    bad_rows = _check_int("bad_rows", bad_rows, 0)
    seed = _check_int("seed", seed, 0)
    out = Path(out_dir)
    _prepare_out_dir(out)

    rng_tree, rng_items, rng_events, rng_props, rng_bad, rng_order = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)
    )
    tree = make_tree(rng_tree, n_categories_for(n_visitors))
    catalog = make_catalog(rng_items, tree)
    ev = simulate(rng_events, tree, catalog, n_visitors)
    props = None
    if with_properties:
        props = make_properties(
            rng_props, tree, catalog, _described_items(rng_props, ev, catalog, n_visitors)
        )

    n_baskets = int(ev.txn.max()) + 1 if (ev.txn >= 0).any() else 0
    bad_lines, bad_counts = make_bad_rows(
        rng_bad, bad_rows, unique_int(ev.visitor), catalog.ids, txn_base=n_baskets + 1_000_000
    )
    stats = _event_stats(ev, props, catalog.n)

    files: dict[str, int] = {}
    written: list[tuple[Path, Path]] = []

    def target(name: str) -> Path:
        final = out / name
        tmp = out / f".{name}{_TMP_SUFFIX}"
        written.append((tmp, final))
        return tmp

    try:
        _write_csv(target(EVENTS_FILE), EVENTS_HEADER, _events_table(ev, catalog.ids), bad_lines)
        files[EVENTS_FILE] = len(ev.ts) + len(bad_lines)
        _write_csv(target(CATEGORY_TREE_FILE), CATEGORY_TREE_HEADER, _tree_table(rng_order, tree))
        files[CATEGORY_TREE_FILE] = tree.n
        prop_stats = None
        if props is not None:
            n_rows = len(props)
            half = n_rows // 2
            for name, rows in zip(
                PROPERTY_FILES, (np.arange(half), np.arange(half, n_rows)), strict=True
            ):
                _write_csv(target(name), ITEM_PROPERTIES_HEADER, props.table(rows, catalog.ids))
                files[name] = len(rows)
            prop_stats = {
                "rows": n_rows,
                "n_items": props.n_items_with_properties,
                "n_items_category_changed": props.n_items_category_changed,
                "n_distinct_properties": len(props.prop_names),
                "kept_properties": ["categoryid", "available", "790"],
            }
        manifest = _manifest(
            n_visitors, seed, with_properties, bad_rows, files, tree, ev, catalog.ids,
            stats, prop_stats, bad_counts,
        )  # fmt: skip
        with open(target(MANIFEST_NAME), "w", encoding="utf-8", newline="\n") as fh:
            json.dump(manifest, fh, indent=2, sort_keys=False)
            fh.write("\n")
        for tmp, final in written:
            os.replace(tmp, final)
        if props is None:
            for stale in out.glob("item_properties_part*.csv"):
                stale.unlink()
        else:
            for stale in out.glob("item_properties_part*.csv"):
                if stale.name not in PROPERTY_FILES:
                    stale.unlink()
    except OSError as exc:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise GeneratorError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    return GenerateResult(out_dir=out, files=files, manifest=manifest)


def _manifest(
    n_visitors: int,
    seed: int,
    with_properties: bool,
    bad_rows: int,
    files: dict[str, int],
    tree: CategoryTree,
    ev: Events,
    item_ids: np.ndarray,
    stats: dict,
    prop_stats: dict | None,
    bad_counts: dict[str, int],
) -> dict:
    pairs = np.sort(item_ids[ev.planted["pairs"]], axis=1)
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    groups = np.sort(item_ids[ev.planted["groups"]], axis=1)
    groups = groups[np.lexsort(groups.T[::-1])] if len(groups) else groups
    quarantined = dict(bad_counts)
    data_quality = stats.pop("data_quality")
    data_quality["quarantined_rows"] = quarantined
    return {
        "generator": "rocketmart.generator",
        "version": __version__,
        "seed": seed,
        "n_visitors": n_visitors,
        "args": {
            "visitors": n_visitors,
            "seed": seed,
            "with_properties": with_properties,
            "bad_rows": bad_rows,
        },
        "files": files,
        "time_range": {"min_allowed_ms": T_MIN, "max_allowed_ms": T_MAX},
        "events": stats,
        "bad_rows": quarantined,
        "category_tree": _tree_stats(tree),
        "item_properties": prop_stats,
        "data_quality": data_quality,
        "planted": {
            "bot_visitors": ev.planted["bot_visitors"].tolist(),
            "bot_item_threshold": BOT_ITEM_THRESHOLD,
            "planted_pairs": pairs.tolist(),
            "planted_pair_partner_probability": PAIR_PARTNER_P,
            "planted_similar_items": groups.tolist(),
            "preferred_category_view_share": PREF_SHARE,
        },
    }
