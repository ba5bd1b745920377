"""(b)+(c) dbt runs on fresh DuckDB files, the marts checked against the baselines, and
(e) item similarity against implicit. Only mart names are known here (CORE_MARTS,
`item_similarity`); everything else (the models behind a mart, their layer, the
similarity's input) is read from dbt's manifest.json, so model changes need no edit.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse

from harness import BenchError, check, run_measured

# mart -> (key columns, compared columns): the five core marts of SPEC §4/§5
CORE_MARTS = {
    "sessions": (
        ("visitor_id", "session_number"),
        ("n_events", "n_views", "n_addtocarts", "n_transactions", "n_distinct_items"),
    ),
    "funnel": (("stage",), ("n_visitors", "n_sessions")),
    "item_conversion": (
        ("item_id",),
        ("n_views", "n_addtocarts", "n_transactions", "n_visitors", "n_carters", "n_buyers")
        + ("category_id",),
    ),
    "bought_together": (("item_a", "item_b"), ("n_baskets", "lift")),
    "customer_churn": (("visitor_id",), ("is_churned", "n_orders")),
}
OK = ("success", "pass", "no-op")


class Dbt:
    def __init__(self, repo: Path, raw_dir: Path, work: Path) -> None:
        self.repo, self.work, self.db = repo, work, work / "warehouse.duckdb"
        self.target = work / "target"
        self.env = {
            "ROCKETMART_RAW_DIR": str(raw_dir.resolve()),
            "ROCKETMART_DB": str(self.db.resolve()),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def __call__(self, log: str, *args: str, seed: bool = True):
        """A timed dbt command on a fresh database file (after an untimed `dbt seed`)."""
        self.work.mkdir(parents=True, exist_ok=True)
        for stale in (self.db, self.db.with_name(self.db.name + ".wal")):
            stale.unlink(missing_ok=True)
        if seed:
            check(self(f"{log}-seed", "seed", seed=False), "dbt seed")
        paths = ["--project-dir", self.repo, "--profiles-dir", self.repo, "--target-path"]
        cmd = [Path(sys.executable).with_name("dbt"), *args, *paths, self.target]
        cmd += ["--log-path", self.work]
        return run_measured(list(map(str, cmd)), self.work / f"{log}.log", self.env, self.repo)

    def manifest(self) -> dict:
        return json.loads((self.target / "manifest.json").read_text())["nodes"]

    def nodes(self) -> dict:
        """name -> type, status, seconds, language, path, relation, parents, execute span."""
        results = json.loads((self.target / "run_results.json").read_text())["results"]
        manifest, out = self.manifest(), {}
        for result in results:
            node = manifest.get(result["unique_id"], {})
            span = [t for t in result["timing"] if t["name"] == "execute"] or [{}]
            out[node.get("name", result["unique_id"].split(".", 2)[-1])] = {
                "type": result["unique_id"].split(".")[0],
                "status": result["status"],
                "seconds": result["execution_time"] or 0.0,
                "language": node.get("language"),
                "path": node.get("original_file_path", ""),
                "relation": f"{node.get('schema')}.{node.get('alias')}",
                "parents": [p.split(".")[-1] for p in node.get("depends_on", {}).get("nodes", [])],
                "span": [_epoch(span[0].get(k)) for k in ("started_at", "completed_at")],
            }
        return out

    def mart_sql_seconds(self, marts) -> dict[str, float]:
        """Each mart's compiled SQL alone (`create table ... as`) on the last warehouse: the
        engine's time for the metric without dbt's fixed cost per model."""
        models = [n for n in self.manifest().values() if n["resource_type"] == "model"]
        paths = {n["name"]: n["original_file_path"] for n in models}
        out = {}
        with duckdb.connect(str(self.db)) as con:  # the settings of profiles.yml
            con.execute("set preserve_insertion_order = false")
            con.execute(f"set memory_limit = '{os.environ.get('ROCKETMART_MEMORY_LIMIT', '1GB')}'")
            for mart in marts:
                sql = (self.target / "compiled" / "rocketmart" / paths[mart]).read_text()
                started = time.perf_counter()
                con.execute(f"create or replace table main.bench_mart_sql as {sql}")
                out[mart] = time.perf_counter() - started
            con.execute("drop table if exists main.bench_mart_sql")
        return out


def _epoch(stamp: str | None) -> float:
    return pd.Timestamp(stamp).timestamp() if stamp else 0.0


def closure(nodes: dict, names) -> list[str]:
    """The given models and every model they depend on."""
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name in nodes and nodes[name]["type"] == "model" and name not in seen:
            seen.add(name)
            todo.extend(nodes[name]["parents"])
    return sorted(seen)


def compare(warehouse: Path, baseline: Path) -> dict:
    """Each core mart against the baseline's table of the same name: rows missing on either
    side, and matched rows with any compared column different (floats to 1e-9 relative)."""
    out = {}
    with duckdb.connect() as con:
        con.execute(
            f"attach '{warehouse}' as wh (read_only); attach '{baseline}' as bl (read_only)"
        )
        for mart, (keys, values) in CORE_MARTS.items():
            k, doubles = keys[0], [(f"m.{v}::double", f"b.{v}::double") for v in values]
            same = " and ".join(
                f"coalesce({m} is not distinct from {b} or abs({m} - {b}) <= 1e-9 * abs({b}),"
                " false)"
                for m, b in doubles
            )
            try:
                rows, only_base, only_mart, differ = con.execute(f"""
                    select count(m.{k}), count(*) filter (where m.{k} is null),
                        count(*) filter (where b.{k} is null),
                        count(*) filter (where m.{k} is not null and b.{k} is not null
                            and not ({same}))
                    from wh.marts.{mart} as m full join bl.main.{mart} as b
                    on {" and ".join(f"m.{c} = b.{c}" for c in keys)}""").fetchone()
            except duckdb.Error as exc:
                out[mart] = f"error: {str(exc).splitlines()[0]}"
                continue
            out[mart] = (
                f"equal ({rows:,} rows)"
                if not only_base + only_mart + differ
                else f"differs: {only_base:,} rows only in the baseline, {only_mart:,} only in "
                f"the mart, {differ:,} with different values"
            )
    return out


def binary_matrix(visitors: np.ndarray, items: np.ndarray):
    """implicit's input: CSR visitor x item of ones, items with >= 2 visitors."""
    item_keys, col = np.unique(items, return_inverse=True)
    row = np.unique(visitors, return_inverse=True)[1]
    matrix = sparse.csr_matrix((np.ones(col.size, np.float32), (row, col)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    kept = np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() >= 2)
    return matrix[:, kept].tocsr(), item_keys[kept]


def implicit_fit(model, matrix):
    with warnings.catch_warnings():  # implicit converts its own normalised COO to CSR
        warnings.simplefilter("ignore")
        model.fit(matrix, show_progress=False)
    return model


def similarity_input(warehouse: Path, nodes: dict) -> tuple[str, pd.DataFrame]:
    """The distinct (visitor, item) pairs of the nearest model upstream of `item_similarity`
    with visitor_id and item_id (its production rows when it is keyed by cutoff_name)."""
    todo = list(nodes["item_similarity"]["parents"])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        while todo:
            name = todo.pop(0)
            relation = nodes.get(name, {}).get("relation", "")
            columns = {c[0] for c in con.sql(f"describe {relation}").fetchall()} if relation else {}
            if {"visitor_id", "item_id"} <= columns:
                where = "where cutoff_name = 'production'" if "cutoff_name" in columns else ""
                sql = f"select distinct visitor_id, item_id from {relation} {where}"
                return relation, con.execute(sql).df()
            todo += nodes.get(name, {}).get("parents", [])
    raise BenchError("no model upstream of item_similarity has visitor_id and item_id")


def similarity(warehouse: Path, nodes: dict, k: int, reps: int) -> dict:
    """`top_k_cosine` against implicit's CosineRecommender on the input of `item_similarity`.

    implicit counts the item itself among its K neighbours (fitted with K = k + 1, self pair
    dropped) and keeps pairs with one common visitor, so the overlap is measured against
    top_k_cosine(min_common_visitors=1); the production setting (>= 2) is timed too.
    """
    from implicit.nearest_neighbours import CosineRecommender

    from rocketmart.similarity import top_k_cosine

    relation, pairs = similarity_input(warehouse, nodes)
    visitors, items = pairs["visitor_id"].to_numpy(), pairs["item_id"].to_numpy()
    times = {"project": [], "project_min_common_1": [], "implicit_matrix": [], "implicit_fit": []}
    for _ in range(reps):
        _, t1 = timed(top_k_cosine, visitors, items, k=k)
        ours, t2 = timed(top_k_cosine, visitors, items, k=k, min_common_visitors=1)
        (matrix, item_keys), t3 = timed(binary_matrix, visitors, items)
        model, t4 = timed(implicit_fit, CosineRecommender(K=k + 1), matrix)
        for key, seconds in zip(times, (t1, t2, t3, t4), strict=True):
            times[key].append(seconds)
        print(f"[e] similarity: project {t1:.2f} s, implicit {t3:.2f} + {t4:.2f} s", flush=True)
    sim = model.similarity.tocoo()
    theirs = pd.DataFrame({"item_id": item_keys[sim.row], "similar_item_id": item_keys[sim.col],
                           "similarity": sim.data.astype("float64")})  # fmt: skip
    theirs = theirs[theirs["item_id"] != theirs["similar_item_id"]]
    theirs = theirs.sort_values(["item_id", "similarity"], ascending=[True, False])
    theirs = theirs[theirs.groupby("item_id").cumcount() < k]
    return {"input": relation, "k": k, "n_pairs": len(pairs), "shape": list(matrix.shape),
            "nnz": int(matrix.nnz), "times": times,
            **overlap(ours[ours["rank"] <= k], theirs, k)}  # fmt: skip


def timed(func, *args, **kwargs):
    started = time.perf_counter()
    return func(*args, **kwargs), time.perf_counter() - started


def overlap(mine: pd.DataFrame, theirs: pd.DataFrame, k: int) -> dict:
    """Share of the project's neighbours found in implicit's lists, exact and tie-aware: a
    miss counts as matched when implicit's list is full and ends on the same similarity
    (implicit breaks ties arbitrarily, the project by item id)."""
    found = mine.merge(theirs[["item_id", "similar_item_id"]], how="left", indicator=True)
    found = (found["_merge"] == "both").to_numpy()
    per_item = theirs.groupby("item_id")["similarity"].agg(["min", "size"])
    ctx = mine.join(per_item, on="item_id").join(
        mine.groupby("item_id").size().rename("n"), on="item_id"
    )
    full = ctx["size"].to_numpy() >= np.minimum(k, ctx["n"].to_numpy())
    tied = np.isclose(ctx["similarity"], ctx["min"].astype("float64"), rtol=1e-5, atol=1e-7)
    return {
        "n_neighbours": len(mine),
        "n_items": int(mine["item_id"].nunique()),
        "exact": float(found.mean()),
        "tie_aware": float((found | (tied & full)).mean()),
    }
