"""Prototype: time-split evaluation of every generator, ALS and the LR re-ranker.

Groundwork for issue 16 (before the cutoff-dimension redesign lands): reads a built
warehouse (int_events_enriched, stg_retailrocket__item_properties, int_category_paths,
int_customer_value_tiers) and reproduces recommendation_evaluation's two protocols:

- visitor_time_split: non-bot visitors active in the 30 days before the cutoff with a new
  item in the test window; lists 20 deep, HR / MRR / precision / recall @ 5, 10, 20.
- session_next_item: from each viewed item of a test session predict the next one.

Every generator is fitted at a cutoff on events at or before it. The re-ranker is trained
on cutoffs BEFORE the evaluation cutoff (train_end - 7 d, - 14 d, ...) with labels from
the week after each (all inside the training period), then applied at train_end and
scored on the test window. ALS hyper-parameters are chosen on the last week of the
training period. Run:

    .venv/bin/python python/scripts/recs_time_split.py --db warehouse.duckdb
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from rocketmart import als, reranker
from rocketmart.ranking import ranking_metrics
from rocketmart.readout import wilson_interval
from rocketmart.similarity import top_k_cosine

RECENT_DAYS = 30
MAX_ITEMS = 300
TEST_DAYS = 7
DEPTH = 20  # evaluated list depth
M = 50  # candidates per generator
K_VALUES = (5, 10, 20)
ALS_MIN_ITEMS = 1  # --als-min-items: visitors with fewer distinct items stay out of ALS
TIMINGS: dict[str, float] = {}
CPU_TIMINGS: dict[str, float] = {}


@contextmanager
def timed(name):
    """Wall and process CPU seconds (CPU time is what a shared, busy machine distorts
    least: single-threaded work runs on one core however loaded the others are)."""
    start, cpu_start = time.perf_counter(), time.process_time()
    yield
    TIMINGS[name] = TIMINGS.get(name, 0.0) + time.perf_counter() - start
    CPU_TIMINGS[name] = CPU_TIMINGS.get(name, 0.0) + time.process_time() - cpu_start


def ts(value) -> str:
    return f"timestamp '{pd.Timestamp(value)}'"


# -- per-cutoff building blocks (SQL, as the dbt models would be) ----------------------------
def build_cutoff(con, tag: str, cutoff, sim_k: int, als_params: dict | None):
    """Tables suffixed _{tag}: events, item state, popularity, category lists, visitor
    context, similarity, co-purchase neighbours, session co-views; plus an ALS model."""
    c = ts(cutoff)
    con.execute(f"""
        create or replace temp table ev_{tag} as
        select * from events where event_at <= {c};

        create or replace temp table state_{tag} as
        with latest as (
            select item_id, property_name, category_id, is_available, price
            from props where valid_from <= {c}
            qualify row_number() over (
                partition by item_id, property_name order by valid_from desc) = 1
        )
        select item_id,
            max(category_id) filter (where property_name = 'category_id') as category_id,
            bool_or(is_available) filter (where property_name = 'is_available') as is_available,
            max(price) filter (where property_name = 'price') as price
        from latest group by item_id;

        create or replace temp table pop_{tag} as
        select e.item_id,
            sum(w.popularity_weight)::double as score,
            coalesce(sum(w.popularity_weight) filter (
                where e.event_at > {c} - interval 7 days), 0)::double as score_7d,
            coalesce(sum(w.popularity_weight) filter (
                where e.event_at > {c} - interval 28 days
                  and e.event_at <= {c} - interval 7 days), 0)::double as score_prev_21d
        from ev_{tag} e join weights w using (event_type)
        group by e.item_id;

        create or replace temp table catlist_{tag} as
        with eligible as (
            select s.category_id, p.item_id, p.score
            from pop_{tag} p join state_{tag} s using (item_id)
            where s.category_id is not null and s.is_available is distinct from false
            qualify row_number() over (
                partition by s.category_id order by p.score desc, p.item_id) <= {M}
        ),
        levels as (
            select cp.category_id, l.source_level,
                cp.path_ids[cp.depth - l.source_level] as source_category_id
            from paths cp
            cross join lateral (select unnest(range(cp.depth)) as source_level) l
        )
        select levels.category_id, eligible.item_id, eligible.score, levels.source_level,
            row_number() over (partition by levels.category_id
                order by levels.source_level, eligible.score desc, eligible.item_id) as rank
        from levels join eligible on levels.source_category_id = eligible.category_id
        qualify rank <= {M};

        create or replace temp table vi_{tag} as
        with recent as (
            select distinct visitor_id from ev_{tag}
            where event_at > {c} - interval {RECENT_DAYS} days
        )
        select e.visitor_id, e.item_id,
            max(w.popularity_weight) filter (
                where e.event_at > {c} - interval {RECENT_DAYS} days) as recent_weight,
            count(*) filter (where e.event_at > {c} - interval {RECENT_DAYS} days
                and e.event_type = 'view') as n_recent_views,
            count(*) filter (where e.event_at > {c} - interval {RECENT_DAYS} days)
                as n_recent_events,
            count(*) as n_events,
            bool_or(e.event_type = 'transaction') as is_bought,
            bool_or(e.event_type = 'addtocart') as is_carted,
            max(e.event_at) as last_event_at
        from ev_{tag} e join recent using (visitor_id) join weights w using (event_type)
        group by e.visitor_id, e.item_id;

        create or replace temp table active_{tag} as
        select visitor_id, count(*) filter (where is_bought) as n_bought
        from vi_{tag} group by visitor_id
        having count(*) <= {MAX_ITEMS} and count(recent_weight) > 0;

        create or replace temp table unavailable_{tag} as
        select item_id from state_{tag} where is_available = false;

        -- the visitor's most-viewed recent category (as the production blend)
        create or replace temp table topcat_{tag} as
        select r.visitor_id, s.category_id
        from vi_{tag} r join active_{tag} using (visitor_id) join state_{tag} s using (item_id)
        where r.recent_weight is not null and s.category_id is not null
        group by r.visitor_id, s.category_id
        qualify row_number() over (partition by r.visitor_id
            order by sum(r.n_recent_views) desc, sum(r.n_recent_events) desc, s.category_id) = 1;

        create or replace temp table pairs_{tag} as
        with baskets as (
            select distinct transaction_id, item_id from ev_{tag}
            where event_type = 'transaction' and transaction_id is not null
        ),
        item_baskets as (select item_id, count(*) as n from baskets group by item_id),
        pair_counts as (
            select a.item_id as item_a, b.item_id as item_b, count(*) as n_baskets
            from baskets a join baskets b
                on a.transaction_id = b.transaction_id and a.item_id != b.item_id
            group by 1, 2
        )
        select pair_counts.item_a as item_id, pair_counts.item_b as similar_item_id,
            pair_counts.n_baskets / ib.n as similarity, pair_counts.n_baskets as n_common
        from pair_counts join item_baskets ib on pair_counts.item_a = ib.item_id;

        create or replace temp table inter_{tag} as
        with pairs as (select distinct visitor_id, item_id from ev_{tag}),
        kept as (select visitor_id from pairs group by visitor_id having count(*) <= {MAX_ITEMS})
        select pairs.* from pairs join kept using (visitor_id);
    """)
    with timed("item_similarity"):
        inter = con.sql(f"select visitor_id, item_id from inter_{tag}").fetchnumpy()
        sim = top_k_cosine(inter["visitor_id"], inter["item_id"], k=sim_k)
    con.register(f"sim_df_{tag}", sim)
    con.execute(f"create or replace temp table sim_{tag} as select * from sim_df_{tag}")
    model = None
    if als_params is not None:
        with timed("als_fit"):
            frame = con.sql(f"select visitor_id, item_id, event_type from ev_{tag}").df()
            model = als.fit(
                als.build_matrix(
                    frame, max_items_per_visitor=MAX_ITEMS, min_items_per_visitor=ALS_MIN_ITEMS
                ),
                **als_params,
            )
    return model


def neighbour_candidates(con, tag, relation, generator, visitors_table):
    """Sum over recent items of weight x neighbour score, anchor = the biggest term."""
    return con.sql(f"""
        with terms as (
            select r.visitor_id, n.similar_item_id as item_id,
                r.recent_weight * n.similarity as term, r.item_id as anchor_item_id,
                n.n_common as anchor_count
            from vi_{tag} r
            join {visitors_table} v using (visitor_id)
            join {relation} n on r.item_id = n.item_id
            where r.recent_weight is not null
        ),
        summed as (
            select visitor_id, item_id, sum(term) as score,
                arg_max(anchor_item_id, (term, -anchor_item_id)) as anchor_item_id,
                arg_max(anchor_count, (term, -anchor_item_id)) as anchor_count
            from terms group by 1, 2
        )
        select s.visitor_id, s.item_id, '{generator}' as generator, round(s.score, 12) as score,
            row_number() over (partition by s.visitor_id
                order by round(s.score, 12) desc, s.item_id) as rank,
            s.anchor_item_id, s.anchor_count, null::bigint as category_id
        from summed s
        left join vi_{tag} x on s.visitor_id = x.visitor_id and s.item_id = x.item_id
            and x.is_bought
        left join unavailable_{tag} u on s.item_id = u.item_id
        where x.item_id is null and u.item_id is null
        qualify rank <= {M}
    """).df()


def visitor_candidates(con, tag, model, visitors_table):
    """Long candidates (visitor_id, item_id, generator, score, rank, evidence) at a cutoff."""
    con.execute(f"""
        create or replace temp table simn_{tag} as
        select item_id, similar_item_id, similarity, n_common_visitors as n_common
        from sim_{tag}
    """)
    parts = [
        neighbour_candidates(con, tag, f"simn_{tag}", "item_similarity", visitors_table),
        neighbour_candidates(con, tag, f"pairs_{tag}", "co_purchase", visitors_table),
        con.sql(f"""
            select t.visitor_id, l.item_id, 'category_popularity' as generator,
                l.score, row_number() over (partition by t.visitor_id order by l.rank) as rank,
                null::bigint as anchor_item_id, null::bigint as anchor_count, t.category_id
            from topcat_{tag} t join {visitors_table} v using (visitor_id)
            join catlist_{tag} l using (category_id)
            left join vi_{tag} x on t.visitor_id = x.visitor_id and l.item_id = x.item_id
                and x.is_bought
            where x.item_id is null
            qualify rank <= {M}
        """).df(),
        con.sql(f"""
            with g as (
                select p.item_id, p.score,
                    row_number() over (order by p.score desc, p.item_id) as global_rank
                from pop_{tag} p left join unavailable_{tag} u using (item_id)
                where u.item_id is null
                qualify global_rank <= {M} + 200
            )
            select a.visitor_id, g.item_id, 'global_popularity' as generator, g.score,
                row_number() over (partition by a.visitor_id order by g.global_rank) as rank,
                null::bigint as anchor_item_id, null::bigint as anchor_count,
                null::bigint as category_id
            from active_{tag} a join {visitors_table} v using (visitor_id) cross join g
            left join vi_{tag} x on a.visitor_id = x.visitor_id and g.item_id = x.item_id
                and x.is_bought
            where x.item_id is null
            qualify rank <= {M}
        """).df(),
    ]
    if model is not None:
        with timed("als_recommend"):
            visitors = con.sql(f"select visitor_id from {visitors_table}").fetchnumpy()
            bought = con.sql(f"select visitor_id, item_id from vi_{tag} where is_bought").df()
            unavailable = con.sql(f"select item_id from unavailable_{tag}").fetchnumpy()
            lists = als.recommend(model, visitors["visitor_id"], M + 50, exclude=bought)
            lists = lists[~lists["item_id"].isin(unavailable["item_id"])]
            lists = lists.sort_values(["visitor_id", "rank"])
            lists["rank"] = lists.groupby("visitor_id").cumcount() + 1
            lists = lists[lists["rank"] <= M]
            parts.append(
                lists.assign(
                    generator="als", anchor_item_id=pd.NA, anchor_count=pd.NA, category_id=pd.NA
                )
            )
    frame = pd.concat(parts, ignore_index=True)
    for column in ("anchor_item_id", "anchor_count", "category_id"):
        frame[column] = frame[column].astype("Int64")
    return frame


def context_features(con, tag, cutoff, wide: pd.DataFrame) -> pd.DataFrame:
    """Item popularity and trend, category affinity and recency, viewed / carted before,
    availability, price against the visitor's history (SQL over the cutoff's events)."""
    c = ts(cutoff)
    con.register("wide_keys", wide[["visitor_id", "item_id"]])
    features = con.sql(f"""
        with vcat as (
            select e.visitor_id, s.category_id, count(*) as n,
                count(*) filter (where e.event_at > {c} - interval {RECENT_DAYS} days) as n_recent,
                max(e.event_at) as last_at
            from ev_{tag} e join (select distinct visitor_id from wide_keys) k using (visitor_id)
            join state_{tag} s using (item_id)
            where s.category_id is not null
            group by 1, 2
        ),
        vtot as (
            select visitor_id, sum(n) as n, sum(n_recent) as n_recent from vcat group by 1
        ),
        vprice as (
            select e.visitor_id, median(s.price) as median_price
            from ev_{tag} e join (select distinct visitor_id from wide_keys) k using (visitor_id)
            join state_{tag} s using (item_id)
            where s.price > 0
            group by 1
        )
        select k.visitor_id, k.item_id,
            ln(1 + coalesce(p.score, 0)) as pop_log,
            ln(1 + coalesce(p.score_7d, 0)) as pop_7d_log,
            ln(1 + coalesce(p.score_7d, 0)) - ln(1 + coalesce(p.score_prev_21d, 0) / 3)
                as pop_trend,
            coalesce(vc.n / vt.n, 0) as category_affinity,
            coalesce(vc.n_recent / nullif(vt.n_recent, 0), 0) as category_recent_affinity,
            ln(1 + coalesce(date_diff('hour', vc.last_at, {c}) / 24.0, 365)) as category_days_log,
            (vc.category_id is null)::double as category_never,
            (t.category_id is not distinct from s.category_id and s.category_id is not null)::double
                as is_top_category,
            coalesce(x.n_events > 0, false)::double as seen_before,
            coalesce(x.is_carted, false)::double as carted_before,
            ln(1 + coalesce(date_diff('hour', x.last_event_at, {c}) / 24.0, 365)) as item_days_log,
            coalesce(s.is_available, false)::double as is_available,
            coalesce(ln(s.price / vp.median_price), 0) as price_log_ratio,
            coalesce(abs(ln(s.price / vp.median_price)), 0) as price_abs_log_ratio,
            (s.price is null or vp.median_price is null)::double as price_missing,
            s.category_id
        from wide_keys k
        left join pop_{tag} p on k.item_id = p.item_id
        left join state_{tag} s on k.item_id = s.item_id
        left join vcat vc on k.visitor_id = vc.visitor_id and s.category_id = vc.category_id
        left join vtot vt on k.visitor_id = vt.visitor_id
        left join vprice vp on k.visitor_id = vp.visitor_id
        left join topcat_{tag} t on k.visitor_id = t.visitor_id
        left join vi_{tag} x on k.visitor_id = x.visitor_id and k.item_id = x.item_id
    """).df()
    con.unregister("wide_keys")
    return wide.merge(features, on=["visitor_id", "item_id"], how="left")


CONTEXT_FEATURES = [
    "pop_log",
    "pop_7d_log",
    "pop_trend",
    "category_affinity",
    "category_recent_affinity",
    "category_days_log",
    "category_never",
    "is_top_category",
    "seen_before",
    "carted_before",
    "item_days_log",
    "is_available",
    "price_log_ratio",
    "price_abs_log_ratio",
    "price_missing",
]


def new_targets(con, tag, start, end) -> pd.DataFrame:
    """(visitor, item) interacted with in (start, end] and never at or before start."""
    return con.sql(f"""
        select distinct e.visitor_id, e.item_id
        from events e
        anti join ev_{tag} b on e.visitor_id = b.visitor_id and e.item_id = b.item_id
        where e.event_at > {ts(start)} and e.event_at <= {ts(end)}
    """).df()


def population(con, tag, targets: pd.DataFrame, name: str) -> str:
    """Active visitors at the cutoff with a target: the evaluated (or training) visitors."""
    con.register("targets_df", targets)
    con.execute(f"""
        create or replace temp table {name} as
        select distinct a.visitor_id from active_{tag} a
        join targets_df t using (visitor_id)
    """)
    con.unregister("targets_df")
    return name


def with_global_fill(lists: pd.DataFrame, global_list: pd.DataFrame) -> pd.DataFrame:
    """Fill each visitor's list to DEPTH from their global popularity list (the production
    fallback): strategy rows first, then global rows not already in the list."""
    lists = lists[lists["rank"] <= DEPTH][["visitor_id", "item_id", "rank"]]
    fill = global_list[["visitor_id", "item_id", "rank"]].rename(columns={"rank": "g"})
    fill = fill.merge(lists[["visitor_id", "item_id"]], how="left", indicator=True)
    fill = fill[fill["_merge"] == "left_only"].drop(columns="_merge")
    counts = lists.groupby("visitor_id").size().rename("n_have")
    fill = fill.merge(counts, on="visitor_id", how="left").fillna({"n_have": 0})
    fill = fill.sort_values(["visitor_id", "g"])
    fill["rank"] = fill["n_have"].astype(int) + fill.groupby("visitor_id").cumcount() + 1
    out = pd.concat([lists, fill[["visitor_id", "item_id", "rank"]]], ignore_index=True)
    return out[out["rank"] <= DEPTH]


HITS: dict[tuple[str, str], pd.Series] = {}


def score_lists(name, lists, targets, evaluated, rows, protocol="visitor_time_split"):
    for k in K_VALUES:
        metrics = ranking_metrics(lists, targets, k, evaluated)
        lower, upper = wilson_interval(
            round(metrics["hit_rate_at_k"] * metrics["n_evaluated"]), metrics["n_evaluated"]
        )
        rows.append(
            {
                "protocol": protocol,
                "strategy": name,
                "k": k,
                **metrics,
                "hr_lower": lower[0],
                "hr_upper": upper[0],
            }
        )
    # per evaluated unit: hit in the top 10 (for the paired comparison)
    top = lists[lists["rank"] <= 10].merge(targets, on=["visitor_id", "item_id"])
    hit = pd.Series(False, index=pd.Index(np.unique(evaluated)))
    hit[hit.index.isin(top["visitor_id"])] = True
    HITS[(protocol, name)] = hit


def paired_comparison(table: pd.DataFrame):
    """Re-ranker vs the best single strategy per protocol at k = 10: discordant units and
    an exact McNemar (binomial) p-value."""
    at10 = table[table["k"] == 10]
    for protocol, part in at10.groupby("protocol"):
        singles = part[part["strategy"] != "reranker"]
        for metric in ("hit_rate_at_k", "mrr_at_k"):
            best = singles.sort_values(metric, ascending=False).iloc[0]
            mine = part[part["strategy"] == "reranker"].iloc[0]
            a, b = HITS[(protocol, "reranker")], HITS[(protocol, best["strategy"])]
            only_mine, only_best = int((a & ~b).sum()), int((b & ~a).sum())
            p_value = (
                stats.binomtest(only_mine, only_mine + only_best).pvalue
                if only_mine + only_best
                else 1.0
            )
            print(
                f"{protocol} {metric}@10: reranker {mine[metric]:.4f} vs best single "
                f"{best['strategy']} {best[metric]:.4f}; HR@10 discordant units "
                f"{only_mine} (reranker only) / {only_best} ({best['strategy']} only), "
                f"McNemar exact p = {p_value:.3g}"
            )


# -- session protocol -----------------------------------------------------------------------
def transitions(con, start, end) -> pd.DataFrame:
    """View transitions (item -> next item) of sessions in (start, end] (non-bot visitors,
    consecutive repeats collapsed), as recommendation_evaluation."""
    return con.sql(f"""
        with v as (
            select e.visitor_id, e.session_number, e.visitor_event_number, e.item_id,
                lag(e.item_id) over (partition by e.visitor_id, e.session_number
                    order by e.visitor_event_number) as prev
            from events e join non_bots using (visitor_id)
            where e.event_type = 'view' and e.event_at > {ts(start)} and e.event_at <= {ts(end)}
        ),
        c as (
            select *, lead(item_id) over (partition by visitor_id, session_number
                order by visitor_event_number) as next_item_id
            from v where prev is distinct from item_id
        )
        select visitor_id, session_number, visitor_event_number, item_id, next_item_id
        from c where next_item_id is not null
    """).df()


def session_candidates(con, tag, model, sources: np.ndarray) -> pd.DataFrame:
    """Item-to-item candidates (key = source item_id as visitor_id column 'query_id')."""
    con.register("sources_df", pd.DataFrame({"query_id": sources}))
    parts = [
        con.sql(f"""
            with s as (
                select distinct e.visitor_id, e.session_number, e.item_id
                from ev_{tag} e join inter_{tag} i
                    on e.visitor_id = i.visitor_id and e.item_id = i.item_id
                where e.event_type = 'view'
            ),
            counts as (
                select a.item_id as query_id, b.item_id, count(*) as n
                from s a join sources_df q on a.item_id = q.query_id
                join s b on a.visitor_id = b.visitor_id and a.session_number = b.session_number
                    and a.item_id != b.item_id
                group by 1, 2
            )
            select query_id, item_id, 'association_rules' as generator, n::double as score,
                row_number() over (partition by query_id order by n desc, item_id) as rank,
                query_id as anchor_item_id, n as anchor_count, null::bigint as category_id
            from counts qualify rank <= {M}
        """).df(),
        con.sql(f"""
            select n.item_id as query_id, n.similar_item_id as item_id,
                'item_similarity' as generator, n.similarity as score, n.rank,
                n.item_id as anchor_item_id, n.n_common_visitors as anchor_count,
                null::bigint as category_id
            from sim_{tag} n join sources_df q on n.item_id = q.query_id
            where n.rank <= {M}
        """).df(),
        con.sql(f"""
            select n.item_id as query_id, n.similar_item_id as item_id,
                'co_purchase' as generator, n.similarity as score,
                row_number() over (partition by n.item_id
                    order by n.similarity desc, n.similar_item_id) as rank,
                n.item_id as anchor_item_id, n.n_common as anchor_count,
                null::bigint as category_id
            from pairs_{tag} n join sources_df q on n.item_id = q.query_id
            qualify rank <= {M}
        """).df(),
        con.sql(f"""
            select q.query_id, l.item_id, 'category_popularity' as generator, l.score,
                row_number() over (partition by q.query_id order by l.rank) as rank,
                null::bigint as anchor_item_id, null::bigint as anchor_count, s.category_id
            from sources_df q join state_{tag} s on q.query_id = s.item_id
            join catlist_{tag} l on s.category_id = l.category_id
            where l.item_id != q.query_id
            qualify rank <= {M}
        """).df(),
        con.sql(f"""
            with g as (
                select item_id, score, row_number() over (order by score desc, item_id) as r
                from pop_{tag} qualify r <= {M} + 1
            )
            select q.query_id, g.item_id, 'global_popularity' as generator, g.score,
                row_number() over (partition by q.query_id order by g.r) as rank,
                null::bigint as anchor_item_id, null::bigint as anchor_count,
                null::bigint as category_id
            from sources_df q cross join g where g.item_id != q.query_id
            qualify rank <= {M}
        """).df(),
    ]
    con.unregister("sources_df")
    if model is not None:
        with timed("als_recommend"):
            parts.append(als_item_neighbours(model, sources))
    frame = pd.concat(parts, ignore_index=True)
    for column in ("anchor_item_id", "anchor_count", "category_id"):
        frame[column] = frame[column].astype("Int64")
    return frame.rename(columns={"query_id": "visitor_id"})


def als_item_neighbours(model: als.AlsModel, sources: np.ndarray) -> pd.DataFrame:
    """Cosine neighbours of each source item in ALS item-factor space, as an AlsModel
    whose 'visitors' are the items: recommend() then does the top-N and the ties."""
    norms = np.linalg.norm(model.item_factors, axis=1, keepdims=True)
    unit = (model.item_factors / np.where(norms > 0, norms, 1)).astype(np.float32)
    item_model = als.AlsModel(
        visitor_factors=unit,
        item_factors=unit,
        visitor_ids=model.item_ids,
        item_ids=model.item_ids,
    )
    sources = np.unique(sources)
    self_pairs = pd.DataFrame({"visitor_id": sources, "item_id": sources})
    lists = als.recommend(item_model, sources, M, exclude=self_pairs)
    return lists.rename(columns={"visitor_id": "query_id"}).assign(
        generator="als", anchor_item_id=pd.NA, anchor_count=pd.NA, category_id=pd.NA
    )


SESSION_GENERATORS = ("association_rules", *reranker.GENERATORS)


def session_context(con, tag, wide: pd.DataFrame) -> pd.DataFrame:
    con.register("wide_keys", wide[["visitor_id", "item_id"]])
    features = con.sql(f"""
        select k.visitor_id, k.item_id,
            ln(1 + coalesce(p.score, 0)) as pop_log,
            ln(1 + coalesce(p.score_7d, 0)) as pop_7d_log,
            ln(1 + coalesce(p.score_7d, 0)) - ln(1 + coalesce(p.score_prev_21d, 0) / 3)
                as pop_trend,
            (s.category_id is not distinct from q.category_id and s.category_id is not null)::double
                as same_category,
            coalesce(s.is_available, false)::double as is_available,
            coalesce(ln(s.price / q.price), 0) as price_log_ratio,
            coalesce(abs(ln(s.price / q.price)), 0) as price_abs_log_ratio,
            (s.price is null or q.price is null)::double as price_missing
        from wide_keys k
        left join pop_{tag} p on k.item_id = p.item_id
        left join state_{tag} s on k.item_id = s.item_id
        left join state_{tag} q on k.visitor_id = q.item_id
    """).df()
    con.unregister("wide_keys")
    return wide.merge(features, on=["visitor_id", "item_id"], how="left")


SESSION_CONTEXT = [
    "pop_log",
    "pop_7d_log",
    "pop_trend",
    "same_category",
    "is_available",
    "price_log_ratio",
    "price_abs_log_ratio",
    "price_missing",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--train-cutoffs", type=int, default=3)
    parser.add_argument("--tiers", action="store_true", help="also evaluate per-tier ALS")
    parser.add_argument(
        "--drop-features",
        default="",
        help="comma-separated feature prefixes the re-rankers leave out (ablation), e.g. als_",
    )
    parser.add_argument("--als-min-items", type=int, default=1)
    parser.add_argument(
        "--without-als", action="store_true", help="ablation: no ALS candidates or features"
    )
    args = parser.parse_args()
    global ALS_MIN_ITEMS
    ALS_MIN_ITEMS = args.als_min_items

    total_start = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"attach '{args.db}' as wh (read_only)")
    con.execute("""
        create temp table events as select * from wh.intermediate.int_events_enriched;
        create temp table props as select * from wh.staging.stg_retailrocket__item_properties;
        create temp table paths as select * from wh.intermediate.int_category_paths;
        create temp table weights as select * from wh.staging.event_type_weights;
        create temp table tiers as select * from wh.intermediate.int_customer_value_tiers;
        create temp table non_bots as
            select visitor_id from events group by 1
            having count(distinct item_id) <= 300;
    """)
    as_of = con.sql("select max(event_at) from events").fetchall()[0][0]
    train_end = pd.Timestamp(as_of) - pd.Timedelta(days=TEST_DAYS)
    print(f"as_of {as_of}  train_end {train_end}")

    # ALS hyper-parameters on the last training week (never the test window)
    with timed("als_search"):
        training = con.sql(
            f"select visitor_id, item_id, event_type, event_at from events "
            f"where event_at <= {ts(train_end)}"
        ).df()
        best, grid_scores = als.search_hyperparameters(
            training,
            train_end,
            TEST_DAYS,
            k=10,
            max_items_per_visitor=MAX_ITEMS,
            min_items_per_visitor=ALS_MIN_ITEMS,
        )
    print("ALS grid (validation = last training week):")
    print(grid_scores.to_string(index=False))
    print("chosen:", best)

    # ---- visitor protocol --------------------------------------------------------------
    train_frames, session_train = [], []
    for j in range(1, args.train_cutoffs + 1):
        cutoff = train_end - pd.Timedelta(days=TEST_DAYS * j)
        tag = f"t{j}"
        with timed("train_generators"):
            model = build_cutoff(con, tag, cutoff, sim_k=M, als_params=best)
        label_end = cutoff + pd.Timedelta(days=TEST_DAYS)
        targets = new_targets(con, tag, cutoff, label_end)
        pop = population(con, tag, targets, f"pop_visitors_{tag}")
        with timed("train_features"):
            cands = visitor_candidates(con, tag, None if args.without_als else model, pop)
            wide = reranker.candidate_features(cands)
            wide = context_features(con, tag, cutoff, wide)
        wide = wide.merge(targets.assign(label=1), how="left").fillna({"label": 0})
        wide["cutoff"] = j
        train_frames.append(wide)
        # session training rows: transitions of the week after this cutoff
        with timed("train_features"):
            trans = transitions(con, cutoff, label_end)
            scands = session_candidates(
                con, tag, None if args.without_als else model, trans["item_id"].unique()
            )
            swide = reranker.candidate_features(scands, generators=SESSION_GENERATORS)
            swide = session_context(con, tag, swide)
            labelled = trans.rename(columns={"item_id": "visitor_id_src"})
            pairs = (
                labelled.groupby(["visitor_id_src", "next_item_id"]).size().rename("n_next")
            ).reset_index()
            n_src = labelled.groupby("visitor_id_src").size().rename("n_src").reset_index()
            swide = swide.merge(
                pairs.rename(columns={"visitor_id_src": "visitor_id", "next_item_id": "item_id"}),
                how="left",
            ).merge(n_src.rename(columns={"visitor_id_src": "visitor_id"}), how="inner")
            swide["n_next"] = swide["n_next"].fillna(0)
        session_train.append(swide)
        print(
            f"train cutoff {cutoff}: {len(wide)} visitor rows "
            f"({int(wide['label'].sum())} positive), {len(swide)} session rows"
        )

    tag = "ev"
    with timed("eval_generators"):
        model = build_cutoff(con, tag, train_end, sim_k=M, als_params=best)
    test_targets = new_targets(con, tag, train_end, as_of)
    pop = population(con, tag, test_targets, "pop_visitors_ev")
    evaluated = con.sql("select visitor_id from pop_visitors_ev").fetchnumpy()["visitor_id"]
    with timed("eval_features"):
        cands = visitor_candidates(con, tag, None if args.without_als else model, pop)
        wide = reranker.candidate_features(cands)
        wide = context_features(con, tag, train_end, wide)

    rows = []
    global_list = cands[cands["generator"] == "global_popularity"]
    for generator in reranker.GENERATORS:
        part = cands[cands["generator"] == generator]
        # production ranks category lists by (source_level, score); ALS etc. by score
        score_lists(generator, with_global_fill(part, global_list), test_targets, evaluated, rows)
    # hybrid: 0.75 x normalised similarity + 0.25 x normalised category score
    hybrid = wide.assign(
        hscore=np.round(
            0.75 * wide["item_similarity_score"] + 0.25 * wide["category_popularity_score"], 12
        )
    )
    hybrid = hybrid[
        (hybrid["item_similarity_missing"] == 0) | (hybrid["category_popularity_missing"] == 0)
    ]
    hybrid = hybrid.sort_values(["visitor_id", "hscore", "item_id"], ascending=[True, False, True])
    hybrid["rank"] = hybrid.groupby("visitor_id").cumcount() + 1
    score_lists("hybrid", with_global_fill(hybrid, global_list), test_targets, evaluated, rows)

    if args.tiers:
        with timed("als_tiers"):
            ev = con.sql(f"select visitor_id, item_id, event_type from ev_{tag}").df()
            tiers = con.sql("select visitor_id, value_tier from tiers").df()
            models = als.fit_per_tier(
                ev,
                tiers,
                best,
                max_items_per_visitor=MAX_ITEMS,
                min_items_per_visitor=ALS_MIN_ITEMS,
            )
            bought = con.sql(f"select visitor_id, item_id from vi_{tag} where is_bought").df()
            tl = als.recommend_per_tier(models, tiers, evaluated, DEPTH + 50, exclude=bought)
            unavailable = con.sql(f"select item_id from unavailable_{tag}").fetchnumpy()
            tl = tl[~tl["item_id"].isin(unavailable["item_id"])].sort_values(["visitor_id", "rank"])
            tl["rank"] = tl.groupby("visitor_id").cumcount() + 1
        score_lists(
            "als_per_tier", with_global_fill(tl, global_list), test_targets, evaluated, rows
        )

    dropped = tuple(p for p in args.drop_features.split(",") if p) + (
        ("als_",) if args.without_als else ()
    )

    def keep(columns):
        return [c for c in columns if not c.startswith(dropped)] if dropped else columns

    features = keep(reranker.generator_feature_columns() + CONTEXT_FEATURES)
    train = pd.concat(train_frames, ignore_index=True)
    with timed("reranker_fit"):
        ranker = reranker.fit(train, "label", features, c=1.0)
    with timed("reranker_apply"):
        reranked = reranker.rerank(ranker, wide, DEPTH)
        reranked["reason"] = reranker.reasons(ranker, reranked)
    score_lists("reranker", with_global_fill(reranked, global_list), test_targets, evaluated, rows)

    # ---- session protocol --------------------------------------------------------------
    test_trans = transitions(con, train_end, as_of)
    with timed("eval_features"):
        scands = session_candidates(
            con, tag, None if args.without_als else model, test_trans["item_id"].unique()
        )
        swide = reranker.candidate_features(scands, generators=SESSION_GENERATORS)
        swide = session_context(con, tag, swide)
    trans_keys = test_trans.reset_index(drop=True)
    trans_keys["tid"] = np.arange(len(trans_keys))
    strans_targets = trans_keys[["tid", "next_item_id"]].rename(
        columns={"tid": "visitor_id", "next_item_id": "item_id"}
    )

    def session_score(name, item_lists):
        expanded = trans_keys[["tid", "item_id"]].merge(
            item_lists.rename(columns={"visitor_id": "item_id", "item_id": "pred"}),
            on="item_id",
        )
        lists = expanded.rename(columns={"tid": "visitor_id"})[["visitor_id", "pred", "rank"]]
        lists = lists.rename(columns={"pred": "item_id"})
        score_lists(
            name,
            lists,
            strans_targets,
            trans_keys["tid"].to_numpy(),
            rows,
            protocol="session_next_item",
        )

    for generator in SESSION_GENERATORS:
        part = scands[scands["generator"] == generator][["visitor_id", "item_id", "rank"]]
        session_score(generator, part[part["rank"] <= DEPTH])
    strain = pd.concat(session_train, ignore_index=True)
    # one row per (source, candidate) weighted by how often the source was followed by it
    strain_pos = strain[strain["n_next"] > 0].assign(label=1, weight=lambda f: f["n_next"])
    strain_neg = strain.assign(label=0, weight=lambda f: f["n_src"] - f["n_next"])
    strain_neg = strain_neg[strain_neg["weight"] > 0]
    sfeatures = keep(reranker.generator_feature_columns(SESSION_GENERATORS) + SESSION_CONTEXT)
    stacked = pd.concat([strain_pos, strain_neg], ignore_index=True)
    with timed("reranker_fit"):
        sranker = reranker.fit(stacked, "label", sfeatures, weight="weight")
    with timed("reranker_apply"):
        sreranked = reranker.rerank(sranker, swide, DEPTH)
    session_score("reranker", sreranked[["visitor_id", "item_id", "rank"]])

    table = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print(table[table["k"] == 10].drop(columns="k").round(4).to_string(index=False))
    print(table.round(4).to_string(index=False))
    paired_comparison(table)
    print("visitor re-ranker coefficients:")
    print(ranker.coefficients.round(3).sort_values().to_string())
    print("session re-ranker coefficients:")
    print(sranker.coefficients.round(3).sort_values().to_string())
    print(reranked[["visitor_id", "item_id", "rank", "probability", "reason"]].head(12))
    print(reranked["reason"].str.replace(r"\d+", "N", regex=True).value_counts().head(8))
    TIMINGS["total"] = time.perf_counter() - total_start
    CPU_TIMINGS["total"] = time.process_time()
    print("wall s:", {k: round(v, 2) for k, v in TIMINGS.items()})
    print("cpu s:", {k: round(v, 2) for k, v in CPU_TIMINGS.items()})


if __name__ == "__main__":
    main()
