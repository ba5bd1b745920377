"""Purchase propensity and item sales forecast: fit, score and evaluate on a time split.

Pure functions on pandas frames; the dbt Python models int_visitor_propensity_scores,
int_item_sales_scores, int_model_metrics and int_campaign_readout_item_forecast only load
their refs and call them.

The input of `fit_and_score` is a feature frame (its columns named by a ModelSpec) with a
`split` column (`train`, `validation`, `score`, see int_prediction_cutoffs): the
classifier is fitted on `train` only and then scores every row. `evaluate` turns the
scored `validation` rows into one metrics row for the model and one for the rule
baseline. When a split is empty or holds a single class nothing crashes: metrics are null
with a `status` and a `reason`, and if the model cannot be fitted the scores fall back to
the label rate of the row's rule group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from threadpoolctl import threadpool_limits

RANDOM_STATE = 42
# rows scored per decision_function call: bounds the memory of the pipeline's copies
SCORE_CHUNK_ROWS = 100_000
# BLAS threads of the fit and the scoring (see fit_and_score)
BLAS_THREADS = 1
# Fewer positive labels than this in train or validation: metrics are reported but flagged.
MIN_POSITIVES = 10
# Used when no threshold can be chosen on validation: positive when more likely than not.
DEFAULT_THRESHOLD = 0.5
# The rule baseline's score is 0 or 1: it "fires" at 1.
BASELINE_THRESHOLD = 1.0

SPLITS = ("train", "validation", "score")


@dataclass(frozen=True)
class ModelSpec:
    """Which columns of a feature frame (int_visitor_features, int_item_features) a model
    reads: the id, the features, the label and the 0/1 rule baseline."""

    name: str
    id_column: str
    feature_columns: tuple[str, ...]
    label_column: str
    baseline_column: str

    @property
    def columns(self) -> list[str]:
        return [
            "split",
            self.id_column,
            *self.feature_columns,
            self.label_column,
            self.baseline_column,
        ]


VISITOR_PROPENSITY = ModelSpec(
    name="visitor_purchase_propensity",
    id_column="visitor_id",
    feature_columns=(
        "recency_days",
        "tenure_days",
        "n_events",
        "n_views",
        "n_addtocarts",
        "n_transactions",
        "n_distinct_items",
        "n_sessions",
        "carts_per_view",
        "n_events_recent",
        "n_addtocarts_recent",
    ),
    label_column="has_purchase_in_label_window",
    baseline_column="has_addtocart_recent",
)

ITEM_SALES = ModelSpec(
    name="item_sales_forecast",
    id_column="item_id",
    feature_columns=(
        "recency_days",
        "age_days",
        "n_views",
        "n_addtocarts",
        "n_sales",
        "n_visitors",
        "carts_per_view",
        "n_views_recent",
        "n_addtocarts_recent",
        "n_sales_recent",
    ),
    label_column="has_sale_in_label_window",
    baseline_column="has_sale_recent",
)

STATUS_OK = "ok"
STATUS_FEW_POSITIVES = "few_positives"
STATUS_NOT_TRAINABLE = "not_trainable"
STATUS_NOT_EVALUABLE = "not_evaluable"

SCORED_BY_MODEL = "model"
SCORED_BY_RULE_RATE = "rule_rate"

METRIC_COLUMNS = (
    "roc_auc",
    "average_precision",
    "precision",
    "recall",
    "f1",
    "top_decile_lift",
)


def _log1p_non_negative(values: np.ndarray) -> np.ndarray:
    """log(1 + x) of the features (counts and days are heavy-tailed and never negative)."""
    return np.log1p(np.clip(values, 0.0, None))


def build_classifier() -> Pipeline:
    """log1p, standard scaling and a class-balanced logistic regression (fixed seed)."""
    return Pipeline(
        [
            ("log1p", FunctionTransformer(_log1p_non_negative)),
            ("scale", StandardScaler()),
            (
                "classify",
                LogisticRegression(
                    class_weight="balanced",
                    # few features, many rows: Newton steps converge in a handful of
                    # iterations where lbfgs needs ~100 passes over the data
                    solver="newton-cholesky",
                    random_state=RANDOM_STATE,
                    max_iter=1000,
                ),
            ),
        ]
    )


def split_problem(labels: np.ndarray, split: str) -> str | None:
    """Why a split cannot train or evaluate a binary classifier, or None when it can."""
    n_rows = len(labels)
    n_positives = int(np.sum(labels))
    if n_rows == 0:
        return f"the {split} split is empty"
    if n_positives in (0, n_rows):
        return f"the {split} split has a single class ({n_positives} positives of {n_rows})"
    return None


def rule_rates(baseline: np.ndarray, labels: np.ndarray, labelled: np.ndarray) -> np.ndarray:
    """Fallback scores: the Laplace-smoothed label rate of each row's rule group (rule fires
    or not), estimated on the labelled rows: (positives + 1) / (rows + 2)."""
    groups = baseline.astype(bool)
    positives = labels.astype(bool) & labelled
    rate_when_fired = (np.sum(positives & groups) + 1) / (np.sum(labelled & groups) + 2)
    rate_when_not = (np.sum(positives & ~groups) + 1) / (np.sum(labelled & ~groups) + 2)
    return np.where(groups, rate_when_fired, rate_when_not)


def _feature_rows(features: pd.DataFrame, columns: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The float64 feature matrix of the given rows (positions) and columns (positions)."""
    return features.iloc[rows, columns].to_numpy(dtype=float)


