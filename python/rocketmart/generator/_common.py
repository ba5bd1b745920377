"""Shared constants and small vectorised helpers for the synthetic data generator."""

from __future__ import annotations

import numpy as np

# Time range of the real Retail Rocket events.csv (epoch milliseconds, UTC).
T_MIN = 1430622120563  # 2015-05-03 03:02:00.563
T_MAX = 1442539013281  # 2015-09-18 01:16:53.281
SPAN_MS = T_MAX - T_MIN
# Property snapshots are weekly (Sundays 03:00 UTC), the first one just before the first event.
SNAPSHOT_0 = 1430622000000  # 2015-05-03 03:00:00.000
WEEK_MS = 7 * 24 * 3600 * 1000
N_SNAPSHOTS = int((T_MAX - SNAPSHOT_0) // WEEK_MS) + 1  # 20 weekly snapshots
SECOND_MS = 1000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS

FULL_SCALE_VISITORS = 1_400_000

VIEW, ADDTOCART, TRANSACTION = 0, 1, 2
EVENT_NAMES = ("view", "addtocart", "transaction")


def seg_starts(counts: np.ndarray) -> np.ndarray:
    """Start offset of each consecutive segment given the segment lengths."""
    return np.cumsum(counts) - counts


def seg_cumsum(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Inclusive cumulative sum of ``x`` restarted at every segment (segments are consecutive)."""
    c = np.cumsum(x)
    if len(x) == 0:
        return c
    starts = np.minimum(seg_starts(counts), len(x) - 1)
    base = c[starts] - x[starts]
    return c - np.repeat(base, counts)


def seg_rank(keys_sorted: np.ndarray) -> np.ndarray:
    """0-based position of every element within its run of equal (sorted) keys."""
    n = len(keys_sorted)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.ones(n, dtype=bool)
    new[1:] = keys_sorted[1:] != keys_sorted[:-1]
    first = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    return np.arange(n) - first


def pick_in_segment(rng: np.random.Generator, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """One uniformly random index inside each segment [start, start + count)."""
    off = np.floor(rng.random(len(starts)) * counts).astype(np.int64)
    return starts + np.minimum(off, np.maximum(counts - 1, 0))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def unique_int(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based; faster than ``np.unique`` for large int arrays)."""
    s = np.sort(x)
    if len(s) == 0:
        return s
    keep = np.ones(len(s), dtype=bool)
    keep[1:] = s[1:] != s[:-1]
    return s[keep]


def group_sizes(x: np.ndarray) -> np.ndarray:
    """Number of occurrences of every distinct value of ``x`` (in sorted value order)."""
    s = np.sort(x)
    if len(s) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], s[1:] != s[:-1]]))
    return np.diff(np.append(starts, len(s)))


# Daily and weekly rhythm, from the real 5,000-visitor sample (share of events, %): by UTC
# hour 00..23 (busiest/quietest ~10.7, a trough 06-13 UTC) and by UTC weekday Monday..Sunday.
HOUR_WEIGHTS = np.array(
    [5.07, 5.31, 5.82, 5.58, 5.48, 4.34, 2.56, 1.74, 0.99, 0.63, 0.88, 1.03,
     1.04, 1.97, 3.44, 4.83, 5.74, 6.72, 6.32, 5.79, 6.44, 6.71, 6.27, 5.31]
)  # fmt: skip
WEEKDAY_WEIGHTS = np.array([17.1, 16.8, 14.6, 16.1, 12.7, 11.4, 11.3])


def activity_clock() -> tuple[np.ndarray, np.ndarray]:
    """Knots mapping "activity time" (ms of average traffic since T_MIN) to UTC epoch ms.

    Traffic intensity is hour-of-day weight x weekday weight, piecewise constant per hour; the
    cumulative intensity is scaled so that activity time runs over the same span as real time.
    ``np.interp(u, knots_activity, knots_real)`` turns activity offsets into timestamps, so
    anything placed uniformly in activity time follows the daily and weekly rhythm.
    """
    h = np.arange(T_MIN // HOUR_MS, T_MAX // HOUR_MS + 1)
    edges = np.clip(np.append(h, h[-1] + 1) * HOUR_MS, T_MIN, T_MAX).astype(np.float64)
    lam = HOUR_WEIGHTS[h % 24] * WEEKDAY_WEIGHTS[(h // 24 + 3) % 7]  # 1970-01-01 = Thursday
    mass = np.concatenate([[0.0], np.cumsum(lam * np.diff(edges))])
    return mass * (SPAN_MS / mass[-1]), edges


def to_real_time(offset_ms: np.ndarray) -> np.ndarray:
    """Activity-time offsets (0..SPAN_MS) to UTC epoch milliseconds."""
    knots_u, knots_t = activity_clock()
    return np.round(np.interp(offset_ms, knots_u, knots_t)).astype(np.int64)
