"""A learned re-ranker over the candidates of every recommendation generator.

The generators (item similarity, co-purchase, category popularity, ALS, global
popularity, and for item-to-item lists association rules) each propose ranked
candidates. :func:`candidate_features` pivots their long output into one row per
(query, item) with each generator's score, rank and a missing indicator (a generator that
did not propose the item: score 0, rank BIG_RANK, missing 1). Context features (item
popularity and trend, category affinity and recency, viewed / carted before,
availability, price against the visitor's history) are computed in SQL where the events
are and joined on by the caller.

:func:`fit` learns P(the query's visitor interacts with the item in the next window)
with a scikit-learn LogisticRegression (standardised features, fixed random_state) at a
training cutoff; :func:`rerank` scores the candidates at another cutoff and keeps the
top n per query (ties by item_id); :func:`reasons` writes a short text per row from the
generator that contributed most to the row's score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

BIG_RANK = 1000
GENERATORS = (
    "item_similarity",
    "co_purchase",
    "category_popularity",
    "als",
    "global_popularity",
)


def generator_feature_columns(generators=GENERATORS) -> list[str]:
    """Score, log rank and missing indicator per generator."""
    return [f"{g}_{part}" for g in generators for part in ("score", "log_rank", "missing")]


def candidate_features(
    candidates: pd.DataFrame,
    generators=GENERATORS,
    key: str = "visitor_id",
) -> pd.DataFrame:
    """One row per (key, item_id) from long generator output.

    ``candidates``: key, item_id, generator, score, rank (1-based) and optional evidence
    columns ``anchor_item_id`` / ``anchor_count`` / ``category_id`` that :func:`reasons`
    quotes. Scores are divided by the query's best score of that generator (so in
    (0, 1] when positive); a (generator, key, item) repeated keeps its best rank. Missing
    generator: score 0, rank BIG_RANK, missing 1. Rows come out sorted by key, item_id.
    """
    unknown = set(candidates["generator"].unique()) - set(generators)
    if unknown:
        raise ValueError(f"unknown generators: {', '.join(sorted(unknown))}")
    frame = candidates.sort_values([key, "item_id", "generator", "rank"], kind="stable")
    frame = frame.drop_duplicates([key, "item_id", "generator"])
    best = frame.groupby([key, "generator"])["score"].transform("max")
    frame = frame.assign(norm_score=np.where(best > 0, frame["score"] / best, 0.0))

    keys = frame[[key, "item_id"]].drop_duplicates().reset_index(drop=True)
    result = keys
    evidence = [c for c in ("anchor_item_id", "anchor_count", "category_id") if c in frame]
    for generator in generators:
        part = frame.loc[frame["generator"] == generator, [key, "item_id", "norm_score", "rank"]]
        renamed = part.rename(
            columns={"norm_score": f"{generator}_score", "rank": f"{generator}_rank"}
        )
        if evidence:
            extra = frame.loc[frame["generator"] == generator, [key, "item_id", *evidence]]
            extra = extra.rename(columns={c: f"{generator}_{c}" for c in evidence})
            renamed = renamed.merge(extra, on=[key, "item_id"], how="left")
        result = result.merge(renamed, on=[key, "item_id"], how="left")
        missing = result[f"{generator}_rank"].isna()
        result[f"{generator}_missing"] = missing.astype(np.float64)
        result[f"{generator}_score"] = result[f"{generator}_score"].fillna(0.0).astype(float)
        result[f"{generator}_rank"] = result[f"{generator}_rank"].fillna(BIG_RANK).astype(np.int64)
        result[f"{generator}_log_rank"] = np.log(result[f"{generator}_rank"].to_numpy(float))
    return result.sort_values([key, "item_id"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Reranker:
    """A fitted pipeline and the feature columns it reads (in order)."""

    pipeline: object
    feature_columns: tuple[str, ...]

    @property
    def coefficients(self) -> pd.Series:
        """Logistic coefficients per standardised feature."""
        logistic = self.pipeline[-1]
        return pd.Series(logistic.coef_[0], index=list(self.feature_columns))


def _design(frame: pd.DataFrame, feature_columns) -> np.ndarray:
    missing = [c for c in feature_columns if c not in frame.columns]
    if missing:
        raise ValueError(f"feature columns missing: {', '.join(missing)}")
    values = frame[list(feature_columns)].to_numpy(dtype=np.float64)
    return np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)


def fit(
    frame: pd.DataFrame,
    label: str,
    feature_columns,
    c: float = 1.0,
    class_weight: str | None = None,
    random_state: int = 42,
    weight: str | None = None,
) -> Reranker:
    """LogisticRegression (lbfgs, standardised features) of ``label`` on the features.

    ``weight`` (optional column) is a per-row sample weight, e.g. how many times a
    (source item, candidate) pair was (not) followed. Needs both classes in ``label``;
    one BLAS thread, fixed seed: deterministic.
    """
    labels = frame[label].to_numpy().astype(int)
    if np.unique(labels).size < 2:
        raise ValueError("the training frame needs positive and negative labels")
    pipeline = make_pipeline(
        StandardScaler(),
        LogisticRegression(
            C=c, class_weight=class_weight, max_iter=2000, random_state=random_state
        ),
    )
    with threadpool_limits(limits=1):
        sample_weight = None if weight is None else frame[weight].to_numpy(dtype=np.float64)
        pipeline.fit(
            _design(frame, feature_columns),
            labels,
            standardscaler__sample_weight=sample_weight,
            logisticregression__sample_weight=sample_weight,
        )
    return Reranker(pipeline=pipeline, feature_columns=tuple(feature_columns))


def predict(model: Reranker, frame: pd.DataFrame) -> np.ndarray:
    """P(label = 1) per row, rounded to 12 decimals (stable ranks across platforms)."""
    if len(frame) == 0:
        return np.zeros(0)
    with threadpool_limits(limits=1):
        probability = model.pipeline.predict_proba(_design(frame, model.feature_columns))[:, 1]
    return np.round(probability, 12)


def rerank(model: Reranker, frame: pd.DataFrame, n: int, key: str = "visitor_id") -> pd.DataFrame:
    """The top ``n`` candidates per key by predicted probability (ties: item_id asc).

    Returns the candidate columns plus ``probability`` and ``rank`` (1-based).
    """
    scored = frame.assign(probability=predict(model, frame))
    scored = scored.sort_values(
        [key, "probability", "item_id"], ascending=[True, False, True], kind="stable"
    )
    scored["rank"] = scored.groupby(key).cumcount() + 1
    return scored[scored["rank"] <= n].reset_index(drop=True)


def coefficient_table(model: Reranker) -> pd.DataFrame:
    """One row per feature (feature, mean, scale, coefficient) plus an ``(intercept)`` row
    (mean 0, scale 1): P = 1 / (1 + exp(-(intercept + sum(coefficient x (x - mean) /
    scale)))). Lets SQL score millions of candidates without moving them into Python."""
    scaler, logistic = model.pipeline[0], model.pipeline[-1]
    table = pd.DataFrame(
        {
            "feature": list(model.feature_columns),
            "mean": scaler.mean_.astype(float),
            "scale": scaler.scale_.astype(float),
            "coefficient": logistic.coef_[0].astype(float),
        }
    )
    intercept = pd.DataFrame(
        {
            "feature": ["(intercept)"],
            "mean": [0.0],
            "scale": [1.0],
            "coefficient": [float(logistic.intercept_[0])],
        }
    )
    return pd.concat([table, intercept], ignore_index=True)


def contributions(model: Reranker, frame: pd.DataFrame) -> pd.DataFrame:
    """Each feature's additive share of the logit: coefficient x standardised value."""
    scaler = model.pipeline[0]
    standardised = (_design(frame, model.feature_columns) - scaler.mean_) / scaler.scale_
    return pd.DataFrame(
        standardised * model.coefficients.to_numpy(),
        columns=list(model.feature_columns),
        index=frame.index,
    )


