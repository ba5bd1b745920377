"""Readout statistics against published and hand-computed values."""

import numpy as np
import pandas as pd
import pytest

from rocketmart.readout import (
    OUTPUT_COLUMNS,
    Z_95_EXACT,
    campaign_counts,
    campaign_readout_stats,
    fisher_p_value,
    minimum_detectable_effect,
    needs_exact_test,
    newcombe_interval,
    wilson_interval,
    z_test_p_value,
)

# Newcombe RG (1998), "Interval estimation for the difference between independent
# proportions: comparison of eleven methods", Stat Med 17:873-890, Table II, method 10
# (hybrid score interval without continuity correction), four decimals as published.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_matches_published_table(counts, expected):
    lower, upper = newcombe_interval(*counts, z=Z_95_EXACT)
    assert round(float(lower[0]), 4) == expected[0]
    assert round(float(upper[0]), 4) == expected[1]


def test_newcombe_is_vectorised():
    counts = np.array([c for c, _ in NEWCOMBE_TABLE_II])
    lower, upper = newcombe_interval(
        counts[:, 0], counts[:, 1], counts[:, 2], counts[:, 3], z=Z_95_EXACT
    )
    np.testing.assert_allclose(lower, [e[0] for _, e in NEWCOMBE_TABLE_II], atol=5e-5)
    np.testing.assert_allclose(upper, [e[1] for _, e in NEWCOMBE_TABLE_II], atol=5e-5)


def test_wilson_published_and_edges():
    # Newcombe (1998), single proportion examples: 81/263 -> 0.2553-0.3662, 15/148 ->
    # 0.0624-0.1605, 0/10 -> 0-0.2775 (and 10/10 mirrors it).
    lower, upper = wilson_interval([81, 15, 0, 10], [263, 148, 10, 10], z=Z_95_EXACT)
    np.testing.assert_allclose(lower, [0.2553, 0.0624, 0.0, 0.7225], atol=5e-5)
    np.testing.assert_allclose(upper, [0.3662, 0.1605, 0.2775, 1.0], atol=5e-5)
    lower, upper = wilson_interval([0], [0])
    assert np.isnan(lower[0]) and np.isnan(upper[0])


def test_z_test_hand_computed():
    # 56/70 vs 48/80: pooled 104/150; se = sqrt(p q (1/70 + 1/80)) = 0.0754665;
    # z = 0.2 / se = 2.65018; two-sided p = 0.0080454
    assert z_test_p_value(56, 70, 48, 80)[0] == pytest.approx(0.0080454, abs=1e-6)
    # identical all-zero / all-one groups: no evidence of a difference
    assert z_test_p_value([0, 5], [10, 5], [0, 7], [20, 7]).tolist() == [1.0, 1.0]


def test_fisher_hand_computed():
    # 3/5 vs 0/5: hypergeometric with 3 successes in 10; P(x1 = 3) = C(5,3)/C(10,3) = 1/12,
    # P(x1 = 0) = 1/12, P(1) = P(2) = 5/12: two-sided p = 2/12
    assert fisher_p_value(3, 5, 0, 5)[0] == pytest.approx(1 / 6)
    assert fisher_p_value(0, 10, 0, 10)[0] == pytest.approx(1.0)


def test_exact_test_rule_is_expected_cell_below_five():
    # pooled 10/200 = 0.05: expected successes 5 and 5 -> z; 9/200: 4.5 -> fisher
    assert needs_exact_test([5, 5], [100, 100], [5, 4], [100, 100]).tolist() == [False, True]


def test_mde_hand_computed():
    # Fleiss without continuity correction: p0 0.5 vs 0.6 needs
    # ((1.96 sqrt(2 .55 .45) + 0.8416 sqrt(.25 + .24)) / 0.1)^2 = 387.3 per group, so
    # 388 per group detects just under 0.1.
    mde = minimum_detectable_effect([0.5], [388], [388])[0]
    assert mde == pytest.approx(0.0999, abs=2e-4)
    assert mde < 0.1
    # bigger groups detect smaller effects; an empty group has no MDE
    mdes = minimum_detectable_effect([0.1, 0.1, 0.1], [1000, 10000, 0], [100, 1000, 100])
    assert mdes[1] < mdes[0]
    assert np.isnan(mdes[2])


def test_mde_at_zero_control_rate_is_positive():
    mde = minimum_detectable_effect([0.0], [900], [100])[0]
    assert 0 < mde < 0.2


