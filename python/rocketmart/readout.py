"""A/B readout statistics for campaigns: two proportions, targets vs control.

Everything is vectorised over a frame with one row per campaign (and readout cutoff):
:func:`campaign_readout_stats` takes the counts and adds the rates, the absolute and
relative lift, Newcombe's hybrid score interval for the difference, a p-value and the
minimum detectable effect. Definitions (SPEC §7):

- Wilson score interval for one proportion (no continuity correction).
- Newcombe (1998) method 10, the hybrid score interval for p1 - p2 built from the two
  Wilson intervals: lower = d - sqrt((p1 - l1)^2 + (u2 - p2)^2),
  upper = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
- p-value: the two-sided two-proportion z test with the pooled rate; when counts are
  small, Fisher's exact test (two-sided, scipy) instead. "Small" = any expected cell of
  the 2 x 2 table under the pooled rate is below 5 (Cochran's rule).
- Minimum detectable effect: the smallest absolute increase over the control rate that a
  two-sided test at alpha = 0.05 detects with power 0.8 for these group sizes (normal
  approximation, pooled variance under H0 and unpooled under H1, solved by bisection).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

# two-sided 95 %: SPEC §7 fixes z = 1.96 for the mart's interval; Newcombe's published
# tables use the exact quantile (tests pass it explicitly)
Z_95 = 1.96
Z_95_EXACT = 1.959963984540054
ALPHA = 0.05
POWER = 0.8
MIN_EXPECTED_CELL = 5.0

INPUT_COLUMNS = ["n_target", "n_target_converted", "n_control", "n_control_converted"]
OUTPUT_COLUMNS = [
    "target_rate",
    "control_rate",
    "lift_abs",
    "lift_abs_lower",
    "lift_abs_upper",
    "lift_rel",
    "p_value",
    "test",
    "mde_abs",
]


def _as_float(values) -> np.ndarray:
    return np.atleast_1d(np.asarray(values, dtype=np.float64))


def wilson_interval(successes, n, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (lower, upper) per element; NaN where n = 0."""
    successes = _as_float(successes)
    n = _as_float(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = successes / n
        z2 = z * z
        denominator = 1.0 + z2 / n
        centre = (p + z2 / (2.0 * n)) / denominator
        half_width = (z / denominator) * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    lower = np.where(n > 0, np.clip(centre - half_width, 0.0, 1.0), np.nan)
    upper = np.where(n > 0, np.clip(centre + half_width, 0.0, 1.0), np.nan)
    return lower, upper


def newcombe_interval(x1, n1, x2, n2, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval (method 10) for p1 - p2; NaN when n1 or n2 is 0."""
    x1, n1, x2, n2 = (_as_float(v) for v in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = x1 / n1
        p2 = x2 / n2
    l1, u1 = wilson_interval(x1, n1, z)
    l2, u2 = wilson_interval(x2, n2, z)
    difference = p1 - p2
    lower = difference - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = difference + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return lower, upper


def needs_exact_test(x1, n1, x2, n2) -> np.ndarray:
    """True where any expected cell of the 2 x 2 table (pooled rate) is below 5."""
    x1, n1, x2, n2 = (_as_float(v) for v in (x1, n1, x2, n2))
    total = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / total
    expected = np.stack([n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)])
    return (expected < MIN_EXPECTED_CELL).any(axis=0) & (total > 0)


def z_test_p_value(x1, n1, x2, n2) -> np.ndarray:
    """Two-sided pooled two-proportion z test; 1.0 when the pooled rate is 0 or 1."""
    x1, n1, x2, n2 = (_as_float(v) for v in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / (n1 + n2)
        standard_error = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (x1 / n1 - x2 / n2) / standard_error
    p_value = 2.0 * stats.norm.sf(np.abs(z))
    p_value = np.where(standard_error == 0, 1.0, p_value)
    return np.where((n1 > 0) & (n2 > 0), p_value, np.nan)


def fisher_p_value(x1, n1, x2, n2) -> np.ndarray:
    """Two-sided Fisher's exact test per row (scipy); NaN when a group is empty.

    Only called for the few rows with small counts, so the per-row scipy call is cheap.
    """
    x1, n1, x2, n2 = (_as_float(v).astype(np.int64) for v in (x1, n1, x2, n2))
    p_values = np.full(x1.shape, np.nan)
    for i in np.flatnonzero((n1 > 0) & (n2 > 0)):
        table = [[x1[i], n1[i] - x1[i]], [x2[i], n2[i] - x2[i]]]
        p_values[i] = stats.fisher_exact(table, alternative="two-sided").pvalue
    return p_values


def _power_gap(delta, p0, n_target, n_control, z_alpha, z_beta):
    """delta minus the effect that the design detects at (alpha, power); < 0 = too small."""
    p1 = p0 + delta
    pooled = (n_control * p0 + n_target * p1) / (n_control + n_target)
    null_sd = np.sqrt(pooled * (1 - pooled) * (1 / n_target + 1 / n_control))
    alternative_sd = np.sqrt(p0 * (1 - p0) / n_control + p1 * (1 - p1) / n_target)
    return delta - (z_alpha * null_sd + z_beta * alternative_sd)


def minimum_detectable_effect(
    control_rate, n_target, n_control, alpha: float = ALPHA, power: float = POWER
) -> np.ndarray:
    """Smallest absolute lift over control_rate detected with `power` (two-sided alpha).

    Solves delta = z_(1-alpha/2) * sd_H0 + z_power * sd_H1 by bisection on
    (0, 1 - control_rate]; NaN when a group is empty or no lift up to a rate of 1 is
    detectable (tiny groups).
    """
    p0 = _as_float(control_rate)
    n_target = _as_float(n_target)
    n_control = _as_float(n_control)
    z_alpha = stats.norm.ppf(1 - alpha / 2)
    z_beta = stats.norm.ppf(power)
    valid = (n_target > 0) & (n_control > 0) & np.isfinite(p0)
    p0_safe = np.where(valid, p0, 0.0)
    nt = np.where(valid, n_target, 1.0)
    nc = np.where(valid, n_control, 1.0)
    low = np.zeros_like(p0_safe)
    high = 1.0 - p0_safe
    reachable = _power_gap(high, p0_safe, nt, nc, z_alpha, z_beta) >= 0
    for _ in range(60):  # interval width (<= 1) / 2^60: far below float resolution
        middle = (low + high) / 2
        detected = _power_gap(middle, p0_safe, nt, nc, z_alpha, z_beta) >= 0
        high = np.where(detected, middle, high)
        low = np.where(detected, low, middle)
    return np.where(valid & reachable, high, np.nan)


def campaign_counts(targets: pd.DataFrame, campaigns) -> pd.DataFrame:
    """The group sizes and conversions per campaign, one row per name in ``campaigns``
    (in that order; 0 for a campaign without targets).

    ``targets`` has one row per target with ``campaign``, ``is_control`` and
    ``is_converted`` (booleans). Returns campaign and the INPUT_COLUMNS counts (int64).
    Targets of a campaign not in ``campaigns`` raise ValueError (a list nobody reads out).
    """
    unknown = sorted(set(targets["campaign"]) - set(campaigns))
    if unknown:
        raise ValueError(f"targets of unknown campaigns: {', '.join(map(str, unknown))}")
    is_control = targets["is_control"].astype(bool).to_numpy()
    is_converted = targets["is_converted"].astype(bool).to_numpy()
    flags = pd.DataFrame(
        {
            "campaign": targets["campaign"].to_numpy(),
            "n_target": ~is_control,
            "n_target_converted": ~is_control & is_converted,
            "n_control": is_control,
            "n_control_converted": is_control & is_converted,
        }
    )
    counts = flags.groupby("campaign", sort=False)[INPUT_COLUMNS].sum()
    counts = counts.reindex(list(campaigns), fill_value=0).astype("int64")
    return counts.rename_axis("campaign").reset_index()


def campaign_readout_stats(counts: pd.DataFrame) -> pd.DataFrame:
    """Add the readout columns (OUTPUT_COLUMNS) to a frame of campaign counts.

    ``counts`` has n_target, n_target_converted, n_control, n_control_converted (any
    other columns are kept, in order). Rates are null for an empty group; lift_rel is
    null when control_rate is 0 or null; ``test`` is ``fisher`` when any expected cell is
    below 5, else ``z`` (null when a group is empty).
    """
    missing = [column for column in INPUT_COLUMNS if column not in counts.columns]
    if missing:
        raise ValueError(f"counts frame lacks columns: {', '.join(missing)}")
    x1 = counts["n_target_converted"].to_numpy(dtype=np.float64)
    n1 = counts["n_target"].to_numpy(dtype=np.float64)
    x2 = counts["n_control_converted"].to_numpy(dtype=np.float64)
    n2 = counts["n_control"].to_numpy(dtype=np.float64)
    if ((x1 < 0) | (x2 < 0) | (x1 > n1) | (x2 > n2)).any():
        raise ValueError("converted counts must lie between 0 and the group size")

    with np.errstate(divide="ignore", invalid="ignore"):
        target_rate = np.where(n1 > 0, x1 / n1, np.nan)
        control_rate = np.where(n2 > 0, x2 / n2, np.nan)
    lift_abs = target_rate - control_rate
    with np.errstate(divide="ignore", invalid="ignore"):
        lift_rel = np.where(control_rate > 0, lift_abs / control_rate, np.nan)
    lower, upper = newcombe_interval(x1, n1, x2, n2)

    both_groups = (n1 > 0) & (n2 > 0)
    exact = needs_exact_test(x1, n1, x2, n2) & both_groups
    p_value = z_test_p_value(x1, n1, x2, n2)
    if exact.any():
        p_value[exact] = fisher_p_value(x1[exact], n1[exact], x2[exact], n2[exact])
    test = np.where(both_groups, np.where(exact, "fisher", "z"), None)

    result = counts.copy()
    result["target_rate"] = target_rate
    result["control_rate"] = control_rate
    result["lift_abs"] = lift_abs
    result["lift_abs_lower"] = lower
    result["lift_abs_upper"] = upper
    result["lift_rel"] = lift_rel
    result["p_value"] = np.clip(p_value, 0.0, 1.0)
    result["test"] = pd.array(test, dtype="string")
    result["mde_abs"] = minimum_detectable_effect(control_rate, n1, n2)
    float_columns = [c for c in OUTPUT_COLUMNS if c != "test"]
    # NaN -> null, so DuckDB / BI see missing values rather than not-a-number
    result[float_columns] = result[float_columns].astype("Float64")
    result[float_columns] = result[float_columns].mask(result[float_columns].isna())
    return result