def reasons(
    model: Reranker,
    frame: pd.DataFrame,
    generators=GENERATORS,
) -> pd.Series:
    """A short text per row naming the proposing generator that adds most to the logit.

    Only generators that proposed the row compete (its ``{g}_missing`` is 0); a
    generator's contribution is the sum over its score, log-rank and missing features.
    Texts: item_similarity "viewed with {anchor} by {n} visitors", co_purchase "bought
    with {anchor} in {n} baskets", category_popularity "top seller in category {c}",
    als "similar shoppers (ALS)", global_popularity "popular across the shop",
    association_rules "viewed next to {anchor} in {n} sessions". Evidence columns
    (``{g}_anchor_item_id``, ``{g}_anchor_count``, ``{g}_category_id``) are used when
    present, else the generic text.
    """
    if len(frame) == 0:
        return pd.Series([], dtype="string")
    parts = contributions(model, frame)
    totals = []
    for generator in generators:
        columns = [c for c in parts.columns if c.startswith(f"{generator}_")]
        total = parts[columns].sum(axis=1).to_numpy() if columns else np.zeros(len(frame))
        proposed = frame[f"{generator}_missing"].to_numpy() == 0
        totals.append(np.where(proposed, total, -np.inf))
    best = np.argmax(np.vstack(totals), axis=0)

    def evidence(generator: str, column: str) -> pd.Series:
        name = f"{generator}_{column}"
        if name in frame:
            return frame[name].astype("Int64").astype("string")
        return pd.Series(pd.NA, index=frame.index, dtype="string")

    texts = {
        "item_similarity": _template(
            "viewed with {0} by {1} visitors",
            evidence("item_similarity", "anchor_item_id"),
            evidence("item_similarity", "anchor_count"),
            "viewed by the same visitors as your recent items",
        ),
        "co_purchase": _template(
            "bought with {0} in {1} baskets",
            evidence("co_purchase", "anchor_item_id"),
            evidence("co_purchase", "anchor_count"),
            "often bought with your recent items",
        ),
        "association_rules": _template(
            "viewed next to {0} in {1} sessions",
            evidence("association_rules", "anchor_item_id"),
            evidence("association_rules", "anchor_count"),
            "often viewed in the same session",
        ),
        "category_popularity": _template(
            "top seller in category {0}",
            evidence("category_popularity", "category_id"),
            None,
            "top seller in your favourite category",
        ),
        "als": pd.Series("similar shoppers (ALS)", index=frame.index, dtype="string"),
        "global_popularity": pd.Series(
            "popular across the shop", index=frame.index, dtype="string"
        ),
    }
    result = pd.Series(pd.NA, index=frame.index, dtype="string")
    for position, generator in enumerate(generators):
        chosen = best == position
        result[chosen] = texts[generator][chosen]
    return result