def test_campaign_readout_stats_columns_and_values():
    counts = pd.DataFrame(
        {
            "campaign": ["a", "b", "c", "d", "e"],
            "n_target": [70, 10, 0, 100, 10],
            "n_target_converted": [56, 0, 0, 3, 10],
            "n_control": [80, 10, 5, 0, 10],
            "n_control_converted": [48, 0, 1, 0, 0],
        }
    )
    result = campaign_readout_stats(counts)
    assert list(result.columns) == list(counts.columns) + OUTPUT_COLUMNS
    a, b, c, d, e = (result.iloc[i] for i in range(5))
    assert a["lift_abs"] == pytest.approx(0.2)
    assert a["lift_rel"] == pytest.approx(0.2 / 0.6)
    assert (round(a["lift_abs_lower"], 4), round(a["lift_abs_upper"], 4)) == (0.0524, 0.3339)
    assert a["test"] == "z"
    # 0 of n in both groups: interval covers zero, relative lift undefined, exact test
    assert b["lift_abs"] == 0.0
    assert pd.isna(b["lift_rel"])
    assert b["test"] == "fisher" and b["p_value"] == pytest.approx(1.0)
    assert b["lift_abs_lower"] < 0 < b["lift_abs_upper"]
    # an empty target or control group: no rate, no lift, no test
    for row in (c, d):
        assert pd.isna(row["lift_abs"]) and pd.isna(row["p_value"]) and pd.isna(row["test"])
        assert pd.isna(row["mde_abs"])
    assert c["control_rate"] == pytest.approx(0.2)
    assert d["target_rate"] == pytest.approx(0.03)
    # n of n vs 0 of n: published interval; expected cells are exactly 5 (pooled 0.5), so
    # the z test: z = 1 / sqrt(0.25 (1/10 + 1/10)) = sqrt(20), p = 2 (1 - Phi(4.4721))
    assert (round(e["lift_abs_lower"], 4), e["lift_abs_upper"]) == (0.6075, 1.0)
    assert e["test"] == "z"
    assert e["p_value"] == pytest.approx(7.744216e-06, rel=1e-6)


def test_campaign_readout_stats_rejects_bad_counts():
    with pytest.raises(ValueError, match="lacks columns"):
        campaign_readout_stats(pd.DataFrame({"n_target": [1]}))
    bad = pd.DataFrame(
        {"n_target": [5], "n_target_converted": [6], "n_control": [5], "n_control_converted": [0]}
    )
    with pytest.raises(ValueError, match="between 0"):
        campaign_readout_stats(bad)


def test_aa_test_interval_covers_zero_mostly():
    # A/A: both groups drawn from one rate; the 95 % interval covers 0 in about 95 % of
    # draws (seeded, so the count is fixed; Newcombe's interval is slightly conservative).
    rng = np.random.default_rng(7)
    n_target, n_control = 900, 100
    frame = pd.DataFrame(
        {
            "n_target": n_target,
            "n_target_converted": rng.binomial(n_target, 0.05, size=2000),
            "n_control": n_control,
            "n_control_converted": rng.binomial(n_control, 0.05, size=2000),
        }
    )
    result = campaign_readout_stats(frame)
    covered = (result["lift_abs_lower"] <= 0) & (result["lift_abs_upper"] >= 0)
    assert 0.93 <= covered.mean() <= 0.99


def test_campaign_counts_by_hand():
    targets = pd.DataFrame(
        {
            "campaign": ["b", "a", "a", "a", "a", "b"],
            "is_control": [False, False, False, True, True, True],
            "is_converted": [True, True, False, True, False, False],
        }
    )
    counts = campaign_counts(targets, ["a", "b", "c"])
    assert counts.to_dict("list") == {
        "campaign": ["a", "b", "c"],
        "n_target": [2, 1, 0],
        "n_target_converted": [1, 1, 0],
        "n_control": [2, 1, 0],
        "n_control_converted": [1, 0, 0],
    }
    assert all(counts[c].dtype == np.int64 for c in counts.columns[1:])


def test_campaign_counts_without_targets_and_with_an_unknown_campaign():
    empty = pd.DataFrame({"campaign": [], "is_control": [], "is_converted": []})
    assert campaign_counts(empty, ["a"]).iloc[0].tolist() == ["a", 0, 0, 0, 0]
    stray = pd.DataFrame({"campaign": ["z"], "is_control": [False], "is_converted": [False]})
    with pytest.raises(ValueError, match="unknown campaigns: z"):
        campaign_counts(stray, ["a"])
