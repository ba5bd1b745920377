"""Tests of rocketmart.segmentation.assign_value_tiers on small hand-made frames."""

import numpy as np
import pandas as pd
import pytest

from rocketmart.segmentation import assign_value_tiers


def _customers(points, bots=None):
    """One customer per (r, f, m) point; visitor ids 1..n."""
    frame = pd.DataFrame(points, columns=["r_score", "f_score", "m_score"])
    frame.insert(0, "visitor_id", np.arange(1, len(frame) + 1))
    frame["is_bot_like"] = bots if bots is not None else False
    return frame


def _separated_groups():
    # ids 1-3 high, 4-6 mid, 7-9 low; listed in an order that does not match the tiers
    low = [(1, 1, 1), (1, 2, 1), (2, 1, 1)]
    high = [(5, 5, 5), (5, 4, 5), (4, 5, 5)]
    mid = [(3, 3, 3), (3, 3, 2), (3, 2, 3)]
    return _customers(high + mid + low)


def test_separated_groups_get_tier_names_by_value():
    tiers = assign_value_tiers(_separated_groups(), random_state=42)
    assert tiers["visitor_id"].tolist() == list(range(1, 10))
    assert tiers["value_tier"].tolist() == ["high"] * 3 + ["mid"] * 3 + ["low"] * 3


@pytest.mark.parametrize("random_state", [0, 1, 42, 123])
def test_names_do_not_depend_on_cluster_index(random_state):
    # different seeds can number the clusters differently; the names must not move
    tiers = assign_value_tiers(_separated_groups(), random_state=random_state)
    assert tiers["value_tier"].tolist() == ["high"] * 3 + ["mid"] * 3 + ["low"] * 3


def test_deterministic_for_a_fixed_seed():
    rng = np.random.default_rng(7)
    customers = _customers(rng.integers(1, 6, size=(200, 3)))
    first = assign_value_tiers(customers, random_state=42)
    second = assign_value_tiers(customers.sample(frac=1.0, random_state=3), random_state=42)
    merged = first.merge(second, on="visitor_id", suffixes=("_a", "_b"))
    assert len(merged) == 200
    assert (merged["value_tier_a"] == merged["value_tier_b"]).all()
    assert set(first["value_tier"]) == {"high", "mid", "low"}


def test_without_monetary_uses_recency_and_frequency():
    customers = _separated_groups()
    customers["m_score"] = np.nan
    tiers = assign_value_tiers(customers, random_state=42)
    assert tiers["value_tier"].tolist() == ["high"] * 3 + ["mid"] * 3 + ["low"] * 3


def test_two_distinct_points_are_high_and_low():
    customers = _customers([(1, 1, None), (5, 5, None), (1, 1, None)])
    tiers = assign_value_tiers(customers, random_state=42)
    assert tiers["value_tier"].tolist() == ["low", "high", "low"]


def test_one_distinct_point_is_mid():
    customers = _customers([(3, 2, 4), (3, 2, 4)])
    tiers = assign_value_tiers(customers, random_state=42)
    assert tiers["value_tier"].tolist() == ["mid", "mid"]


def test_empty_frame_returns_empty_result():
    tiers = assign_value_tiers(_customers(np.empty((0, 3))), random_state=42)
    assert tiers.empty
    assert list(tiers.columns) == ["visitor_id", "value_tier", "value_tier_basis"]


def test_bots_are_scored_but_not_fitted():
    # without the bot the fitted points are two groups (-> high / low); the bot's extreme
    # point would otherwise form its own cluster. It gets the nearest centre's tier.
    points = [(1, 1, 1), (1, 1, 1), (5, 5, 5), (5, 5, 5), (5, 5, 4)]
    customers = _customers(points, bots=[False, False, False, False, True])
    tiers = assign_value_tiers(customers, random_state=42)
    assert tiers["value_tier"].tolist() == ["low", "low", "high", "high", "high"]


def test_partly_missing_monetary_is_imputed_not_dropped():
    customers = _separated_groups()
    customers.loc[[0, 4, 8], "m_score"] = np.nan
    tiers = assign_value_tiers(customers, random_state=42)
    assert tiers["value_tier"].tolist() == ["high"] * 3 + ["mid"] * 3 + ["low"] * 3


def test_all_bot_like_customers_are_still_fitted():
    customers = _customers([(1, 1, 1), (5, 5, 5)], bots=[True, True])
    tiers = assign_value_tiers(customers, random_state=42)
    assert tiers["value_tier"].tolist() == ["low", "high"]


def test_basis_names_the_scores_each_tier_rests_on():
    customers = _separated_groups()
    customers.loc[[0, 4], "m_score"] = np.nan
    tiers = assign_value_tiers(customers, random_state=42)
    assert tiers["value_tier_basis"].tolist() == ["rf"] + ["rfm"] * 3 + ["rf"] + ["rfm"] * 4
    customers["m_score"] = np.nan
    tiers = assign_value_tiers(customers, random_state=42)
    assert set(tiers["value_tier_basis"]) == {"rf"}


def test_tie_broken_scores_do_not_decide_the_tier():
    # every customer has one order: f_scores 1..5 only come from the visitor_id tie-break.
    # Recency splits them in two groups; within a group the tier must be the same, and
    # frequency is no part of the basis.
    recency = [1.0, 1.0, 1.0, 1.0, 1.0, 90.0, 90.0, 90.0, 90.0, 90.0]
    customers = pd.DataFrame(
        {
            "visitor_id": np.arange(1, 11),
            "recency_days": recency,
            "frequency": 1,
            "monetary": np.nan,
            "r_score": [5, 5, 4, 4, 3, 3, 2, 2, 1, 1],
            "f_score": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
            "m_score": np.nan,
            "is_bot_like": False,
        }
    )
    tiers = assign_value_tiers(customers, random_state=42)
    assert tiers["value_tier"].tolist() == ["high"] * 5 + ["low"] * 5
    assert set(tiers["value_tier_basis"]) == {"r"}


def test_no_varying_score_has_no_basis():
    customers = _customers([(3, 2, 4), (3, 2, 4)])
    tiers = assign_value_tiers(customers, random_state=42)
    assert tiers["value_tier_basis"].tolist() == ["none", "none"]