def _template(pattern, first, second, fallback) -> pd.Series:
    known = first.notna() if second is None else first.notna() & second.notna()
    if second is None:
        filled = pattern.split("{0}")[0] + first.fillna("") + pattern.split("{0}")[1]
    else:
        head, rest = pattern.split("{0}")
        middle, tail = rest.split("{1}")
        filled = head + first.fillna("") + middle + second.fillna("") + tail
    return filled.where(known, fallback).astype("string")


KEY_COLUMNS = ("cutoff_name", "visitor_id", "item_id")
LABEL_COLUMN = "is_new_interaction"
COEFFICIENT_COLUMNS = ["feature", "mean", "scale", "coefficient", "n_train", "n_positive", "status"]


def training_coefficients(frame: pd.DataFrame, random_state: int = 42) -> pd.DataFrame:
    """The coefficient table of a re-ranker fitted on one cutoff's candidate features.

    ``frame``: KEY_COLUMNS, the label ``is_new_interaction`` and every other column a
    numeric feature (``*_log_rank`` columns are log ranks). Fitted with :func:`fit`
    (standardised features, fixed seed) when the label has both classes: status
    ``fitted``. Otherwise (too little data, e.g. a small sample) a fixed prior that ranks
    by each generator's rank (coefficient -1 on every ``*_log_rank``, mean 0, scale 1):
    status ``prior``. Adds n_train and n_positive to every row.
    """
    features = [c for c in frame.columns if c not in (*KEY_COLUMNS, LABEL_COLUMN)]
    # a fixed row order: the solver's float sums (and so the coefficients' last bits, and
    # the ranks of near-ties) depend on it, and a database scan returns rows in any order
    frame = frame.sort_values(list(KEY_COLUMNS), kind="stable", ignore_index=True)
    labels = frame[LABEL_COLUMN].fillna(False).astype(bool)
    n_train, n_positive = len(frame), int(labels.sum())
    if 0 < n_positive < n_train:
        model = fit(
            frame.assign(**{LABEL_COLUMN: labels.astype(int)}),
            LABEL_COLUMN,
            features,
            random_state=random_state,
        )
        table = coefficient_table(model).assign(status="fitted")
    else:
        table = _prior_table(features)
    table["n_train"] = n_train
    table["n_positive"] = n_positive
    return table[COEFFICIENT_COLUMNS]


