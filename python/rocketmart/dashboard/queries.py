"""The dashboard's query layer: pure functions from a read-only DuckDB connection (and
user values) to pandas frames. No Streamlit here, so every figure is unit-testable.

Identifiers (schemas, tables, columns) are fixed in this module; user values are bound
parameters. Aggregation happens in DuckDB (histograms are binned in SQL), so a page never
pulls a whole large mart into Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from rocketmart.export import CAMPAIGNS, Campaign

Connection = duckdb.DuckDBPyConnection

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
SEGMENTS = ["buyer", "cart_abandoner", "browser"]
VALUE_TIERS = ["high", "mid", "low"]


def _df(con: Connection, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _scalar(con: Connection, sql: str, params: list | dict | None = None):
    return con.execute(sql, params or []).fetchone()[0]


# ------------------------------------------------------------------ warehouse metadata


def table_exists(con: Connection, schema: str, table: str) -> bool:
    return bool(
        _scalar(
            con,
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        )
    )


def column_exists(con: Connection, schema: str, table: str, column: str) -> bool:
    return bool(
        _scalar(
            con,
            "select count(*) from information_schema.columns "
            "where table_schema = ? and table_name = ? and column_name = ?",
            [schema, table, column],
        )
    )


def missing_tables(con: Connection, tables: list[tuple[str, str]]) -> list[str]:
    """`schema.table` names of `tables` the warehouse does not have."""
    return [f"{s}.{t}" for s, t in tables if not table_exists(con, s, t)]


def has_properties(con: Connection) -> bool:
    """Whether any item property file was loaded (else no categories, availability or
    prices exist: category marts are empty and price columns null by design)."""
    return bool(
        _scalar(
            con,
            "select count(*) from audit.load_reconciliation "
            "where file_name like 'item_properties%' and raw_rows > 0",
        )
    )


@dataclass(frozen=True)
class Period:
    first_event_at: pd.Timestamp | None
    last_event_at: pd.Timestamp | None
    as_of_at: pd.Timestamp | None


def data_period(con: Connection) -> Period:
    """First and last event in the marts (UTC) and the as-of time they were built for."""
    first, last = con.execute(
        "select min(first_seen_at), max(last_seen_at) from marts.visitor_segments"
    ).fetchone()
    as_of = _scalar(con, "select max(as_of_at) from marts.churn_summary")
    return Period(first, last, as_of)


# ------------------------------------------------------------------ overview


@dataclass(frozen=True)
class Kpis:
    n_visitors: int
    n_sessions: int
    n_buyers: int
    conversion_rate: float | None
    revenue: float | None


def kpis(con: Connection) -> Kpis:
    """Visitors, sessions, buyers, visitor conversion (buyers / visitors) and revenue (the
    sum of the price at purchase time over customers; None without prices)."""
    n_visitors, n_buyers = con.execute(
        "select count(*), count(*) filter (where segment = 'buyer') from marts.visitor_segments"
    ).fetchone()
    n_sessions = _scalar(con, "select count(*) from marts.sessions")
    revenue = _scalar(con, "select sum(monetary) from marts.customer_rfm")
    rate = n_buyers / n_visitors if n_visitors else None
    return Kpis(n_visitors, n_sessions, n_buyers, rate, revenue)


def funnel(con: Connection) -> pd.DataFrame:
    return _df(
        con,
        "select stage, stage_order, n_visitors, n_sessions, pct_of_previous, pct_of_first "
        "from marts.funnel order by stage_order",
    )


def funnel_daily(con: Connection) -> pd.DataFrame:
    return _df(
        con,
        "select event_date, stage, stage_order, n_visitors, n_sessions "
        "from marts.funnel_daily order by event_date, stage_order",
    )


def sessions_by_hour_weekday(con: Connection) -> pd.DataFrame:
    """Sessions by UTC start hour (0-23) and ISO weekday (1 = Monday), every cell present."""
    return _df(
        con,
        """
        with grid as (
            select weekday, hour
            from range(1, 8) as w(weekday), range(0, 24) as h(hour)
        ),
        counts as (
            select isodow(started_at) as weekday, hour(started_at) as hour, count(*) as n
            from marts.sessions
            group by all
        )
        select grid.weekday, grid.hour, coalesce(counts.n, 0) as n_sessions
        from grid
        left join counts using (weekday, hour)
        order by grid.weekday, grid.hour
        """,
    )


# ------------------------------------------------------------------ products


def _top_by_conversion(
    con: Connection, mart: str, columns: str, id_column: str, min_visitors: int, limit: int
) -> pd.DataFrame:
    """`columns` of the rows of a conversion mart with at least `min_visitors` visitors,
    ranked by the Wilson lower bound of their conversion rate (then visitors, then id)."""
    return _df(
        con,
        f"select {columns} from marts.{mart} where n_visitors >= ? "
        f"order by conversion_rate_lower desc, n_visitors desc, {id_column} limit ?",
        [min_visitors, limit],
    )


def top_items(con: Connection, min_visitors: int = 1, limit: int = 20) -> pd.DataFrame:
    """Items ranked by the Wilson lower bound of their conversion rate."""
    columns = (
        "item_id, category_id, n_visitors, n_buyers, conversion_rate, "
        "conversion_rate_lower, n_views, n_addtocarts, n_transactions"
    )
    return _top_by_conversion(con, "item_conversion", columns, "item_id", min_visitors, limit)


def top_categories(con: Connection, min_visitors: int = 1, limit: int = 20) -> pd.DataFrame:
    """Categories ranked by the Wilson lower bound of their conversion rate."""
    columns = (
        "category_id, parent_id, root_id, depth, n_items, n_visitors, n_buyers, "
        "conversion_rate, conversion_rate_lower"
    )
    return _top_by_conversion(
        con, "category_conversion", columns, "category_id", min_visitors, limit
    )


def category_tree(con: Connection) -> pd.DataFrame:
    """Every category with events as a treemap node: `id`, `parent` ('' for a root or a
    category whose parent has no events), visitors and conversion. A node's parent always
    exists in the frame, which plotly's treemap requires."""
    return _df(
        con,
        """
        select
            cast(c.category_id as varchar) as id,
            coalesce(cast(p.category_id as varchar), '') as parent,
            c.depth,
            c.n_visitors,
            c.n_buyers,
            c.conversion_rate,
            c.conversion_rate_lower
        from marts.category_conversion as c
        left join marts.category_conversion as p on p.category_id = c.parent_id
        order by c.depth, c.category_id
        """,
    )


