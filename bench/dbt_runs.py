"""Commands timed with the peak memory of their process tree, (b)+(c) dbt runs on fresh files,
the marts checked against the baselines, (e) item similarity against implicit. Only mart names
are known here; the models behind them and the similarity's input come from dbt's manifest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import warnings
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import psutil
from scipy import sparse

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
OK, SPAN = ("success", "pass", "no-op"), ("started_at", "completed_at")
TYPE_COUNTS = "n_views n_addtocarts n_transactions"
CORE_MARTS = {  # mart -> (key columns, compared columns): the five core marts of SPEC §4/§5
    "sessions": ("visitor_id session_number", f"n_events {TYPE_COUNTS} n_distinct_items"),
    "funnel": ("stage", "n_visitors n_sessions"),
    "item_conversion": ("item_id", f"{TYPE_COUNTS} n_visitors n_carters n_buyers category_id"),
    "bought_together": ("item_a item_b", "n_baskets lift"),
    "customer_churn": ("visitor_id", "is_churned n_orders"),
}


def fresh(db: Path) -> Path:
    """``db`` without its file (nor its write-ahead log): the next connection starts empty."""
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    return db


class BenchError(Exception):
    """A failed step (command, missing input): printed as one line plus the log's tail."""


class Timer(dict):
    """Named samples, one list each: ``timer.add(name, value)``; ``with timer(name):`` times."""

    def add(self, name: str, value) -> None:
        self.setdefault(name, []).append(value)

    @contextmanager
    def __call__(self, name: str):
        started = time.perf_counter()
        yield
        self.add(name, time.perf_counter() - started)


def run_measured(cmd: list, log: Path, env: dict | None, what: str = "") -> dict:
    """Run ``cmd`` (output to ``log``): returncode, seconds, peak_mb (the larger of the process
    tree's summed RSS polled every 50 ms, an upper bound as a fork shows its parent's pages
    again, and the kernel's high-water mark from GNU time, not this process's wait4, which
    counts this process at fork), peak_at (epoch s); raises naming ``what`` if it failed."""
    maxrss, peak = log.with_suffix(".maxrss"), {"peak_mb": 0.0, "peak_at": 0.0}
    maxrss.unlink(missing_ok=True)
    cmd = [GNU_TIME, "-f", "%M", "-o", maxrss, *cmd] if GNU_TIME else cmd

    def poll() -> None:  # until the command ends (Popen.poll and wait share a lock)
        while proc.poll() is None:
            with suppress(psutil.Error):  # a process ended since it was listed: no sample
                sample = sum(p.memory_info().rss for p in [root, *root.children(True)]) / 2**20
                if sample > peak["peak_mb"]:
                    peak.update(peak_mb=sample, peak_at=time.time())
            time.sleep(0.05)

    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        started, poller = time.perf_counter(), threading.Thread(target=poll, daemon=True)
        proc = subprocess.Popen(list(map(str, cmd)), stdout=out, stderr=subprocess.STDOUT, env=env)
        root = psutil.Process(proc.pid)  # not reaped before proc.wait(): it exists
        poller.start()
        proc.wait()
        seconds = time.perf_counter() - started
        poller.join()
    kernel = [int(x) for x in maxrss.read_text().split() if x.isdigit()] if maxrss.exists() else [0]
    peak["peak_mb"] = max(peak["peak_mb"], kernel[-1] / 1024)
    if what and proc.returncode:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise BenchError(f"{what} failed (exit {proc.returncode}):\n{tail}")
    return {"returncode": proc.returncode, "seconds": seconds, **peak}


