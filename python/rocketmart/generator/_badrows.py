"""Malformed ``events.csv`` lines, one of every quarantine reason in turn."""

from __future__ import annotations

import numpy as np

from ._common import T_MAX, T_MIN

BAD_ROW_REASONS = (
    "unparseable",
    "unknown_event_type",
    "transaction_without_id",
    "id_on_non_transaction",
    "timestamp_out_of_range",
)
TS_1990 = 631152000000  # 1990-01-01T00:00:00Z
TS_2150 = 5680281600000  # 2150-01-01T00:00:00Z
YEAR_MS = 365 * 24 * 3600 * 1000


def _join(*cols) -> np.ndarray:
    out = np.asarray(cols[0], dtype=np.str_)
    for c in cols[1:]:
        out = np.strings.add(np.strings.add(out, ","), np.asarray(c, dtype=np.str_))
    return out


def make_bad_rows(
    rng: np.random.Generator, k: int, visitor_ids: np.ndarray, item_ids: np.ndarray, txn_base: int
) -> tuple[list[str], dict[str, int]]:
    """``k`` single-line rows (no quotes, no embedded commas) cycling through every reason.

    Row ``i`` gets reason ``i % 5``, so ``k >= 5`` covers every reason; within a reason the
    variants (e.g. 4 or 6 fields, non-numeric ids) rotate as well.
    """
    i = np.arange(k)
    reason = i % len(BAD_ROW_REASONS)
    variant = i // len(BAD_ROW_REASONS)
    t = rng.integers(T_MIN, T_MAX, k).astype(np.str_)
    v = rng.choice(visitor_ids, k).astype(np.str_)
    it = rng.choice(item_ids, k).astype(np.str_)
    out_ts = np.where(rng.random(k) < 0.5, TS_1990, TS_2150) + rng.integers(0, YEAR_MS, k)
    txn = (txn_base + i).astype(np.str_)
    empty = np.full(k, "")
    unparseable = np.choose(
        variant % 8,
        [
            _join(t, v, "view", it),  # 4 fields
            _join(t, v, "view", it, empty, it),  # 6 fields
            _join(t, "abc", "view", it, empty),  # non-numeric visitorid
            _join(t, v, "addtocart", np.strings.add("xyz", it), empty),  # non-numeric itemid
            _join("notatimestamp", v, "view", it, empty),  # non-numeric timestamp
            # numbers that a lenient cast would round or reinterpret (SPEC §3: never)
            _join(t, np.strings.add(v, ".5"), "view", it, empty),  # decimal visitorid
            _join(t, v, "view", np.strings.add("0x", it), empty),  # hex itemid
            _join(np.strings.add(t, ".6"), v, "view", it, empty),  # decimal timestamp
        ],
    )
    unknown = _join(t, v, np.array(["click", "purchase", "removefromcart"])[variant % 3], it, empty)
    no_id = _join(t, v, "transaction", it, empty)
    id_on_other = _join(t, v, np.array(["view", "addtocart"])[variant % 2], it, txn)
    out_of_range = _join(out_ts.astype(np.str_), v, "view", it, empty)
    lines = np.choose(reason, [unparseable, unknown, no_id, id_on_other, out_of_range])
    counts = np.bincount(reason, minlength=len(BAD_ROW_REASONS))
    return lines.tolist(), {r: int(c) for r, c in zip(BAD_ROW_REASONS, counts, strict=True)}