NEXT_ITEM_KEYS = ("cutoff_name", "item_id", "candidate_item_id")
NEXT_ITEM_LABELS = ("n_followed", "n_source_transitions")


def next_item_coefficients(frame: pd.DataFrame, random_state: int = 42) -> pd.DataFrame:
    """The coefficient table of the next-item re-ranker on one cutoff's candidates.

    ``frame``: NEXT_ITEM_KEYS, ``n_followed`` (transitions source -> candidate) and
    ``n_source_transitions`` (transitions from the source), every other column a feature.
    Each row is a positive with weight n_followed and a negative with weight
    n_source_transitions - n_followed, i.e. P(a transition from the source goes to the
    candidate). Falls back to the rank prior of :func:`training_coefficients` without
    both classes.
    """
    features = [c for c in frame.columns if c not in (*NEXT_ITEM_KEYS, *NEXT_ITEM_LABELS)]
    frame = frame.sort_values(list(NEXT_ITEM_KEYS), kind="stable", ignore_index=True)
    followed = frame["n_followed"].to_numpy(dtype=np.float64)
    not_followed = np.clip(
        frame["n_source_transitions"].to_numpy(dtype=np.float64) - followed, 0, None
    )
    rows = pd.concat(
        [
            frame[features].assign(**{LABEL_COLUMN: True, "weight": followed}),
            frame[features].assign(**{LABEL_COLUMN: False, "weight": not_followed}),
        ],
        ignore_index=True,
    )
    rows = rows[rows["weight"] > 0]
    n_positive = int(followed.sum())
    if n_positive > 0 and float(not_followed.sum()) > 0:
        model = fit(
            rows.assign(**{LABEL_COLUMN: rows[LABEL_COLUMN].astype(int)}),
            LABEL_COLUMN,
            features,
            random_state=random_state,
            weight="weight",
        )
        table = coefficient_table(model).assign(status="fitted")
    else:
        table = _prior_table(features)
    table["n_train"] = int(len(frame))
    table["n_positive"] = n_positive
    return table[COEFFICIENT_COLUMNS]


def _prior_table(features) -> pd.DataFrame:
    """Coefficient -1 on every ``*_log_rank`` feature (mean 0, scale 1): rank order."""
    return pd.DataFrame(
        {
            "feature": [*features, "(intercept)"],
            "mean": 0.0,
            "scale": 1.0,
            "coefficient": [-1.0 if f.endswith("_log_rank") else 0.0 for f in features] + [0.0],
        }
    ).assign(status="prior")
