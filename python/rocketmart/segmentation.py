"""Customer segmentation: K-means value tiers over RFM scores.

Pure functions on pandas frames, called by the dbt Python model int_customer_value_tiers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

SCORE_COLUMNS = ("r_score", "f_score", "m_score")
# The value each score was ordered by: customers with the same value share one score for
# the fit (the ntile scores break ties by visitor_id, which says nothing about value).
VALUE_COLUMNS = {"r_score": "recency_days", "f_score": "frequency", "m_score": "monetary"}
BASIS_LETTERS = {"r_score": "r", "f_score": "f", "m_score": "m"}
NO_BASIS = "none"

# Tier names by the number of clusters that could be fitted, best cluster first.
TIER_NAMES = {1: ("mid",), 2: ("high", "low"), 3: ("high", "mid", "low")}


def assign_value_tiers(
    customers: pd.DataFrame,
    random_state: int = 42,
    score_columns: tuple[str, ...] = SCORE_COLUMNS,
    bot_column: str = "is_bot_like",
    value_columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Assign every customer a value tier ``high`` / ``mid`` / ``low`` by K-means (k = 3).

    ``customers`` holds ``visitor_id``, the 1–5 scores in ``score_columns`` and optionally
    the bot flag ``bot_column``. A score column that is null for every customer (monetary
    without properties) is left out, so tiers come from recency and frequency alone.
    Scores are standardised, then K-means (n_init = 10, fixed ``random_state``; on the
    distinct score points weighted by their counts, which is the same objective) is fitted
    on the customers with every score that are not bot-like (on all complete ones when
    that leaves nobody). Every customer, bots included, gets the tier of the nearest
    centre, measured over the scores they have (a customer without a monetary value is
    placed by recency and frequency). Tier names follow the centres' mean score (highest =
    ``high``), never the cluster index. With fewer than 3 distinct score points, k drops
    to that number: two clusters are ``high`` / ``low``, a single one is ``mid``.

    Ties: when the frame holds the value a score was ordered by (``value_columns``, default
    recency_days / frequency / monetary), customers with the same value are given the
    mean of their scores, so a tier never rests on the visitor_id tie-break of the ntile
    (e.g. 1-order customers spread over f_scores 1–5 all count as the same frequency).

    ``value_tier_basis`` says what the tier rests on for each customer: the letters of the
    scores that vary among the fitted customers and that the customer has (``rfm``; ``rf``
    without a monetary value; ``r`` when frequency is the same for everyone), or ``none``
    when no score varies (everyone is ``mid``).

    Returns one row per input customer: ``visitor_id``, ``value_tier``,
    ``value_tier_basis``.
    """
    result = pd.DataFrame({"visitor_id": customers["visitor_id"].to_numpy()})
    columns = [c for c in score_columns if c in customers and customers[c].notna().any()]
    if customers.empty or not columns:
        result["value_tier"] = pd.Series([None] * len(result), dtype=object)
        result["value_tier_basis"] = pd.Series([None] * len(result), dtype=object)
        return result

    values = VALUE_COLUMNS if value_columns is None else value_columns
    frame = customers[columns].astype(float)
    for column in columns:
        value = values.get(column)
        if value in customers:
            # mean score per tie group of the value (null values stay null)
            frame[column] = frame[column].groupby(customers[value].to_numpy()).transform("mean")
    scores = frame.to_numpy(dtype=float)
    is_complete = ~np.isnan(scores).any(axis=1)
    if bot_column in customers:
        is_bot = customers[bot_column].fillna(False).to_numpy(dtype=bool)
    else:
        is_bot = np.zeros(len(customers), dtype=bool)
    is_training = is_complete & ~is_bot
    if not is_training.any():
        is_training = is_complete
    training = scores[is_training]

    centre = training.mean(axis=0)
    scale = training.std(axis=0)
    scale[scale == 0] = 1.0
    standardised_training = (training - centre) / scale
    standardised = (scores - centre) / scale

    # Scores take few distinct values (at most 5^3 points): fitting on the distinct points
    # weighted by their counts minimises the same objective, much faster at full scale.
    points, counts = np.unique(standardised_training, axis=0, return_counts=True)
    n_clusters = min(3, len(points))
    kmeans = KMeans(n_clusters=n_clusters, n_init=10, random_state=random_state)
    kmeans.fit(points, sample_weight=counts)

    # Nearest centre over the scores each customer has (a missing score adds no distance).
    differences = standardised[:, None, :] - kmeans.cluster_centers_[None, :, :]
    distances = np.square(np.nan_to_num(differences, nan=0.0)).sum(axis=2)
    labels = distances.argmin(axis=1)

    # Mean score of each centre on the original 1–5 scale; best first, index breaks ties.
    centre_scores = (kmeans.cluster_centers_ * scale + centre).mean(axis=1)
    order = np.lexsort((np.arange(n_clusters), -centre_scores))
    names = np.empty(n_clusters, dtype=object)
    names[order] = TIER_NAMES[n_clusters]
    result["value_tier"] = names[labels]

    varies = training.max(axis=0) > training.min(axis=0)
    present = ~np.isnan(scores) & varies[None, :]
    basis = np.full(len(scores), "", dtype=object)
    for j, column in enumerate(columns):  # at most three score columns
        basis = basis + np.where(present[:, j], BASIS_LETTERS.get(column, column), "")
    result["value_tier_basis"] = np.where(basis == "", NO_BASIS, basis)
    return result
