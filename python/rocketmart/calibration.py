"""Calibration of the synthetic generator against the real Retail Rocket sample.

Pure functions: :func:`load_events` reads an ``events.csv`` into integer arrays,
:func:`sample_statistics` computes every calibration statistic on one set of events,
:func:`compare` puts the real sample, the generated subsets and the published full-data
figures side by side with a tolerance verdict, and :func:`render_markdown` writes the
report (with the 24-hour and weekday profiles as inline SVG bar charts).

How the generated column is obtained: the generated set is cut into disjoint random
5,000-visitor subsets (the size of the real sample); a statistic whose value depends on the
sample size (distinct items, top-1 % share, last-week novelty, busiest/quietest hour or
weekday) is the median over subsets; a ratio of counts (shares, per-visitor rates, gaps) is
computed on all subsets pooled, which is the same expectation with less noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

SAMPLE_VISITORS = 5_000
SECOND_MS = 1_000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
WEEK_MS = 7 * DAY_MS
SESSION_GAP_MS = 30 * MINUTE_MS
VIEW, ADDTOCART, TRANSACTION = 0, 1, 2
EVENT_CODES = {"view": VIEW, "addtocart": ADDTOCART, "transaction": TRANSACTION}
PROFILE_MIN_CORRELATION = 0.9

# Published totals of the full Retail Rocket events.csv (Kaggle, 2015-05-03 .. 2015-09-18).
PUBLISHED = {
    "events": 2_756_101,
    "views": 2_664_312,
    "addtocarts": 69_332,
    "transactions": 22_457,
    "visitors": 1_407_580,
    "items": 235_061,
    "transaction_ids": 17_672,
}


@dataclass(frozen=True)
class EventArrays:
    """Clean events as integer arrays (one element per row, duplicates kept)."""

    ts: np.ndarray  # epoch milliseconds
    visitor: np.ndarray
    event: np.ndarray  # 0 view, 1 addtocart, 2 transaction
    item: np.ndarray
    txn: np.ndarray  # -1 when empty

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, mask: np.ndarray) -> EventArrays:
        return EventArrays(
            *(a[mask] for a in (self.ts, self.visitor, self.event, self.item, self.txn))
        )


@dataclass(frozen=True)
class Statistic:
    key: str
    label: str
    unit: str  # "share" (0..1, tolerance in points), "ratio" (relative), "ms" (relative)
    reference: str  # "real" (compare with the real sample) or "published" (full data)
    by_subset: bool  # median over 5,000-visitor subsets (size-dependent) vs pooled


REL_TOL = 0.25
SHARE_TOL_POINTS = 3.0


def _statistics(table: str) -> tuple[Statistic, ...]:
    """One :class:`Statistic` per line of ``table``: key | unit | reference | pooled or
    subsets (median over 5,000-visitor subsets) | label."""
    rows = (tuple(cell.strip() for cell in line.split("|")) for line in table.strip().splitlines())
    return tuple(
        Statistic(key, label, unit, reference, by == "subsets")
        for key, unit, reference, by, label in rows
    )


STATISTICS = _statistics(
    """