def _decision_in_chunks(
    classifier: Pipeline, features: pd.DataFrame, columns: np.ndarray, order: np.ndarray
) -> np.ndarray:
    """classifier.decision_function of the rows features[order], SCORE_CHUNK_ROWS rows at a
    time, so the matrices and the pipeline's copies stay small (rows score independently)."""
    decision = np.empty(len(order), dtype=float)
    for start in range(0, len(order), SCORE_CHUNK_ROWS):
        rows = order[start : start + SCORE_CHUNK_ROWS]
        decision[start : start + len(rows)] = classifier.decision_function(
            _feature_rows(features, columns, rows)
        )
    return decision


def fit_and_score(features: pd.DataFrame, spec: ModelSpec) -> pd.DataFrame:
    """Fit the classifier on the `train` rows and score every row of every split.

    class_weight="balanced" fits as if both classes were equally frequent; the logits are
    shifted back by the log odds of the train base rate (prior correction), so that
    `probability` reads as a probability. Ranking, AUC and deciles are unaffected.

    Returns one row per input row: split, the id, label (null on `score`), probability,
    baseline_score (the 0/1 rule) and scored_by (`model`, or `rule_rate` when the train
    split is empty or single-class and the model cannot be fitted), ordered by split and id.
    """
    # a fixed row order (split, then id) makes the fit independent of the input order
    split_codes = pd.Categorical(features["split"], categories=SPLITS).codes
    ids = features[spec.id_column].to_numpy(dtype="int64")
    order = np.lexsort((ids, split_codes))
    split = np.asarray(SPLITS, dtype=object)[split_codes[order]]
    ids = ids[order]
    is_train = split == "train"
    labelled = split != "score"
    labels = features[spec.label_column].astype("boolean").fillna(False).to_numpy(dtype=bool)
    labels = labels[order]
    baseline = features[spec.baseline_column].to_numpy(dtype=float)[order]

    if split_problem(labels[is_train], "train") is None:
        # float64 feature matrices are built for the train rows, then for one chunk of
        # rows at a time: never a copy of every row (943 k visitors at full scale)
        columns = features.columns.get_indexer(list(spec.feature_columns))
        # one BLAS thread: the same wall time here, a third less CPU (idle BLAS threads
        # spin) for the DuckDB query the dbt build runs alongside, and sums in the same
        # order on every machine
        with threadpool_limits(limits=BLAS_THREADS):
            classifier = build_classifier().fit(
                _feature_rows(features, columns, order[is_train]), labels[is_train]
            )
            decision = _decision_in_chunks(classifier, features, columns, order)
        base_rate = labels[is_train].mean()
        prior_log_odds = np.log(base_rate / (1 - base_rate))
        probability = expit(decision + prior_log_odds)
        scored_by = SCORED_BY_MODEL
    else:
        probability = rule_rates(baseline, labels, labelled)
        scored_by = SCORED_BY_RULE_RATE

    return pd.DataFrame(
        {
            "split": pd.Series(split, dtype="string"),
            spec.id_column: ids,
            "label": pd.Series(labels, dtype="boolean").where(labelled, pd.NA),
            "probability": probability.astype("float64"),
            "baseline_score": baseline,
            "scored_by": pd.Series([scored_by] * len(ids), dtype="string"),
        }
    )


