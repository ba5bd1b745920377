"""Read-only look-ups the CLI prints: recommendations for a visitor or an item, metrics.

Each function returns a `Report` (title, columns, rows); rendering is the CLI's job.
Identifiers are fixed here; user values are bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rocketmart.export import Campaign
from rocketmart.warehouse import WarehouseError, connect, require_table


@dataclass(frozen=True)
class Report:
    title: str
    columns: list[str]
    rows: list[tuple]


def _report(db: Path | None, title: str, schema: str, table: str, sql: str, params=None):
    with connect(db) as con:
        require_table(con, schema, table)
        cursor = con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return Report(title, columns, cursor.fetchall())


def visitor_recommendations(visitor_id: int, db: Path | None = None) -> Report:
    """The visitor's recommended items, best first."""
    report = _report(
        db,
        f"Recommendations for visitor {visitor_id}",
        "marts",
        "visitor_recommendations",
        "select rank, item_id, round(score, 4) as score, strategy "
        "from marts.visitor_recommendations where visitor_id = ? order by rank",
        [visitor_id],
    )
    if not report.rows:
        raise WarehouseError(
            f"no recommendations for visitor {visitor_id} "
            "(unknown, bot-like, or not active in the 30 days before as-of)"
        )
    return report


def similar_items(item_id: int, db: Path | None = None) -> Report:
    """Items most similar to `item_id` (cosine over co-visiting visitors)."""
    report = _report(
        db,
        f"Items similar to item {item_id}",
        "marts",
        "item_similarity",
        "select rank, similar_item_id, round(similarity, 4) as similarity, n_common_visitors "
        "from marts.item_similarity where item_id = ? order by rank",
        [item_id],
    )
    if not report.rows:
        raise WarehouseError(f"no similar items for item {item_id} (unknown or too few visitors)")
    return report


def model_metrics(db: Path | None = None) -> Report:
    """Prediction models against their rule baselines."""
    return _report(
        db,
        "Prediction models (validation split) vs rule baselines",
        "marts",
        "model_metrics",
        "select model_name as model, variant, status, round(roc_auc, 3) as auc, "
        "round(average_precision, 3) as ap, round(precision, 3) as prec, "
        "round(recall, 3) as rec, round(f1, 3) as f1, round(top_decile_lift, 2) as lift10, "
        "round(base_rate, 4) as base_rate, n_train, n_validation "
        "from marts.model_metrics order by model_name, variant desc",
    )


def recommendation_metrics(db: Path | None = None) -> Report:
    """Offline evaluation of the recommendation strategies."""
    return _report(
        db,
        "Recommendation strategies, offline evaluation (time split)",
        "marts",
        "recommendation_evaluation",
        "select protocol, strategy, k, n_evaluated as n, round(precision_at_k, 3) as prec, "
        "round(recall_at_k, 3) as rec, round(hit_rate_at_k, 3) as hit_rate, "
        "round(mrr_at_k, 3) as mrr, round(catalogue_coverage, 3) as coverage "
        "from marts.recommendation_evaluation order by protocol desc, k, hit_rate desc",
    )


def campaign_readout(db: Path | None = None, campaign: str | None = None) -> Report:
    """The A/B readout of each campaign (marts.campaign_readout): targets vs hold-out;
    only `campaign` (an export name, e.g. browse-abandoners) when given."""
    names = [c.value for c in Campaign]
    if campaign is not None and campaign not in names:
        raise WarehouseError(f"unknown campaign {campaign!r} (choose from {', '.join(names)})")
    return _report(
        db,
        "Campaign readout (targets vs hold-out; on history an A/A test: the CI should cover 0)",
        "marts",
        "campaign_readout",
        "select campaign, cast(readout_cutoff_at as date) as cutoff, readout_days as days, "
        "n_target, n_target_converted as conv_t, round(target_rate, 4) as rate_t, "
        "n_control, n_control_converted as conv_c, round(control_rate, 4) as rate_c, "
        "round(lift_abs, 4) as lift, "
        "'[' || printf('%.4f', lift_abs_lower) || ', ' || printf('%.4f', lift_abs_upper) || ']' "
        "as ci95, "
        "round(p_value, 3) as p, test, round(mde_abs, 4) as mde "
        "from marts.campaign_readout where ? is null or campaign = ? "
        "order by campaign, readout_cutoff_at",
        [campaign, campaign],
    )