events_per_visitor        | ratio | published | pooled  | events per visitor
one_event_share           | share | real      | pooled  | visitors with a single event
view_share                | share | published | pooled  | event mix: view
addtocart_share           | share | published | pooled  | event mix: addtocart
transaction_share         | share | published | pooled  | event mix: transaction
transactions_per_1k       | ratio | published | pooled  | transaction events per 1,000 visitors
transaction_ids_per_1k    | ratio | published | pooled  | transaction ids per 1,000 visitors
sessions_per_visitor      | ratio | real      | pooled  | sessions per visitor (30-min gap)
view_to_cart              | share | real      | pooled  | viewers who add to cart
hour_max_min              | ratio | real      | subsets | busiest / quietest UTC hour (events)
share_06_13               | share | real      | pooled  | share of events 06–13 UTC
hour_profile_corr         | corr  | real      | pooled  | 24-hour profile: correlation
weekend_share             | share | real      | pooled  | weekend share of events
weekday_max_min           | ratio | real      | subsets | busiest / quietest weekday (events)
weekday_profile_corr      | corr  | real      | pooled  | weekday profile: correlation
distinct_items            | ratio | real      | subsets | distinct items among 5,000 visitors
full_scale_items          | ratio | published | pooled  | distinct items at full scale (--full-scale)
top1pct_share             | share | real      | subsets | share of events on the top 1 % of items
last_week_seen_before     | share | real      | subsets | last week's views on items seen before it
gap_p25                   | ms    | real      | pooled  | gap between a visitor's consecutive events p25
gap_p50                   | ms    | real      | pooled  | gap between a visitor's consecutive events p50
gap_p90                   | ms    | real      | pooled  | gap between a visitor's consecutive events p90
buyers_without_cart       | share | real      | pooled  | buyers who never added to cart
buyers_per_1k             | ratio | real      | pooled  | buyers per 1,000 visitors
returning_buyer_txn_share | share | real      | subsets | transactions by returning buyers
items_per_txn             | ratio | real      | pooled  | items per transaction id
single_item_txn_share     | share | real      | pooled  | transaction ids with one item
"""  # noqa: E501 (a table: one statistic a line)
)


# --------------------------------------------------------------------------- loading


def load_events(path: str | Path) -> EventArrays:
    """Read a raw ``events.csv``; rows that are not clean events are dropped."""
    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types={
                "timestamp": pa.int64(),
                "visitorid": pa.string(),
                "event": pa.string(),
                "itemid": pa.string(),
                "transactionid": pa.string(),
            },
            strings_can_be_null=True,
        ),
    )
    ints = {}
    for col in ("visitorid", "itemid", "transactionid"):
        arr = table[col]
        ok = pc.match_substring_regex(arr, r"^\d+$")
        ints[col] = (pc.fill_null(ok, False), arr)
    event = table["event"]
    code = pc.index_in(event, pa.array(list(EVENT_CODES)))
    clean = pc.and_(ints["visitorid"][0], ints["itemid"][0])
    clean = pc.and_(clean, pc.is_valid(code))
    clean = pc.and_(clean, pc.is_valid(table["timestamp"]))
    is_tx = pc.equal(event, "transaction")
    has_id = ints["transactionid"][0]
    clean = pc.and_(clean, pc.equal(pc.fill_null(is_tx, False), has_id))
    t = table.filter(clean)
    txn = pc.cast(pc.fill_null(t["transactionid"], "-1"), pa.int64())
    return EventArrays(
        ts=t["timestamp"].to_numpy(),
        visitor=pc.cast(t["visitorid"], pa.int64()).to_numpy(),
        event=pc.index_in(t["event"], pa.array(list(EVENT_CODES))).to_numpy().astype(np.int8),
        item=pc.cast(t["itemid"], pa.int64()).to_numpy(),
        txn=txn.to_numpy(),
    )


# --------------------------------------------------------------------------- statistics


def _n_distinct(x: np.ndarray) -> int:
    return len(np.unique(x))


def hour_profile(ev: EventArrays) -> np.ndarray:
    """Events per UTC hour of day (24 counts)."""
    return np.bincount((ev.ts // HOUR_MS) % 24, minlength=24).astype(float)


def weekday_profile(ev: EventArrays) -> np.ndarray:
    """Events per UTC weekday, Monday first (7 counts). 1970-01-01 was a Thursday."""
    return np.bincount((ev.ts // DAY_MS + 3) % 7, minlength=7).astype(float)


def _ordered(ev: EventArrays) -> EventArrays:
    order = np.lexsort((ev.ts, ev.visitor))
    return ev.take(order)


def consecutive_gaps(ev: EventArrays) -> np.ndarray:
    """Gaps (ms) between each visitor's consecutive events, duplicate timestamps included."""
    o = _ordered(ev)
    same = o.visitor[1:] == o.visitor[:-1]
    return (o.ts[1:] - o.ts[:-1])[same]


