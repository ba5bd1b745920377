"""Compare two tables row by row, whatever engine produced them.

`compare_frames(left, right)` returns the differences as short sentences (an empty list
means equal): same columns in the same order, same row count, and, after sorting both by
every column, the same values — floats within a tolerance, nulls equal to nulls (NaN
counts as null, as DuckDB and Spark write it), timestamps compared without their zone
(both engines store UTC), lists element by element. Types are not compared: an `integer`
and a `bigint` of the same value are equal; a float never equals a string.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

FLOAT_TOLERANCE = 1e-9
# differences listed per table before "... and N more"
MAX_REPORTED = 5


def _normalise_value(value: Any) -> Any:
    """A plain Python value: None for null/NaN/NaT, tuples for lists, naive UTC
    datetimes for timestamps, ints for integral numpy scalars."""
    if value is None:
        return None
    if isinstance(value, list | tuple | np.ndarray):
        return tuple(_normalise_value(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _normalise_value(v)) for k, v in value.items()))
    if value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC").tz_localize(None)
        return value.to_pydatetime()
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return pd.Timestamp(value).tz_convert("UTC").tz_localize(None).to_pydatetime()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _sort_key(value: Any, float_digits: int) -> tuple:
    """A total order over normalised values: nulls first, then by kind, floats rounded so
    that values within the tolerance sort together."""
    if value is None:
        return (0,)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, round(float(value), float_digits))
    if isinstance(value, tuple):
        return (3, tuple(_sort_key(v, float_digits) for v in value))
    return (4, str(type(value).__name__), str(value))


def normalised_rows(frame: pd.DataFrame, float_digits: int = 6) -> list[tuple]:
    """The rows of `frame` as tuples of normalised values, sorted by every column."""
    columns = [frame[c].tolist() for c in frame.columns]
    rows = [tuple(_normalise_value(v) for v in row) for row in zip(*columns, strict=True)]
    if not columns:
        rows = [() for _ in range(len(frame))]
    return sorted(rows, key=lambda row: tuple(_sort_key(v, float_digits) for v in row))


def values_equal(left: Any, right: Any, tolerance: float = FLOAT_TOLERANCE) -> bool:
    """Equality of two normalised values; floats within `tolerance`, absolute below 1 and
    relative above (so a 1e9 second count may differ in its last representable bit)."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, tuple) or isinstance(right, tuple):
        return (
            isinstance(left, tuple)
            and isinstance(right, tuple)
            and len(left) == len(right)
            and all(values_equal(a, b, tolerance) for a, b in zip(left, right, strict=True))
        )
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        if isinstance(left, int) and isinstance(right, int):
            return left == right
        return abs(left - right) <= tolerance * max(1.0, abs(left), abs(right))
    return left == right


def compare_frames(
    left: pd.DataFrame,
    right: pd.DataFrame,
    tolerance: float = FLOAT_TOLERANCE,
    names: Sequence[str] = ("left", "right"),
) -> list[str]:
    """The differences between two frames (see the module docstring); [] when equal."""
    left_name, right_name = names
    if list(left.columns) != list(right.columns):
        only_left = [c for c in left.columns if c not in right.columns]
        only_right = [c for c in right.columns if c not in left.columns]
        if only_left or only_right:
            return [
                f"columns differ: only in {left_name} {only_left}, only in {right_name} "
                f"{only_right}"
            ]
        return [
            f"column order differs: {left_name} {list(left.columns)}, "
            f"{right_name} {list(right.columns)}"
        ]
    if len(left) != len(right):
        return [f"row counts differ: {left_name} {len(left)}, {right_name} {len(right)}"]
    differences: list[str] = []
    left_rows = normalised_rows(left)
    right_rows = normalised_rows(right)
    n_different = 0
    for index, (a, b) in enumerate(zip(left_rows, right_rows, strict=True)):
        columns = [
            column
            for column, x, y in zip(left.columns, a, b, strict=True)
            if not values_equal(x, y, tolerance)
        ]
        if columns:
            n_different += 1
            if len(differences) < MAX_REPORTED:
                detail = ", ".join(
                    f"{c}: {a[list(left.columns).index(c)]!r} != {b[list(left.columns).index(c)]!r}"
                    for c in columns[:3]
                )
                differences.append(f"sorted row {index}: {detail}")
    if n_different > MAX_REPORTED:
        differences.append(f"... and {n_different - MAX_REPORTED} more rows differ")
    return differences
