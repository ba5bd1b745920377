"""Calibration of the generator against the real 5,000-visitor sample (rocketmart.calibration).

Unit tests use hand-made events with hand-computed statistics; the calibration test generates
100k visitors (events only, a few seconds) and fails when any statistic leaves its tolerance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from rocketmart import calibration as cal
from rocketmart.cli import app
from rocketmart.generator import generate_dataset

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "retailrocket"
REAL_EVENTS = REAL / "events_sample_5000_visitors.csv"
MONDAY = 1430697600000  # 2015-05-04T00:00:00Z, a Monday
H, M, S, D = cal.HOUR_MS, cal.MINUTE_MS, cal.SECOND_MS, cal.DAY_MS

needs_real = pytest.mark.skipif(not REAL_EVENTS.exists(), reason="real sample not present")


def _events(rows) -> cal.EventArrays:
    """rows: (ts, visitor, event code, item, txn or -1)."""
    a = np.array(rows, dtype=np.int64)
    return cal.EventArrays(a[:, 0], a[:, 1], a[:, 2].astype(np.int8), a[:, 3], a[:, 4])


V, C, T = cal.VIEW, cal.ADDTOCART, cal.TRANSACTION

# visitor 1: 3 views in one session, a cart, a purchase (txn 10) and a later purchase (txn 11)
# visitor 2: one view on Saturday 07:00; visitor 3: buys without a cart (txn 12, two items)
SMALL = _events(
    [
        (MONDAY + 10 * H, 1, V, 100, -1),
        (MONDAY + 10 * H + 30 * S, 1, V, 101, -1),
        (MONDAY + 10 * H + 90 * S, 1, V, 100, -1),
        (MONDAY + 10 * H + 2 * M, 1, C, 100, -1),
        (MONDAY + 10 * H + 3 * M, 1, T, 100, 10),
        (MONDAY + 3 * D + 20 * H, 1, T, 101, 11),
        (MONDAY + 5 * D + 7 * H, 2, V, 102, -1),
        (MONDAY + 6 * D + 23 * H, 3, V, 103, -1),
        (MONDAY + 6 * D + 23 * H + 10 * S, 3, T, 103, 12),
        (MONDAY + 6 * D + 23 * H + 10 * S, 3, T, 104, 12),
    ]
)


def test_hour_and_weekday_profiles_are_utc_counts():
    hours = cal.hour_profile(SMALL)
    assert hours[10] == 5 and hours[20] == 1 and hours[7] == 1 and hours[23] == 3
    assert hours.sum() == 10
    days = cal.weekday_profile(SMALL)
    assert days.tolist() == [5, 0, 0, 1, 0, 1, 3]  # Mon, Thu, Sat, Sun


def test_consecutive_gaps_stay_within_each_visitor():
    gaps = np.sort(cal.consecutive_gaps(SMALL))
    expected = [30 * S, 60 * S, 30 * S, 60 * S, 3 * D + 10 * H - 3 * M, 10 * S, 0]
    assert gaps.tolist() == sorted(expected)


def test_pooled_statistics_by_hand():
    s = cal.pooled_statistics(SMALL)
    assert s["events_per_visitor"] == pytest.approx(10 / 3)
    assert s["one_event_share"] == pytest.approx(1 / 3)
    assert s["view_share"] == pytest.approx(0.5)
    assert s["transactions_per_1k"] == pytest.approx(4000 / 3)
    assert s["transaction_ids_per_1k"] == pytest.approx(1000)
    assert s["sessions_per_visitor"] == pytest.approx(4 / 3)  # visitor 1 has two sessions
    assert s["view_to_cart"] == pytest.approx(1 / 3)
    assert s["buyers_per_1k"] == pytest.approx(2000 / 3)
    assert s["buyers_without_cart"] == pytest.approx(0.5)  # visitor 3
    assert s["items_per_txn"] == pytest.approx(4 / 3)
    assert s["single_item_txn_share"] == pytest.approx(2 / 3)
    assert s["share_06_13"] == pytest.approx(0.6)  # five events at 10h, one at 07h
    assert s["weekend_share"] == pytest.approx(0.4)


def test_size_dependent_statistics_by_hand():
    s = cal.size_dependent_statistics(SMALL)
    assert s["distinct_items"] == 5
    assert s["top1pct_share"] == pytest.approx(0.4)  # top item (100): 4 of 10 events
    # last week = 7 days before the last event: views on 102 and 103, 102/103 unseen before
    assert s["last_week_seen_before"] == 0.0
    assert s["returning_buyer_txn_share"] == pytest.approx(1 / 3)  # txn 11 of visitor 1
    assert s["hour_max_min"] == 5.0  # the quietest hour counts as 1 when empty
    assert s["weekday_max_min"] == 5.0


def test_returning_share_orders_ids_by_time_not_by_id():
    ev = _events(
        [
            (MONDAY + 5 * H, 1, T, 1, 7),  # later id number first in time
            (MONDAY + 9 * H, 1, T, 2, 3),
            (MONDAY + 9 * H, 2, T, 2, 5),
        ]
    )
    assert cal.size_dependent_statistics(ev)["returning_buyer_txn_share"] == pytest.approx(1 / 3)


def test_visitor_subsets_are_disjoint_and_exact():
    visitors = np.repeat(np.arange(12_000), 2)
    ev = _events([(MONDAY + i, v, V, 1, -1) for i, v in enumerate(visitors)])
    masks = cal.visitor_subsets(ev, seed=3)
    assert len(masks) == 2
    assert not (masks[0] & masks[1]).any()
    for m in masks:
        assert len(np.unique(ev.visitor[m])) == 5_000 and m.sum() == 10_000
    with pytest.raises(ValueError, match="at least 5000"):
        cal.visitor_subsets(ev.take(ev.visitor < 100))


@pytest.mark.parametrize(
    ("unit", "generated", "reference", "ok"),
    [
        ("share", 0.129, 0.100, True),
        ("share", 0.131, 0.100, False),
        ("ratio", 1.25, 1.0, True),
        ("ratio", 0.74, 1.0, False),
        ("ms", 130.0, 100.0, False),
        ("corr", 0.91, 1.0, True),
        ("corr", 0.89, 1.0, False),
        ("ratio", float("nan"), 1.0, False),
    ],
)
def test_within_tolerance(unit, generated, reference, ok):
    stat = cal.Statistic("x", "x", unit, "real", False)
    assert cal.within_tolerance(stat, generated, reference) is ok


def test_load_events_drops_malformed_rows(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "timestamp,visitorid,event,itemid,transactionid\n"
        "1430697600000,1,view,5,\n"
        "1430697600001,1,transaction,5,9\n"
        "1430697600002,x,view,5,\n"
        "1430697600003,2,click,5,\n"
        "1430697600004,2,transaction,5,\n"
        "1430697600005,2,view,5,4\n"
    )
    ev = cal.load_events(path)
    assert ev.visitor.tolist() == [1, 1]
    assert ev.event.tolist() == [V, T] and ev.txn.tolist() == [-1, 9]


def test_render_markdown_has_every_row_and_two_charts():
    result = cal.compare(SMALL, _big_copy(SMALL))
    text = cal.render_markdown(result, visitors=10, seed=1, real_path="x.csv")
    for stat in cal.STATISTICS:
        if stat.key != "full_scale_items":
            assert f"| {stat.label} |" in text
    assert "full scale" not in text  # only with --full-scale
    assert text.count("<svg") == 2 and text.count("</svg>") == 2


def _big_copy(ev: cal.EventArrays) -> cal.EventArrays:
    """5,000 copies of the small set with distinct visitors (every subset equals it)."""
    k = 5_000
    n_vis = int(ev.visitor.max()) + 1
    rep = np.repeat(np.arange(k), len(ev))
    tile = lambda a: np.tile(a, k)  # noqa: E731
    return cal.EventArrays(
        tile(ev.ts), tile(ev.visitor) + rep * n_vis, tile(ev.event), tile(ev.item),
        np.where(tile(ev.txn) >= 0, tile(ev.txn) + rep * 100, -1),
    )  # fmt: skip


def test_compare_identical_data_is_within_tolerance():
    big = _big_copy(SMALL)
    result = cal.compare(big, big, max_subsets=2)
    for row in result["rows"]:
        if row.stat.by_subset or row.stat.reference == "published":
            continue  # subsets of 5,000 visitors differ from the whole set
        assert row.ok, row.stat.key
        assert row.generated == pytest.approx(row.real, rel=0.05)  # pooled subsets


# --------------------------------------------------------------------------- calibration


@pytest.fixture(scope="module")
def real():
    if not REAL_EVENTS.exists():
        pytest.skip("real sample not present")
    return cal.load_events(REAL_EVENTS)


@needs_real
def test_generated_subsets_match_the_real_sample(real, tmp_path_factory):
    out = tmp_path_factory.mktemp("cal")
    generate_dataset(out, 100_000, 42)
    result = cal.compare(real, cal.load_events(out / "events.csv"), seed=42)
    assert result["n_subsets"] == 20
    failed = {
        r.stat.key: (round(r.generated, 4), round(r.reference, 4))
        for r in result["rows"]
        if not r.ok
    }
    assert not failed, f"out of tolerance (generated, reference): {failed}"
    assert len(result["rows"]) == len(cal.STATISTICS) - 1  # full scale only with --full-scale


# --------------------------------------------------------------------------- CLI

runner = CliRunner()


def test_calibrate_missing_real_sample_is_one_line(tmp_path):
    result = runner.invoke(
        app, ["calibrate", "--visitors", "5000", "--real", str(tmp_path / "nope.csv")]
    )
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert result.output.startswith("Error: real sample") and "not found" in result.output


def test_calibrate_needs_5000_visitors(tmp_path):
    result = runner.invoke(app, ["calibrate", "--visitors", "100", "--out", str(tmp_path / "c.md")])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: --visitors must be at least 5,000, got 100"


@needs_real
def test_calibrate_writes_the_report(tmp_path):
    out = tmp_path / "docs" / "calibration.md"
    result = runner.invoke(
        app,
        ["calibrate", "--visitors", "5000", "--seed", "3", "--out", str(out),
         "--real", str(REAL_EVENTS)],
    )  # fmt: skip
    # one 5,000-visitor subset is a noisy comparison: the verdict may go either way, but the
    # report is written and the exit code follows it
    text = out.read_text()
    assert text.startswith("# Generator calibration")
    n_failed = text.count("| **no** |")
    assert (result.exit_code == 0) == (n_failed == 0)
    assert "statistics within tolerance" in result.output