def bought_together(con: Connection, min_baskets: int = 1, limit: int = 50) -> pd.DataFrame:
    """Item pairs by lift, keeping pairs seen in at least `min_baskets` baskets."""
    return _df(
        con,
        "select item_a, item_b, n_baskets, support, confidence_a_to_b, confidence_b_to_a, lift "
        "from marts.bought_together where n_baskets >= ? "
        "order by lift desc, n_baskets desc, item_a, item_b limit ?",
        [min_baskets, limit],
    )


def max_pair_baskets(con: Connection) -> int:
    return int(_scalar(con, "select coalesce(max(n_baskets), 1) from marts.bought_together"))


# ------------------------------------------------------------------ customers


def segments(con: Connection) -> pd.DataFrame:
    """Visitors per segment (every segment listed), with the bot-like among them."""
    return _df(
        con,
        """
        select
            s.segment,
            count(v.visitor_id) as n_visitors,
            count(v.visitor_id) filter (where v.is_bot_like) as n_bot_like
        from (values ('buyer', 1), ('cart_abandoner', 2), ('browser', 3)) as s(segment, pos)
        left join marts.visitor_segments as v on v.segment = s.segment
        group by s.segment, s.pos
        order by s.pos
        """,
    )


def churn_summary(con: Connection) -> dict:
    cursor = con.execute(
        "select n_customers, n_churned, churn_rate, churn_days, as_of_at from marts.churn_summary"
    )
    row = cursor.fetchone()
    columns = [d[0] for d in cursor.description]
    return dict(zip(columns, row, strict=True)) if row else {}


