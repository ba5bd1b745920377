"""Ranking metrics of the ALS hyper-parameter search (rocketmart.als.search_hyperparameters).

The visitor protocol of ``recommendation_evaluation`` (whose SQL computes its own
metrics): a visitor's targets are the items they interacted with after a cutoff and
never before it (int_recommendation_new_item_targets; repeats are not a
recommendation's merit); HR@k = share of evaluated visitors with a target in their top
k; MRR@k = mean of 1 / rank of the first target in the top k (0 if none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def ranking_metrics(
    lists: pd.DataFrame,
    targets: pd.DataFrame,
    k: int,
    evaluated_visitors: np.ndarray | None = None,
) -> dict:
    """HR@k, MRR@k, precision@k and recall@k of ranked lists against target pairs.

    ``lists``: visitor_id, item_id, rank (1-based). ``targets``: visitor_id, item_id.
    ``evaluated_visitors`` (default: the visitors with a target) is the denominator: a
    visitor without a list counts as a miss.
    """
    if evaluated_visitors is None:
        evaluated_visitors = targets["visitor_id"].unique()
    evaluated = pd.Index(np.unique(np.asarray(evaluated_visitors, dtype=np.int64)))
    n_evaluated = len(evaluated)
    if n_evaluated == 0:
        return {
            "n_evaluated": 0,
            "hit_rate_at_k": np.nan,
            "mrr_at_k": np.nan,
            "precision_at_k": np.nan,
            "recall_at_k": np.nan,
        }
    top = lists.loc[lists["rank"] <= k, ["visitor_id", "item_id", "rank"]]
    hits = top.merge(targets[["visitor_id", "item_id"]].drop_duplicates(), how="inner")
    hits = hits[hits["visitor_id"].isin(evaluated)]
    per_visitor = hits.groupby("visitor_id").agg(n_hits=("rank", "size"), first=("rank", "min"))
    per_visitor = per_visitor.reindex(evaluated)
    n_targets = targets.groupby("visitor_id").size().reindex(evaluated)
    n_hits = per_visitor["n_hits"].fillna(0).to_numpy(float)
    first = per_visitor["first"].to_numpy(float)
    return {
        "n_evaluated": n_evaluated,
        "hit_rate_at_k": float((n_hits > 0).mean()),
        "mrr_at_k": float(np.nan_to_num(1.0 / first, nan=0.0).mean()),
        "precision_at_k": float((n_hits / k).mean()),
        "recall_at_k": float(np.nan_to_num(n_hits / n_targets.to_numpy(float), nan=0.0).mean()),
    }