class Dbt:
    """dbt commands on one dataset, each on a fresh DuckDB file in ``work``."""

    def __init__(self, repo: Path, raw_dir: Path, work: Path) -> None:
        self.repo, self.work, self.target = repo, work, work / "target"
        self.db = work / "warehouse.duckdb"
        self.env = os.environ | {"ROCKETMART_RAW_DIR": str(raw_dir), "ROCKETMART_DB": str(self.db)}
        self.env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"

    def __call__(self, log: str, *args: str, seed: bool = False, what: str = "") -> dict:
        """A timed dbt command on a fresh database file (after an untimed `dbt seed`)."""
        fresh(self.db)
        if seed:
            self(f"{log}-seed", "seed", what="dbt seed")
        cmd = [Path(sys.executable).with_name("dbt"), *args, "--project-dir", self.repo]
        cmd += ["--profiles-dir", self.repo, "--target-path", self.target, "--log-path", self.work]
        return run_measured(cmd, self.work / f"{log}.log", self.env, what)

    def nodes(self) -> dict:
        """name -> type, status, seconds, language, path, relation, parents, execute span."""
        manifest = json.loads((self.target / "manifest.json").read_text())["nodes"]
        out = {}
        for result in json.loads((self.target / "run_results.json").read_text())["results"]:
            uid = result["unique_id"]
            node = manifest.get(uid, {})
            run = next((t for t in result["timing"] if t["name"] == "execute"), {})
            out[node.get("name", uid.split(".", 2)[-1])] = {
                "type": uid.split(".")[0],
                "status": result["status"],
                "seconds": result["execution_time"] or 0.0,
                "language": node.get("language"),
                "path": node.get("original_file_path", ""),
                "relation": f"{node.get('schema')}.{node.get('alias')}",
                "parents": [p.split(".")[-1] for p in node.get("depends_on", {}).get("nodes", [])],
                "span": [pd.Timestamp(run.get(k) or 0).timestamp() for k in SPAN],
            }
        return out

    def sql_alone(self, nodes: dict, marts, timer: Timer) -> None:
        """Each mart's compiled SQL alone (`create table ... as`) on the last warehouse: the
        engine's time for the metric without dbt's fixed cost per model."""
        with duckdb.connect(str(self.db)) as con:  # the settings of profiles.yml
            con.execute("set preserve_insertion_order = false")
            con.execute(f"set memory_limit = '{os.environ.get('ROCKETMART_MEMORY_LIMIT', '1GB')}'")
            for mart in marts:
                sql = (self.target / "compiled" / "rocketmart" / nodes[mart]["path"]).read_text()
                with timer(mart):
                    con.execute(f"create or replace table main.bench_mart_sql as {sql}")


def closure(nodes: dict, names) -> list[str]:
    """The given models and every model they depend on."""
    todo, seen = list(names), set()
    while todo:
        if nodes.get(name := todo.pop(), {}).get("type") == "model" and name not in seen:
            seen.add(name)
            todo.extend(nodes[name]["parents"])
    return sorted(seen)


def compare(warehouse: Path, baseline: Path) -> dict:
    """Each core mart against the baseline's table of the same name: rows missing on either
    side, and matched rows with any compared column different (floats to 1e-9 relative)."""
    out, same = {}, "coalesce(x is not distinct from y or abs(x - y) <= 1e-9 * abs(y), false)"
    with duckdb.connect() as con:
        con.execute(f"attach '{warehouse}' as wh (read_only); create macro same(x, y) as {same}")
        con.execute(f"attach '{baseline}' as bl (read_only)")
        for mart, (keys, values) in CORE_MARTS.items():
            k, on = keys.split()[0], " and ".join(f"m.{c} = b.{c}" for c in keys.split())
            same = " and ".join(f"same(m.{v}::double, b.{v}::double)" for v in values.split())
            try:
                rows, only_base, only_mart, differ = con.execute(f"""
                    select count(m.{k}), count(*) filter (where m.{k} is null),
                        count(*) filter (where b.{k} is null),
                        count(*) filter (where m.{k} is not null and b.{k} is not null
                            and not ({same}))
                    from wh.marts.{mart} as m full join bl.main.{mart} as b on {on}""").fetchone()
            except duckdb.Error as exc:
                out[mart] = f"error: {str(exc).splitlines()[0]}"
                continue
            bad = f"{only_base:,} rows only in the baseline, {only_mart:,} only in the mart"
            bad += f", {differ:,} with different values"
            out[mart] = (
                f"differs: {bad}" if only_base + only_mart + differ else f"equal ({rows:,} rows)"
            )
    return out