def size_dependent_statistics(ev: EventArrays) -> dict[str, float]:
    """Statistics whose value depends on how many visitors the events come from."""
    hours = hour_profile(ev)
    days = weekday_profile(ev)
    _, per_item = np.unique(ev.item, return_counts=True)
    top_n = max(1, math.ceil(len(per_item) * 0.01))
    top = np.sort(per_item)[::-1][:top_n].sum()
    # last week: the final 7 days before the latest event; items with any earlier event
    t_cut = ev.ts.max() - WEEK_MS
    before = np.unique(ev.item[ev.ts < t_cut])
    last_views = ev.item[(ev.ts >= t_cut) & (ev.event == VIEW)]
    seen = np.isin(last_views, before).mean() if len(last_views) else float("nan")
    return {
        "returning_buyer_txn_share": _returning_buyer_share(ev),
        "hour_max_min": float(hours.max() / max(hours.min(), 1.0)),
        "weekday_max_min": float(days.max() / max(days.min(), 1.0)),
        "distinct_items": float(len(per_item)),
        "top1pct_share": float(top / len(ev.item)),
        "last_week_seen_before": float(seen),
    }


def _returning_buyer_share(ev: EventArrays) -> float:
    """Share of transaction ids made by a visitor who already had an earlier transaction id.

    Heavy buyers are rare, so this depends on the sample: a median over subsets."""
    tx = ev.event == TRANSACTION
    if not tx.any():
        return float("nan")
    t_txn, t_ts, t_vis = ev.txn[tx], ev.ts[tx], ev.visitor[tx]
    o = np.lexsort((t_ts, t_txn))
    first = _starts(t_txn)
    id_ts, id_vis = t_ts[o][first], t_vis[o][first]
    v_sorted = id_vis[np.lexsort((id_ts, id_vis))]
    return float((v_sorted[1:] == v_sorted[:-1]).sum() / len(v_sorted))


def _sessions(ev: EventArrays) -> int:
    o = _ordered(ev)
    new = np.ones(len(o), dtype=bool)
    new[1:] = (o.visitor[1:] != o.visitor[:-1]) | (o.ts[1:] - o.ts[:-1] > SESSION_GAP_MS)
    return int(new.sum())


def pooled_statistics(ev: EventArrays) -> dict[str, float]:
    """Ratios of counts: the same expectation at any sample size."""
    n = len(ev)
    visitors, per_visitor = np.unique(ev.visitor, return_counts=True)
    n_vis = len(visitors)
    counts = np.bincount(ev.event, minlength=3)
    hours, days = hour_profile(ev), weekday_profile(ev)
    gaps = consecutive_gaps(ev)
    viewers = np.unique(ev.visitor[ev.event == VIEW])
    carters = np.unique(ev.visitor[ev.event == ADDTOCART])
    tx = ev.event == TRANSACTION
    buyers = np.unique(ev.visitor[tx])
    ids = np.unique(ev.txn[tx])
    lines = np.unique(np.stack([ev.txn[tx], ev.item[tx]], axis=1), axis=0) if tx.any() else None
    items_per_id = np.bincount(np.searchsorted(ids, lines[:, 0])) if lines is not None else None
    return {
        "events_per_visitor": n / n_vis,
        "one_event_share": float((per_visitor == 1).mean()),
        "view_share": counts[VIEW] / n,
        "addtocart_share": counts[ADDTOCART] / n,
        "transaction_share": counts[TRANSACTION] / n,
        "transactions_per_1k": 1000 * counts[TRANSACTION] / n_vis,
        "transaction_ids_per_1k": 1000 * len(ids) / n_vis,
        "sessions_per_visitor": _sessions(ev) / n_vis,
        "view_to_cart": len(np.intersect1d(viewers, carters)) / max(len(viewers), 1),
        "share_06_13": float(hours[6:14].sum() / hours.sum()),
        "weekend_share": float(days[5:].sum() / days.sum()),
        "gap_p25": float(np.quantile(gaps, 0.25)),
        "gap_p50": float(np.quantile(gaps, 0.50)),
        "gap_p90": float(np.quantile(gaps, 0.90)),
        "buyers_per_1k": 1000 * len(buyers) / n_vis,
        "buyers_without_cart": float(np.isin(buyers, carters, invert=True).mean())
        if len(buyers)
        else float("nan"),
        "items_per_txn": float(items_per_id.mean()) if len(ids) else float("nan"),
        "single_item_txn_share": float((items_per_id == 1).mean()) if len(ids) else float("nan"),
    }