def fit_and_score_by_cutoff(features: pd.DataFrame, spec: ModelSpec) -> pd.DataFrame:
    """fit_and_score once per cutoff family (the `cutoff_name` column of
    int_prediction_cutoffs: `production`, `readout`), each fitted on its own `train` rows
    only, so a family never sees the rows (or labels) of another.

    Returns fit_and_score's columns after a leading `cutoff_name`, ordered by cutoff_name,
    split and id.
    """
    frames = []
    for cutoff_name in sorted(features["cutoff_name"].unique()):
        scored = fit_and_score(features[features["cutoff_name"] == cutoff_name], spec)
        scored.insert(0, "cutoff_name", pd.Series([cutoff_name] * len(scored), dtype="string"))
        frames.append(scored)
    if not frames:  # no features at all: the typed empty frame
        scored = fit_and_score(features, spec)
        scored.insert(0, "cutoff_name", pd.Series([], dtype="string"))
        return scored
    return pd.concat(frames, ignore_index=True)


def predict_at_validation_threshold(scores: pd.DataFrame, spec: ModelSpec) -> pd.DataFrame:
    """The `score` rows of one family's fit_and_score output with predicted =
    probability >= the model's threshold chosen on that family's validation rows
    (evaluate: the F1-maximising one, DEFAULT_THRESHOLD when none can be chosen) — what
    item_sales_forecast does with int_model_metrics' threshold at the production cutoff.

    Returns one row per scored id: the id, probability, threshold, predicted and
    scored_by, ordered by id.
    """
    threshold = float(evaluate(scores, spec).set_index("variant").at["model", "threshold"])
    rows = scores[scores["split"] == "score"].sort_values(spec.id_column)
    probability = rows["probability"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            spec.id_column: rows[spec.id_column].to_numpy(dtype="int64"),
            "probability": probability,
            "threshold": np.full(len(rows), threshold, dtype=float),
            "predicted": probability >= threshold,
            "scored_by": rows["scored_by"].astype("string").to_numpy(),
        }
    )


def choose_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold (predict positive when score >= threshold) with the highest F1;
    among equal F1 the highest threshold (the fewest positive predictions)."""
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    # the last precision/recall pair (1, 0) has no threshold
    precision, recall = precision[:-1], recall[:-1]
    denominator = precision + recall
    f1 = np.divide(
        2 * precision * recall,
        denominator,
        out=np.zeros_like(denominator),
        where=denominator > 0,
    )
    best = np.flatnonzero(f1 == f1.max())
    return float(thresholds[best].max())


def top_decile_lift(labels: np.ndarray, scores: np.ndarray, ids: np.ndarray) -> float:
    """Positive rate of the top decile (the first ceil(n / 10) rows by score desc, then id)
    divided by the overall positive rate — the same decile 1 as the marts' ntile(10)."""
    n_top = math.ceil(len(labels) / 10)
    order = np.lexsort((ids, -scores))
    return float(labels[order[:n_top]].mean() / labels.mean())