def days_since_last_seen_histogram(con: Connection, bin_days: int = 7) -> pd.DataFrame:
    """Customers by `days_since_last_seen`, in bins of `bin_days`, split churned/active."""
    return _df(
        con,
        "select floor(days_since_last_seen / $bin) * $bin as days_from, "
        "is_churned, count(*) as n_customers "
        "from marts.customer_churn group by all order by days_from, is_churned",
        {"bin": bin_days},
    )


def retention(con: Connection, cohort_type: str) -> pd.DataFrame:
    """One cohort type of `retention_cohorts` (long format, ordered)."""
    return _df(
        con,
        "select cohort_week, week_number, cohort_size, n_active, retention_rate, "
        "is_complete_week from marts.retention_cohorts where cohort_type = ? "
        "order by cohort_week, week_number",
        [cohort_type],
    )


def retention_matrix(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pivot `retention()` into (rates, is_complete) matrices: rows = cohort weeks (with
    their size), columns = week numbers. Pure pandas, no query."""
    if frame.empty:
        empty = pd.DataFrame()
        return empty, empty
    labels = frame["cohort_week"].astype(str) + " (n=" + frame["cohort_size"].astype(str) + ")"
    frame = frame.assign(cohort=labels)
    rates = frame.pivot(index="cohort", columns="week_number", values="retention_rate")
    complete = frame.pivot(index="cohort", columns="week_number", values="is_complete_week")
    return rates, complete


def rfm_tiers(con: Connection) -> pd.DataFrame:
    """Customers per K-means value tier with their average recency, frequency and
    monetary value (monetary null without prices)."""
    return _df(
        con,
        """
        select
            t.value_tier,
            count(r.visitor_id) as n_customers,
            avg(r.recency_days) as avg_recency_days,
            avg(r.frequency) as avg_frequency,
            round(avg(r.monetary)) as avg_monetary,
            round(sum(r.monetary)) as total_monetary
        from (values ('high', 1), ('mid', 2), ('low', 3)) as t(value_tier, pos)
        left join marts.customer_rfm as r on r.value_tier = t.value_tier
        group by t.value_tier, t.pos
        order by t.pos
        """,
    )


def rfm_grid(con: Connection) -> pd.DataFrame:
    """Customers per (r_score, f_score)."""
    return _df(
        con,
        "select r_score, f_score, count(*) as n_customers from marts.customer_rfm "
        "group by all order by r_score, f_score",
    )


# ------------------------------------------------------------------ recommendations


def recommendation_evaluation(con: Connection) -> pd.DataFrame:
    return _df(
        con,
        "select protocol, strategy, k, n_evaluated, precision_at_k, recall_at_k, "
        "hit_rate_at_k, mrr_at_k, catalogue_coverage, train_end_at, as_of_at "
        "from marts.recommendation_evaluation order by protocol desc, k, hit_rate_at_k desc",
    )


def sample_visitor(con: Connection) -> int | None:
    """A visitor that has recommendations (the smallest id), as the look-up's default."""
    return _scalar(con, "select min(visitor_id) from marts.visitor_recommendations")


def sample_item(con: Connection) -> int | None:
    """The look-up's default item: one with similar items, preferring the one bought
    together with others in the most baskets, then the most visitors in common."""
    return _scalar(
        con,
        """
        with pair_items as (
            select item_a as item_id, n_baskets from marts.bought_together
            union all
            select item_b as item_id, n_baskets from marts.bought_together
        )
        select s.item_id
        from marts.item_similarity as s
        left join pair_items as p on p.item_id = s.item_id
        group by s.item_id
        order by max(p.n_baskets) desc nulls last, max(s.n_common_visitors) desc, s.item_id
        limit 1
        """,
    )


def visitor_profile(con: Connection, visitor_id: int) -> pd.DataFrame:
    return _df(
        con,
        "select visitor_id, segment, first_seen_at, last_seen_at, n_sessions, n_events, "
        "n_views, n_addtocarts, n_transactions, n_distinct_items, is_bot_like "
        "from marts.visitor_segments where visitor_id = ?",
        [visitor_id],
    )


def visitor_recent_sessions(con: Connection, visitor_id: int, limit: int = 10) -> pd.DataFrame:
    """The visitor's latest sessions (the marts' finest grain of a visitor's activity)."""
    return _df(
        con,
        "select session_number, started_at, ended_at, n_events, n_views, n_addtocarts, "
        "n_transactions, n_distinct_items from marts.sessions where visitor_id = ? "
        "order by started_at desc limit ?",
        [visitor_id, limit],
    )


def visitor_recommendations(con: Connection, visitor_id: int) -> pd.DataFrame:
    """The visitor's recommended items with strategy, and `reason` when the mart has it."""
    reason = ", reason" if column_exists(con, "marts", "visitor_recommendations", "reason") else ""
    return _df(
        con,
        f"select rank, item_id, score, strategy{reason} "  # reason: fixed text or empty
        "from marts.visitor_recommendations where visitor_id = ? order by rank",
        [visitor_id],
    )


def similar_items(con: Connection, item_id: int) -> pd.DataFrame:
    return _df(
        con,
        "select rank, similar_item_id, similarity, n_common_visitors "
        "from marts.item_similarity where item_id = ? order by rank",
        [item_id],
    )


def item_bought_with(con: Connection, item_id: int, limit: int = 20) -> pd.DataFrame:
    """Items bought together with `item_id` (either side of the pair), by lift."""
    return _df(
        con,
        """
        select
            case when item_a = $item then item_b else item_a end as other_item_id,
            n_baskets,
            case when item_a = $item then confidence_a_to_b else confidence_b_to_a end
                as confidence,
            lift
        from marts.bought_together
        where item_a = $item or item_b = $item
        order by lift desc, n_baskets desc, other_item_id
        limit $limit
        """,
        {"item": item_id, "limit": limit},
    )


def item_profile(con: Connection, item_id: int) -> pd.DataFrame:
    return _df(
        con,
        "select item_id, category_id, n_views, n_addtocarts, n_transactions, n_visitors, "
        "n_buyers, conversion_rate, conversion_rate_lower "
        "from marts.item_conversion where item_id = ?",
        [item_id],
    )


# ------------------------------------------------------------------ predictions


def model_metrics(con: Connection) -> pd.DataFrame:
    return _df(
        con,
        "select model_name, variant, status, reason, roc_auc, average_precision, "
        "top_decile_lift, threshold, precision, recall, f1, base_rate, n_train, "
        "n_validation from marts.model_metrics order by model_name, variant desc",
    )


# model -> (table, probability column); the only identifiers for the prediction queries
PREDICTIONS: dict[str, tuple[str, str]] = {
    "visitor_purchase_propensity": ("visitor_purchase_propensity", "purchase_probability"),
    "item_sales_forecast": ("item_sales_forecast", "sale_probability"),
}


def deciles(con: Connection, model: str) -> pd.DataFrame:
    """Per decile: scored rows, mean predicted probability and its ratio to the overall
    mean (the lift the model expects for a campaign on that decile)."""
    table, column = PREDICTIONS[model]
    return _df(
        con,
        f"""
        select
            decile,
            count(*) as n,
            avg({column}) as mean_probability,
            avg({column}) / nullif(avg(avg({column})) over (), 0) as expected_lift
        from marts.{table}
        group by decile
        order by decile
        """,
    )


def probability_histogram(con: Connection, model: str, bins: int = 20) -> pd.DataFrame:
    """Scored rows per probability bin of width 1 / `bins` (binned in SQL)."""
    table, column = PREDICTIONS[model]
    return _df(
        con,
        f"""
        select
            least(floor({column} * $bins), $bins - 1) / $bins as bin_from,
            count(*) as n
        from marts.{table}
        group by all
        order by bin_from
        """,
        {"bins": bins},
    )


# ------------------------------------------------------------------ campaigns


def campaign_table(campaign: Campaign | str) -> tuple[str, str]:
    """(schema, table) of a campaign, from the export module's fixed mapping."""
    return CAMPAIGNS[Campaign(campaign)]


def campaign_summary(con: Connection, campaign: Campaign | str) -> dict:
    schema, table = campaign_table(campaign)
    n, n_control, as_of = con.execute(
        f"select count(*), count(*) filter (where is_control), max(as_of_at) from {schema}.{table}"
    ).fetchone()
    return {
        "n_rows": n,
        "n_targets": n - n_control,
        "n_control": n_control,
        "control_share": n_control / n if n else None,
        "as_of_at": as_of,
    }


def campaign_score_histogram(
    con: Connection, campaign: Campaign | str, bins: int = 20
) -> pd.DataFrame:
    """Targets per score bin (equal-width bins between the min and max score), split by
    target/control."""
    schema, table = campaign_table(campaign)
    return _df(
        con,
        f"""
        with bounds as (
            select min(score) as lo, max(score) as hi from {schema}.{table}
        ),
        binned as (
            select
                case when hi > lo
                    then least(floor((score - lo) / (hi - lo) * $bins), $bins - 1)
                    else 0 end as bin,
                lo,
                hi,
                is_control
            from {schema}.{table}, bounds
        )
        select
            lo + bin * (hi - lo) / $bins as score_from,
            case when is_control then 'control' else 'target' end as grp,
            count(*) as n
        from binned
        group by all
        order by score_from, grp
        """,
        {"bins": bins},
    )


CAMPAIGN_ID_COLUMN: dict[Campaign, str] = {
    Campaign.no_sales_items: "item_id",
    Campaign.browse_abandoners: "visitor_id",
    Campaign.churned_customers: "visitor_id",
}


def campaign_top_targets(
    con: Connection, campaign: Campaign | str, limit: int = 20
) -> pd.DataFrame:
    """The best-ranked targets (control rows left out, as in an export)."""
    schema, table = campaign_table(campaign)
    return _df(
        con,
        f"select * exclude (as_of_at, is_control) from {schema}.{table} "
        "where not is_control order by rank limit ?",
        [limit],
    )


def campaign_readout(con: Connection) -> pd.DataFrame | None:
    """`marts.campaign_readout` when the warehouse has it, else None."""
    if not table_exists(con, "marts", "campaign_readout"):
        return None
    return _df(con, "select * from marts.campaign_readout order by all")


# ------------------------------------------------------------------ data quality


def load_reconciliation(con: Connection) -> pd.DataFrame:
    return _df(con, "select * from audit.load_reconciliation order by file_name")


def quarantine_by_reason(con: Connection) -> pd.DataFrame:
    """Quarantined rows per source and reason, over the three quarantine tables."""
    return _df(
        con,
        """
        select 'events' as source, quarantine_reason as reason, count(*) as n_rows
        from audit.quarantined_events group by all
        union all
        select 'item_properties', quarantine_reason, count(*)
        from audit.quarantined_item_properties group by all
        union all
        select 'category_tree', issue, sum(coalesce(n_rows, 1))
        from audit.category_tree_issues group by all
        order by source, n_rows desc, reason
        """,
    )


def data_quality_summary(con: Connection) -> pd.DataFrame:
    return _df(con, "select check_name, n_flagged, description from audit.data_quality_summary")