def _starts(x: np.ndarray) -> np.ndarray:
    s = np.sort(x)
    if len(s) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate([[True], s[1:] != s[:-1]]))


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def sample_statistics(ev: EventArrays) -> dict[str, float]:
    """Every statistic of :data:`STATISTICS` except the profile correlations on one set."""
    return {**pooled_statistics(ev), **size_dependent_statistics(ev)}


def visitor_subsets(
    ev: EventArrays, size: int = SAMPLE_VISITORS, seed: int = 0, max_subsets: int = 20
) -> list[np.ndarray]:
    """Disjoint random subsets of ``size`` visitors (row masks), at most ``max_subsets``."""
    visitors = np.unique(ev.visitor)
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(visitors)
    k = min(max_subsets, len(visitors) // size)
    if k == 0:
        raise ValueError(f"need at least {size} visitors, got {len(visitors)}")
    group = np.full(len(visitors), -1)
    group[np.searchsorted(visitors, shuffled[: k * size])] = np.arange(k * size) // size
    g = group[np.searchsorted(visitors, ev.visitor)]
    return [g == j for j in range(k)]


def generated_statistics(ev: EventArrays, seed: int = 0, max_subsets: int = 20) -> dict:
    """Statistics of generated events cut into 5,000-visitor subsets (see module docstring)."""
    masks = visitor_subsets(ev, seed=seed, max_subsets=max_subsets)
    pooled_mask = np.logical_or.reduce(masks)
    pooled = ev.take(pooled_mask)
    out = pooled_statistics(pooled)
    per_subset = [size_dependent_statistics(ev.take(m)) for m in masks]
    for key in per_subset[0]:
        out[key] = float(np.median([s[key] for s in per_subset]))
    return {
        "stats": out,
        "hours": hour_profile(pooled),
        "weekdays": weekday_profile(pooled),
        "n_subsets": len(masks),
    }


def published_statistics() -> dict[str, float]:
    p = PUBLISHED
    return {
        "events_per_visitor": p["events"] / p["visitors"],
        "view_share": p["views"] / p["events"],
        "addtocart_share": p["addtocarts"] / p["events"],
        "transaction_share": p["transactions"] / p["events"],
        "transactions_per_1k": 1000 * p["transactions"] / p["visitors"],
        "transaction_ids_per_1k": 1000 * p["transaction_ids"] / p["visitors"],
        "items_per_txn": p["transactions"] / p["transaction_ids"],
        "full_scale_items": float(p["items"]),
    }


@dataclass(frozen=True)
class Row:
    stat: Statistic
    real: float
    generated: float
    published: float | None
    reference: float
    ratio: float
    ok: bool


def within_tolerance(stat: Statistic, generated: float, reference: float) -> bool:
    """±25 % relative; ±3 points for shares; correlation ≥ 0.9 for profiles."""
    if not (np.isfinite(generated) and np.isfinite(reference)):
        return False
    if stat.unit == "share":
        return abs(generated - reference) * 100 <= SHARE_TOL_POINTS + 1e-9
    if stat.unit == "corr":
        return generated >= PROFILE_MIN_CORRELATION
    return abs(generated / reference - 1) <= REL_TOL + 1e-9


def compare(
    real: EventArrays,
    generated: EventArrays,
    seed: int = 0,
    max_subsets: int = 20,
    full_scale: EventArrays | None = None,
):
    """Rows real | generated | published | ratio | within tolerance, plus the profiles.

    ``full_scale`` (events of a full-size generated set, 1.4 M visitors) adds the distinct
    item count against the published 235,061; without it that row is left out.
    """
    r = sample_statistics(real)
    g = generated_statistics(generated, seed=seed, max_subsets=max_subsets)
    gs = dict(g["stats"])
    real_hours, real_days = hour_profile(real), weekday_profile(real)
    r["hour_profile_corr"] = 1.0
    r["weekday_profile_corr"] = 1.0
    gs["hour_profile_corr"] = _corr(real_hours, g["hours"])
    gs["weekday_profile_corr"] = _corr(real_days, g["weekdays"])
    pub = published_statistics()
    r["full_scale_items"] = float("nan")
    if full_scale is not None:
        gs["full_scale_items"] = float(len(np.unique(full_scale.item)))
    rows = []
    for stat in STATISTICS:
        if stat.key not in gs:
            continue
        published = pub.get(stat.key)
        reference = published if stat.reference == "published" else r[stat.key]
        gen = gs[stat.key]
        ratio = gen / reference if reference else float("nan")
        rows.append(
            Row(stat, r[stat.key], gen, published, reference, ratio,
                within_tolerance(stat, gen, reference))
        )  # fmt: skip
    return {
        "rows": rows,
        "real_hours": real_hours,
        "real_days": real_days,
        "gen_hours": g["hours"],
        "gen_days": g["weekdays"],
        "n_subsets": g["n_subsets"],
        "real_visitors": len(np.unique(real.visitor)),
        "real_events": len(real),
        "generated_visitors": len(np.unique(generated.visitor)),
        "generated_events": len(generated),
    }


# --------------------------------------------------------------------------- report


def format_value(stat: Statistic, value: float | None) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    if stat.unit == "share":
        return f"{100 * value:.1f} %"
    if stat.unit == "ms":
        if value >= DAY_MS:
            return f"{value / DAY_MS:.1f} d"
        if value >= HOUR_MS:
            return f"{value / HOUR_MS:.1f} h"
        return f"{value / SECOND_MS:.0f} s"
    if stat.unit == "corr":
        return f"{value:.3f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.2f}"


def bar_chart_svg(labels: list[str], real: np.ndarray, generated: np.ndarray, title: str) -> str:
    """A small grouped bar chart (share of events per bucket) as inline SVG."""
    real = real / real.sum()
    generated = generated / generated.sum()
    n = len(labels)
    width, height, left, bottom, top = 40 + n * 26, 180, 36, 30, 24
    plot_h = height - bottom - top
    vmax = max(real.max(), generated.max()) * 1.1
    bw = 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + left}" height="{height}" '
        f'viewBox="0 0 {width + left} {height}" font-family="sans-serif" font-size="10">',
        f'<text x="{left}" y="14" font-size="12">{title}</text>',
        f'<rect x="{width - 120 + left}" y="5" width="8" height="8" fill="#1f77b4"/>',
        f'<text x="{width - 108 + left}" y="13">real</text>',
        f'<rect x="{width - 70 + left}" y="5" width="8" height="8" fill="#ff7f0e"/>',
        f'<text x="{width - 58 + left}" y="13">generated</text>',
    ]
    for tick in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width + left - 4}" y2="{y:.1f}" '
            f'stroke="#ddd"/><text x="2" y="{y + 3:.1f}">{100 * tick * vmax:.1f}%</text>'
        )
    for i, lab in enumerate(labels):
        x = left + 6 + i * 26
        for j, (v, colour) in enumerate(((real[i], "#1f77b4"), (generated[i], "#ff7f0e"))):
            h = plot_h * v / vmax
            parts.append(
                f'<rect x="{x + j * bw}" y="{top + plot_h - h:.1f}" width="{bw - 1}" '
                f'height="{h:.1f}" fill="{colour}"/>'
            )
        parts.append(f'<text x="{x + 2}" y="{height - bottom + 14}">{lab}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_markdown(
    result: dict, *, visitors: int, seed: int, real_path: str, full_scale: bool = False
) -> str:
    rows = result["rows"]
    n_ok = sum(r.ok for r in rows)
    lines = [
        "# Generator calibration",
        "",
        f"Generated by `rocketmart calibrate --visitors {visitors} --seed {seed}"
        f"{' --full-scale' if full_scale else ''}`. "
        f"Real sample: `{real_path}` ({result['real_visitors']:,} visitors, "
        f"{result['real_events']:,} events). Generated: {result['generated_visitors']:,} "
        f"visitors ({result['generated_events']:,} events) cut into {result['n_subsets']} "
        "disjoint random 5,000-visitor subsets; size-dependent statistics (distinct items, "
        "top-1 % share, last-week novelty, busiest/quietest hour and weekday, transactions by "
        "returning buyers) are the median over subsets, the others are pooled over all subsets.",
        "",
        "Tolerance: ±25 % relative, ±3 points for shares, correlation ≥ 0.9 for the 24-hour and "
        "weekday profiles. The reference is the real sample, except where the published "
        "full-data figure is marked ✱: per-visitor totals follow the full data (the sample "
        "holds fewer transactions than the full data).",
        "",
        f"**{n_ok} of {len(rows)} statistics within tolerance.**",
        "",
        "| statistic | real sample | generated | full data (published) | ratio "
        "| within tolerance |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        pub = format_value(r.stat, r.published)
        if r.stat.reference == "published":
            pub += " ✱"
        ratio = "—" if r.stat.unit == "corr" or not np.isfinite(r.ratio) else f"{r.ratio:.2f}"
        verdict = "yes" if r.ok else "**no**"
        lines.append(
            f"| {r.stat.label} | {format_value(r.stat, r.real)} | "
            f"{format_value(r.stat, r.generated)} | {pub} | {ratio} | {verdict} |"
        )
    hours = [f"{h:02d}" for h in range(24)]
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    lines += [
        "",
        "## 24-hour profile (UTC, share of events)",
        "",
        bar_chart_svg(hours, result["real_hours"], result["gen_hours"], "events by UTC hour"),
        "",
        "## Weekday profile (UTC, share of events)",
        "",
        bar_chart_svg(days, result["real_days"], result["gen_days"], "events by UTC weekday"),
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- entry point

DEFAULT_REAL_SAMPLE = Path("../shared/data/retailrocket/events_sample_5000_visitors.csv")


class CalibrationError(Exception):
    """A user-fixable problem (missing real sample, too few visitors, unwritable output)."""


def run_calibration(
    real_path: str | Path,
    out_path: str | Path,
    *,
    visitors: int = 100_000,
    seed: int = 42,
    max_subsets: int = 20,
    full_scale: bool = False,
) -> dict:
    """Generate ``visitors`` visitors, compare them with the real sample, write the report."""
    import tempfile

    from rocketmart.generator import generate_dataset

    real_path, out_path = Path(real_path), Path(out_path)
    if visitors < SAMPLE_VISITORS:
        raise CalibrationError(f"--visitors must be at least {SAMPLE_VISITORS:,}, got {visitors}")
    if not real_path.is_file():
        raise CalibrationError(f"real sample {real_path} not found")
    try:
        real = load_events(real_path)
    except (pa.ArrowInvalid, KeyError) as exc:
        raise CalibrationError(f"cannot read {real_path} as events.csv: {exc}") from exc
    if len(real) == 0:
        raise CalibrationError(f"{real_path} holds no clean events")
    with tempfile.TemporaryDirectory(prefix="rocketmart-calibrate-") as tmp:
        generate_dataset(tmp, visitors, seed)
        generated = load_events(Path(tmp) / "events.csv")
        full = None
        if full_scale:
            generate_dataset(Path(tmp) / "full", PUBLISHED["visitors"], seed)
            full = load_events(Path(tmp) / "full" / "events.csv")
    result = compare(real, generated, seed=seed, max_subsets=max_subsets, full_scale=full)
    text = render_markdown(
        result, visitors=visitors, seed=seed, real_path=real_path.name, full_scale=full_scale
    )
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CalibrationError(f"cannot write {out_path}: {exc.strerror or exc}") from exc
    return result