def classification_metrics(
    labels: np.ndarray, scores: np.ndarray, ids: np.ndarray, threshold: float
) -> dict[str, float]:
    """Threshold-free and at-threshold metrics of one scorer; labels hold both classes."""
    predicted = scores >= threshold
    true_positives = float(np.sum(predicted & labels))
    n_predicted = float(np.sum(predicted))
    precision = true_positives / n_predicted if n_predicted else 0.0
    recall = true_positives / float(np.sum(labels))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "roc_auc": float(roc_auc_score(labels, scores)),
        "average_precision": float(average_precision_score(labels, scores)),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "top_decile_lift": top_decile_lift(labels, scores, ids),
    }


def evaluate(scores: pd.DataFrame, spec: ModelSpec) -> pd.DataFrame:
    """One metrics row per variant (`model`, `baseline`) from the output of fit_and_score.

    Metrics are computed on the validation split only (no resampling); the model's
    threshold is the F1-maximising one on validation, the baseline's is the rule itself.
    A split that is empty or single-class leaves the metrics null with a status and reason.
    """
    train = scores[scores["split"] == "train"]
    validation = scores[scores["split"] == "validation"]
    train_labels = train["label"].to_numpy(dtype=bool)
    labels = validation["label"].to_numpy(dtype=bool)
    ids = validation[spec.id_column].to_numpy()
    n_train_positives = int(train_labels.sum())
    n_validation_positives = int(labels.sum())
    train_problem = split_problem(train_labels, "train")
    validation_problem = split_problem(labels, "validation")

    rows = []
    for variant, score_column in (("model", "probability"), ("baseline", "baseline_score")):
        values = validation[score_column].to_numpy(dtype=float)
        threshold = DEFAULT_THRESHOLD if variant == "model" else BASELINE_THRESHOLD
        metrics: dict[str, float | None] = dict.fromkeys(METRIC_COLUMNS)
        if variant == "model" and train_problem is not None:
            status = STATUS_NOT_TRAINABLE
            reason = (
                f"{train_problem}: the model was not fitted and its scores fall back to "
                "the label rate of the rule baseline's groups"
            )
        elif validation_problem is not None:
            status = STATUS_NOT_EVALUABLE
            reason = f"{validation_problem}: metrics need both classes"
        else:
            if variant == "model":
                threshold = choose_threshold(labels, values)
            metrics = classification_metrics(labels, values, ids, threshold)
            fewest = (
                min(n_train_positives, n_validation_positives)
                if variant == "model"
                else n_validation_positives
            )
            if fewest < MIN_POSITIVES:
                status = STATUS_FEW_POSITIVES
                reason = (
                    f"only {fewest} positive labels (fewer than {MIN_POSITIVES}): "
                    "the metrics are unstable"
                )
            else:
                status, reason = STATUS_OK, None
        rows.append(
            {
                "model_name": spec.name,
                "variant": variant,
                "status": status,
                "reason": reason,
                **metrics,
                "threshold": threshold,
                "base_rate": float(labels.mean()) if len(labels) else None,
                "n_train": len(train_labels),
                "n_train_positives": n_train_positives,
                "n_validation": len(labels),
                "n_validation_positives": n_validation_positives,
            }
        )
    return metrics_frame(rows)


def metrics_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows of `evaluate` as a typed frame (nullable floats, so null is not NaN)."""
    frame = pd.DataFrame(rows)
    for column in ("model_name", "variant", "status", "reason"):
        frame[column] = frame[column].astype("string")
    for column in (*METRIC_COLUMNS, "threshold", "base_rate"):
        frame[column] = frame[column].astype("Float64")
    for column in ("n_train", "n_train_positives", "n_validation", "n_validation_positives"):
        frame[column] = frame[column].astype("int64")
    return frame
