"""(a) The engine floor: plain DuckDB SQL, no dbt.

Loads and casts the raw CSVs (events, exact duplicates dropped; the three property keys
we keep) into tables of a fresh database file, then computes the five core metrics with
the SPEC definitions (§4, §5). Each step is timed on its own; the result tables stay in
the database so the pandas baseline and the marts can be compared with them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from harness import PhaseTimer

EVENT_COLUMNS = (
    "{'timestamp': 'BIGINT', 'visitorid': 'BIGINT', 'event': 'VARCHAR', "
    "'itemid': 'BIGINT', 'transactionid': 'BIGINT'}"
)
PROPERTY_COLUMNS = (
    "{'timestamp': 'BIGINT', 'itemid': 'BIGINT', 'property': 'VARCHAR', 'value': 'VARCHAR'}"
)


def load_sql(raw_dir: Path) -> dict[str, str]:
    parts = sorted(raw_dir.glob("item_properties_part*.csv"))
    steps = {
        "load_events": f"""
            create or replace table events as
            select distinct
                make_timestamp("timestamp" * 1000) as event_at,
                visitorid as visitor_id,
                event as event_type,
                itemid as item_id,
                transactionid as transaction_id
            from read_csv('{raw_dir / "events.csv"}', header = true, auto_detect = false,
                          columns = {EVENT_COLUMNS})
        """,
    }
    if parts:
        files = ", ".join(f"'{p}'" for p in parts)
        steps["load_properties"] = f"""
            create or replace table item_properties as
            select
                itemid as item_id,
                property,
                make_timestamp("timestamp" * 1000) as valid_from,
                case when property = 'categoryid' then try_cast(value as bigint) end
                    as category_id,
                case when property = 'available' then value = '1' end as is_available,
                case when property = '790' then try_cast(substr(value, 2) as double) end
                    as price
            from read_csv([{files}], header = true, auto_detect = false,
                          columns = {PROPERTY_COLUMNS})
            where property in ('categoryid', 'available', '790')
        """
    else:
        steps["load_properties"] = """
            create or replace table item_properties (
                item_id bigint, property varchar, valid_from timestamp,
                category_id bigint, is_available boolean, price double
            )
        """
    return steps


METRIC_SQL = {
    # 30-minute sessions: a new session when the gap to the visitor's previous event
    # exceeds 30 minutes. The order is total (rows are distinct), so both windows agree.
    "sessions": """
        create or replace table events_sessionised as
        with gaps as (
            select
                *,
                coalesce(event_at - lag(event_at) over timeline > interval 30 minutes, true)
                    as is_session_start
            from events
            window timeline as (
                partition by visitor_id order by event_at, event_type, item_id, transaction_id
            )
        )
        select
            *,
            sum(is_session_start::int) over (
                partition by visitor_id order by event_at, event_type, item_id, transaction_id
                rows between unbounded preceding and current row
            ) as session_number
        from gaps;

        create or replace table sessions as
        select
            visitor_id,
            session_number,
            min(event_at) as started_at,
            max(event_at) as ended_at,
            count(*) as n_events,
            count(*) filter (where event_type = 'view') as n_views,
            count(*) filter (where event_type = 'addtocart') as n_addtocarts,
            count(*) filter (where event_type = 'transaction') as n_transactions,
            count(distinct item_id) as n_distinct_items
        from events_sessionised
        group by visitor_id, session_number
    """,
    "funnel": """
        create or replace table funnel as
        with stage_sessions as (
            select distinct event_type, visitor_id, session_number from events_sessionised
        )
        select
            event_type as stage,
            count(distinct visitor_id) as n_visitors,
            count(*) as n_sessions
        from stage_sessions
        group by event_type
    """,
    "item_conversion": """
        create or replace table item_conversion as
        with as_of as (
            select max(event_at) as as_of_at from events
        ),
        item_visitors as (
            select
                item_id,
                visitor_id,
                count(*) filter (where event_type = 'view') as n_views,
                count(*) filter (where event_type = 'addtocart') as n_addtocarts,
                count(*) filter (where event_type = 'transaction') as n_transactions
            from events
            group by item_id, visitor_id
        ),
        per_item as (
            select
                item_id,
                sum(n_views) as n_views,
                sum(n_addtocarts) as n_addtocarts,
                sum(n_transactions) as n_transactions,
                count(*) as n_visitors,
                count(*) filter (where n_addtocarts > 0) as n_carters,
                count(*) filter (where n_transactions > 0) as n_buyers
            from item_visitors
            group by item_id
        ),
        current_category as (
            select item_id, arg_max(category_id, valid_from) as category_id
            from item_properties, as_of
            where property = 'categoryid' and valid_from <= as_of.as_of_at
            group by item_id
        )
        select
            per_item.*,
            current_category.category_id,
            n_carters / n_visitors as cart_rate,
            n_buyers / n_visitors as conversion_rate
        from per_item
        left join current_category using (item_id)
    """,
    "bought_together": """
        create or replace table bought_together as
        with baskets as (
            select distinct transaction_id, item_id
            from events
            where event_type = 'transaction'
        ),
        n_all as (
            select count(distinct transaction_id) as n_baskets from baskets
        ),
        item_baskets as (
            select item_id, count(*) as n_item_baskets from baskets group by item_id
        ),
        pairs as (
            select a.item_id as item_a, b.item_id as item_b, count(*) as n_baskets
            from baskets as a
            inner join baskets as b
                on a.transaction_id = b.transaction_id and a.item_id < b.item_id
            group by a.item_id, b.item_id
        )
        select
            pairs.item_a,
            pairs.item_b,
            pairs.n_baskets,
            pairs.n_baskets / n_all.n_baskets as support,
            pairs.n_baskets / ia.n_item_baskets as confidence_a_to_b,
            pairs.n_baskets / ib.n_item_baskets as confidence_b_to_a,
            (pairs.n_baskets / n_all.n_baskets)
                / ((ia.n_item_baskets / n_all.n_baskets) * (ib.n_item_baskets / n_all.n_baskets))
                as lift
        from pairs
        cross join n_all
        inner join item_baskets as ia on pairs.item_a = ia.item_id
        inner join item_baskets as ib on pairs.item_b = ib.item_id
    """,
    "churn": """
        create or replace table customer_churn as
        with as_of as (
            select max(event_at) as as_of_at from events
        ),
        customers as (
            select distinct visitor_id from events where event_type = 'transaction'
        ),
        per_visitor as (
            select
                visitor_id,
                max(event_at) as last_seen_at,
                count(distinct transaction_id) as n_orders
            from events
            semi join customers using (visitor_id)
            group by visitor_id
        )
        select
            per_visitor.*,
            (epoch(as_of.as_of_at) - epoch(last_seen_at)) / 86400.0 as days_since_last_seen,
            (epoch(as_of.as_of_at) - epoch(last_seen_at)) / 86400.0 > 30 as is_churned
        from per_visitor
        cross join as_of
    """,
}

CORE_METRICS = tuple(METRIC_SQL)


def run_once(raw_dir: Path, db_path: Path, timer: PhaseTimer) -> None:
    """One repetition into a fresh database file."""
    for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(db_path))
    try:
        for name, sql in load_sql(raw_dir).items():
            with timer.phase(name):
                con.execute(sql)
        for name, sql in METRIC_SQL.items():
            with timer.phase(name):
                con.execute(sql)
    finally:
        con.close()


def measure(raw_dir: Path, db_path: Path, reps: int) -> dict:
    timer = PhaseTimer()
    for rep in range(reps):
        run_once(raw_dir, db_path, timer)
        load = timer.phases["load_events"].samples[-1] + timer.phases["load_properties"].samples[-1]
        metrics = sum(timer.phases[m].samples[-1] for m in CORE_METRICS)
        print(f"[a] engine floor rep {rep + 1}: load {load:.2f} s, metrics {metrics:.2f} s")
    return {"phases": timer.phases, "db": db_path}