def similarity(warehouse: Path, nodes: dict, k: int, reps: int) -> dict:
    """`top_k_cosine` against implicit's CosineRecommender on the input of `item_similarity`:
    implicit counts the item itself (K = k + 1, self pair dropped) and keeps pairs with one
    common visitor, so the overlap is with min_common_visitors=1 (the production >= 2 is timed
    too); tie-aware, a miss counts when implicit's full list ends on the same similarity."""
    from implicit.nearest_neighbours import CosineRecommender

    from rocketmart.similarity import top_k_cosine

    todo = list(nodes["item_similarity"]["parents"])  # the nearest model upstream with the pairs
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name in todo:  # todo grows while it is read: breadth first
            relation = nodes.get(name, {}).get("relation")
            columns = {c[0] for c in con.sql(f"describe {relation}").fetchall()} if relation else {}
            if {"visitor_id", "item_id"} <= columns:
                break
            todo += nodes.get(name, {}).get("parents", [])
        else:
            raise BenchError("no model upstream of item_similarity has visitor_id and item_id")
        where = "where cutoff_name = 'production'" if "cutoff_name" in columns else ""
        pairs = con.execute(f"select distinct visitor_id, item_id from {relation} {where}").df()
    visitors, items, times = pairs["visitor_id"].to_numpy(), pairs["item_id"].to_numpy(), Timer()
    for _ in range(reps):
        with times("project"):
            top_k_cosine(visitors, items, k=k)
        with times("project_min_common_1"):
            mine = top_k_cosine(visitors, items, k=k, min_common_visitors=1)
        with times("implicit_matrix"):  # CSR visitor x item of ones, items with >= 2 visitors
            item_keys, col = np.unique(items, return_inverse=True)
            row = np.unique(visitors, return_inverse=True)[1]
            matrix = sparse.csr_matrix((np.ones(col.size, np.float32), (row, col)))
            matrix.sum_duplicates()
            matrix.data[:] = 1.0
            kept = np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() >= 2)
            matrix, item_keys = matrix[:, kept].tocsr(), item_keys[kept]
        with times("implicit_fit"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # implicit converts its own normalised COO to CSR
            (model := CosineRecommender(K=k + 1)).fit(matrix, show_progress=False)
        print("[e] similarity:", ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()))
    sim = model.similarity.tocoo()
    theirs = pd.DataFrame({"item_id": item_keys[sim.row], "similar_item_id": item_keys[sim.col]})
    theirs["similarity"] = sim.data
    theirs = theirs[theirs["item_id"] != theirs["similar_item_id"]]
    theirs = theirs.sort_values(["item_id", "similarity"], ascending=[True, False])
    theirs = theirs[theirs.groupby("item_id").cumcount() < k]
    mine = mine[mine["rank"] <= k]
    found = mine.merge(theirs[["item_id", "similar_item_id"]], how="left", indicator=True)
    found = (found["_merge"] == "both").to_numpy()
    ctx = mine.join(theirs.groupby("item_id")["similarity"].agg(["min", "size"]), on="item_id")
    ctx = ctx.join(mine.groupby("item_id").size().rename("n"), on="item_id")
    full = ctx["size"].to_numpy() >= np.minimum(k, ctx["n"].to_numpy())
    tied = np.isclose(ctx["similarity"], ctx["min"].astype("float64"), rtol=1e-5, atol=1e-7)
    figures = {"input": relation, "k": k, "n_pairs": len(pairs), "times": times}
    figures |= {"shape": list(matrix.shape), "nnz": int(matrix.nnz), "n_neighbours": len(mine)}
    figures |= {"n_items": int(mine["item_id"].nunique()), "exact": float(found.mean())}
    return figures | {"tie_aware": float((found | (tied & full)).mean())}
