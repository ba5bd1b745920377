"""The engine-independent table comparison."""

import numpy as np
import pandas as pd

from rocketmart.compare import compare_frames, values_equal


def test_equal_frames_in_any_row_order_and_integer_width():
    left = pd.DataFrame({"id": [1, 2, 3], "x": [0.1, 0.2, None], "s": ["a", "b", None]})
    right = pd.DataFrame(
        {
            "id": pd.array([3, 1, 2], dtype="int32"),
            "x": [np.nan, 0.1 + 1e-12, 0.2],
            "s": [None, "a", "b"],
        }
    )
    assert compare_frames(left, right) == []


def test_float_beyond_tolerance_is_a_difference():
    left = pd.DataFrame({"id": [1], "x": [0.5]})
    right = pd.DataFrame({"id": [1], "x": [0.5 + 1e-7]})
    found = compare_frames(left, right, names=("duckdb", "spark"))
    assert len(found) == 1 and "x" in found[0]


def test_large_floats_compare_relatively():
    assert values_equal(1.4e9, 1.4e9 * (1 + 1e-12))
    assert not values_equal(1.4e9, 1.4e9 + 10)


def test_null_is_not_zero_and_bool_is_not_int():
    assert not values_equal(None, 0)
    assert not values_equal(True, 1)
    left = pd.DataFrame({"m": [None, 1.0]})
    right = pd.DataFrame({"m": [0.0, 1.0]})
    assert compare_frames(left, right) != []


def test_columns_row_counts_and_order_are_checked():
    a = pd.DataFrame({"x": [1], "y": [2]})
    assert "only in right" in compare_frames(a, pd.DataFrame({"x": [1], "z": [2]}))[0]
    assert "order" in compare_frames(a, a[["y", "x"]])[0]
    assert "row counts" in compare_frames(a, pd.concat([a, a]))[0]


def test_timestamps_with_and_without_zone_and_lists():
    left = pd.DataFrame(
        {"at": [pd.Timestamp("2015-06-01 12:00:00.123")], "path": [np.array([1, 2])]}
    )
    right = pd.DataFrame(
        {"at": [pd.Timestamp("2015-06-01 12:00:00.123", tz="UTC")], "path": [[1, 2]]}
    )
    assert compare_frames(left, right) == []
    right_other = right.assign(path=[[2, 1]])
    assert compare_frames(left, right_other) != []


def test_many_differences_are_summarised():
    left = pd.DataFrame({"x": range(20)})
    right = pd.DataFrame({"x": range(100, 120)})
    found = compare_frames(left, right)
    assert len(found) == 6 and found[-1].startswith("... and 15 more")
