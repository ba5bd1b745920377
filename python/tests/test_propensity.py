"""Tests of rocketmart.propensity on hand-made frames, plus one check on generated data."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rocketmart import propensity

FEATURES = ("n_events", "n_addtocarts")
SPEC = propensity.ModelSpec(
    name="visitor_purchase_propensity",
    id_column="visitor_id",
    feature_columns=FEATURES,
    label_column="label",
    baseline_column="has_addtocart_recent",
)


def make_features(rows: list[tuple[str, int, int, int, bool | None]]) -> pd.DataFrame:
    """Rows of (split, id, n_events, n_addtocarts, label); the rule fires on carts."""
    frame = pd.DataFrame(rows, columns=["split", "visitor_id", *FEATURES, "label"])
    frame["has_addtocart_recent"] = frame["n_addtocarts"] > 0
    return frame


def separable_features() -> pd.DataFrame:
    """Buyers have many events; half of buyers and of non-buyers carted: the rule is a
    coin flip (AUC 0.5)."""
    rows = []
    for split, offset in (("train", 0), ("validation", 100), ("score", 200)):
        for i in range(40):
            is_buyer = i % 4 == 0
            label = None if split == "score" else is_buyer
            n_events = 20 + i if is_buyer else 1 + i % 3
            rows.append((split, offset + i, n_events, int(i % 8 < 4), label))
    return make_features(rows)


def fit(features: pd.DataFrame) -> pd.DataFrame:
    return propensity.fit_and_score(features, SPEC)


def metrics_by_variant(features: pd.DataFrame) -> dict[str, dict]:
    metrics = propensity.evaluate(fit(features), SPEC)
    return {row["variant"]: row for row in metrics.to_dict("records")}


def test_separable_data_gives_perfect_ranking_and_beats_the_rule():
    metrics = metrics_by_variant(separable_features())
    model, baseline = metrics["model"], metrics["baseline"]
    assert model["roc_auc"] == pytest.approx(1.0)
    assert model["average_precision"] == pytest.approx(1.0)
    assert model["precision"] == model["recall"] == model["f1"] == pytest.approx(1.0)
    # 10 buyers of 40: the top decile (4 rows) is all buyers, lift = 1 / 0.25
    assert model["base_rate"] == pytest.approx(0.25)
    assert model["top_decile_lift"] == pytest.approx(4.0)
    assert baseline["roc_auc"] == pytest.approx(0.5)
    assert baseline["threshold"] == propensity.BASELINE_THRESHOLD
    assert model["n_train"] == model["n_validation"] == 40
    assert model["n_train_positives"] == model["n_validation_positives"] == 10
    assert model["status"] == "ok" and pd.isna(model["reason"])


def test_scores_every_split_with_the_model_fitted_on_train_only():
    features = separable_features()
    scores = fit(features)
    assert len(scores) == len(features)
    assert set(scores["scored_by"]) == {propensity.SCORED_BY_MODEL}
    assert scores["probability"].between(0, 1).all()
    assert scores.loc[scores["split"] == "score", "label"].isna().all()
    # changing validation labels must not change any probability (fit on train only)
    flipped = features.copy()
    is_validation = flipped["split"] == "validation"
    flipped.loc[is_validation, "label"] = ~flipped.loc[is_validation, "label"].astype(bool)
    np.testing.assert_array_equal(fit(flipped)["probability"], scores["probability"])


def test_prior_correction_maps_scores_back_to_the_base_rate():
    # an uninformative feature: the balanced model says ~0.5 for everyone, the corrected
    # probability is ~ the train base rate (5 %)
    rng = np.random.default_rng(0)
    rows = [("train", i, int(rng.integers(1, 5)), 0, i % 20 == 0) for i in range(2000)]
    rows += [("score", 5000 + i, 2, 0, None) for i in range(10)]
    scores = fit(make_features(rows))
    assert scores["probability"].mean() == pytest.approx(0.05, abs=0.01)


def test_fit_and_score_is_deterministic_and_order_independent():
    features = separable_features()
    shuffled = features.sample(frac=1.0, random_state=7)
    pd.testing.assert_frame_equal(fit(features), fit(shuffled))


def test_single_class_train_falls_back_to_rule_rates_without_crashing():
    rows = [("train", i, 1 + i % 3, i % 2, False) for i in range(10)]
    rows += [("validation", 100 + i, 1, i % 2, i == 1) for i in range(4)]
    rows += [("score", 200, 1, 1, None), ("score", 201, 1, 0, None)]
    features = make_features(rows)
    scores = fit(features)
    assert set(scores["scored_by"]) == {propensity.SCORED_BY_RULE_RATE}
    # labelled rows: rule fires on 5 + 2 rows with 1 positive; not on 5 + 2 with none
    score_rows = scores[scores["split"] == "score"].set_index("visitor_id")["probability"]
    assert score_rows[200] == pytest.approx((1 + 1) / (7 + 2))
    assert score_rows[201] == pytest.approx((0 + 1) / (7 + 2))

    metrics = metrics_by_variant(features)
    model, baseline = metrics["model"], metrics["baseline"]
    assert model["status"] == propensity.STATUS_NOT_TRAINABLE
    assert "single class (0 positives of 10)" in model["reason"]
    for column in propensity.METRIC_COLUMNS:
        assert pd.isna(model[column])
    assert model["threshold"] == propensity.DEFAULT_THRESHOLD
    # the rule needs no training: it is still evaluated, flagged as unstable
    assert baseline["status"] == propensity.STATUS_FEW_POSITIVES
    # the positive fires; of 3 negatives 2 do not fire, 1 ties: (2 + 0.5) / 3
    assert baseline["roc_auc"] == pytest.approx(5 / 6)


def test_single_class_validation_leaves_metrics_null_with_a_reason():
    features = separable_features()
    features.loc[features["split"] == "validation", "label"] = False
    metrics = metrics_by_variant(features)
    for variant in ("model", "baseline"):
        row = metrics[variant]
        assert row["status"] == propensity.STATUS_NOT_EVALUABLE
        assert "validation split has a single class" in row["reason"]
        assert all(pd.isna(row[column]) for column in propensity.METRIC_COLUMNS)
        assert row["base_rate"] == 0.0
    assert metrics["model"]["threshold"] == propensity.DEFAULT_THRESHOLD


def test_empty_input_gives_empty_scores_and_null_metrics():
    features = make_features([])
    scores = fit(features)
    assert scores.empty and list(scores.columns) == [
        "split",
        "visitor_id",
        "label",
        "probability",
        "baseline_score",
        "scored_by",
    ]
    metrics = propensity.evaluate(scores, SPEC)
    assert list(metrics["status"]) == [
        propensity.STATUS_NOT_TRAINABLE,
        propensity.STATUS_NOT_EVALUABLE,
    ]
    assert metrics["n_train"].tolist() == [0, 0]
    assert metrics["base_rate"].isna().all()


def with_cutoff_name(features: pd.DataFrame, cutoff_name: str) -> pd.DataFrame:
    return features.assign(cutoff_name=cutoff_name)


def inverted_features() -> pd.DataFrame:
    """separable_features with ids from 1000 and the labelled rows' labels inverted: the
    buyers have few events, so a model fitted on them ranks the other way round."""
    features = separable_features()
    features["visitor_id"] += 1000
    labelled = features["split"] != "score"
    features.loc[labelled, "label"] = ~features.loc[labelled, "label"].astype(bool)
    return features


def test_fit_and_score_by_cutoff_fits_each_family_on_its_own_rows_only():
    production = with_cutoff_name(separable_features(), "production")
    readout = with_cutoff_name(inverted_features(), "readout")
    scores = propensity.fit_and_score_by_cutoff(pd.concat([readout, production]), SPEC)
    assert list(scores.columns) == ["cutoff_name", *fit(separable_features()).columns]
    for cutoff_name, features in (("production", production), ("readout", readout)):
        got = scores[scores["cutoff_name"] == cutoff_name].drop(columns="cutoff_name")
        pd.testing.assert_frame_equal(got.reset_index(drop=True), fit(features))
    # each family ranks by its own train labels: many events = likely in production,
    # unlikely in the readout family (whose train labels are inverted)
    by_family = scores[scores["split"] == "score"].set_index(["cutoff_name", "visitor_id"])
    assert by_family.loc[("production", 200), "probability"] > 0.5  # 20 events, a buyer
    assert by_family.loc[("readout", 1200), "probability"] < 0.5
    # another family's rows never change a family's scores
    alone = propensity.fit_and_score_by_cutoff(readout, SPEC)
    pd.testing.assert_frame_equal(
        alone, scores[scores["cutoff_name"] == "readout"].reset_index(drop=True)
    )


def test_fit_and_score_by_cutoff_of_no_rows_is_an_empty_typed_frame():
    scores = propensity.fit_and_score_by_cutoff(with_cutoff_name(make_features([]), "x"), SPEC)
    assert scores.empty
    assert list(scores.columns) == ["cutoff_name", *fit(make_features([])).columns]


def test_predict_at_validation_threshold_uses_the_threshold_chosen_on_validation():
    scores = fit(separable_features())
    forecast = propensity.predict_at_validation_threshold(scores, SPEC)
    threshold = metrics_by_variant(separable_features())["model"]["threshold"]
    # the score rows only, by id, all with the validation threshold
    assert forecast["visitor_id"].tolist() == list(range(200, 240))
    assert forecast["threshold"].tolist() == [threshold] * 40
    # separable data: exactly the buyers' pattern (every 4th row) is predicted
    assert forecast["predicted"].tolist() == [i % 4 == 0 for i in range(40)]
    expected = scores[scores["split"] == "score"]["probability"].to_numpy() >= threshold
    assert forecast["predicted"].tolist() == expected.tolist()


def test_predict_at_validation_threshold_without_a_fit_uses_the_default_threshold():
    rows = [("train", i, 1 + i % 3, i % 2, False) for i in range(10)]
    rows += [("validation", 100 + i, 1, i % 2, i == 1) for i in range(4)]
    rows += [("score", 200, 1, 1, None), ("score", 201, 1, 0, None)]
    forecast = propensity.predict_at_validation_threshold(fit(make_features(rows)), SPEC)
    # rule rates 2/9 and 1/9 (see the single-class test) are below the default 0.5
    assert forecast["threshold"].tolist() == [propensity.DEFAULT_THRESHOLD] * 2
    assert forecast["predicted"].tolist() == [False, False]
    assert forecast["scored_by"].tolist() == [propensity.SCORED_BY_RULE_RATE] * 2
    empty = propensity.predict_at_validation_threshold(fit(make_features([])), SPEC)
    assert empty.empty
    assert list(empty.columns) == [
        "visitor_id",
        "probability",
        "threshold",
        "predicted",
        "scored_by",
    ]


def test_choose_threshold_maximises_f1_and_prefers_the_higher_threshold_on_ties():
    labels = np.array([True, False, True, False])
    scores = np.array([0.9, 0.8, 0.7, 0.1])
    # >= 0.9: P 1, R .5, F1 .667; >= 0.7: P .667, R 1, F1 .8; >= 0.1: F1 .667
    assert propensity.choose_threshold(labels, scores) == pytest.approx(0.7)
    # two thresholds with F1 = 2/3: >= 0.9 and >= 0.2 -> the higher one
    labels = np.array([True, False, False, True])
    scores = np.array([0.9, 0.6, 0.5, 0.2])
    assert propensity.choose_threshold(labels, scores) == pytest.approx(0.9)


def test_top_decile_lift_breaks_ties_by_id_like_the_marts():
    # 11 rows -> the top decile holds ceil(11 / 10) = 2 rows; positives are ids 0 and 30
    ids = np.arange(11) * 3
    labels = np.isin(ids, [0, 30])
    base_rate = 2 / 11
    # all scores tie: the top decile is the two lowest ids, 0 (positive) and 3
    tied = np.full(11, 0.5)
    assert propensity.top_decile_lift(labels, tied, ids) == pytest.approx(0.5 / base_rate)
    # ids 30 and 27 score highest: one positive of two again
    scores = np.where(ids >= 27, 0.9, 0.1)
    assert propensity.top_decile_lift(labels, scores, ids) == pytest.approx(0.5 / base_rate)
    # ids 3 and 6 score highest: no positive in the top decile
    scores = np.where(np.isin(ids, [3, 6]), 0.9, 0.1)
    assert propensity.top_decile_lift(labels, scores, ids) == 0.0


def test_log1p_clips_negative_values():
    np.testing.assert_allclose(
        propensity._log1p_non_negative(np.array([-1.0, 0.0, math.e - 1])), [0.0, 0.0, 1.0]
    )


def generated_warehouse() -> Path:
    test_dir = os.environ.get("ROCKETMART_TEST_DIR")
    if not test_dir:
        pytest.skip("ROCKETMART_TEST_DIR is not set: run `make test-dbt` first (make test-py)")
    path = Path(test_dir) / "generated.duckdb"
    if not path.exists():
        pytest.skip(f"{path} is missing: `make test-dbt` builds it from generated data")
    return path


@pytest.mark.parametrize("model_name", ["visitor_purchase_propensity", "item_sales_forecast"])
def test_model_beats_its_rule_baseline_on_generated_data(model_name):
    duckdb = pytest.importorskip("duckdb")
    with duckdb.connect(str(generated_warehouse()), read_only=True) as connection:
        rows = connection.sql(
            "select model_name, variant, status, roc_auc, n_train_positives,"
            " n_validation_positives from marts.model_metrics"
        ).fetchall()
    metrics = {(row[0], row[1]): row[2:] for row in rows}
    assert set(metrics) == {
        (name, variant)
        for name in ("visitor_purchase_propensity", "item_sales_forecast")
        for variant in ("model", "baseline")
    }
    model_status, model_auc, n_train_positives, n_validation_positives = metrics[
        (model_name, "model")
    ]
    baseline_status, baseline_auc, _, _ = metrics[(model_name, "baseline")]
    if not model_status == baseline_status == propensity.STATUS_OK:
        # an AUC from a handful of positives says nothing either way
        pytest.skip(
            f"{model_name}: status {model_status}/{baseline_status} with "
            f"{n_train_positives} train and {n_validation_positives} validation positives"
        )
    assert model_auc > baseline_auc
