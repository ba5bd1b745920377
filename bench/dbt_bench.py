"""(b) + (c) The dbt build: wall time, models-only time, per-model times, peak memory.

Every repetition builds into a fresh DuckDB file. ``dbt build`` runs with its own
``--target-path`` under the cache, so ``run_results.json`` (per-node timings) and
``manifest.json`` (language and folder of each model) are read from there. The models-only
time is taken two ways: the sum of model execution times inside the build, and the wall
time of a separate ``dbt run`` (after an untimed ``dbt seed``) on a fresh file.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb

from harness import POLL_SECONDS, BenchError, Stats, run_measured, tail

POLL_SLACK = 2 * POLL_SECONDS
# exposures and other nodes with nothing to run report "no-op"
OK_STATUSES = ("success", "pass", "no-op")


def dbt_executable() -> str:
    exe = Path(sys.executable).with_name("dbt")
    if not exe.exists():
        raise BenchError(f"{exe} not found: run `make setup` first")
    return str(exe)


class DbtRunner:
    def __init__(self, repo: Path, raw_dir: Path, work: Path) -> None:
        self.repo = repo
        self.raw_dir = raw_dir
        self.work = work
        self.db = work / "warehouse.duckdb"
        self.target = work / "target"
        self.logs = work / "logs"
        self.env = {
            "ROCKETMART_RAW_DIR": str(raw_dir.resolve()),
            "ROCKETMART_DB": str(self.db.resolve()),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def fresh_db(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        for stale in (self.db, self.db.with_name(self.db.name + ".wal")):
            stale.unlink(missing_ok=True)

    def command(self, verb: str, extra: tuple[str, ...] = ()) -> list[str]:
        return [
            dbt_executable(),
            verb,
            "--profiles-dir",
            str(self.repo),
            "--project-dir",
            str(self.repo),
            "--target-path",
            str(self.target.resolve()),
            "--log-path",
            str(self.logs.resolve()),
            *extra,
        ]

    def run(self, verb: str, log_name: str, extra: tuple[str, ...] = ()):
        return run_measured(
            self.command(verb, extra), self.work / log_name, env=self.env, cwd=self.repo
        )


def _parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_run_results(target: Path) -> dict:
    """Per-node status and times, with the language and folder of each model."""
    results = json.loads((target / "run_results.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = manifest.get("nodes", {})
    parsed = {}
    for result in results["results"]:
        uid = result["unique_id"]
        node = nodes.get(uid, {})
        execute = [t for t in result.get("timing", []) if t.get("name") == "execute"]
        parsed[uid] = {
            "resource_type": uid.split(".", 1)[0],
            "name": uid.split(".")[-1] if uid.startswith("model.") else uid.split(".", 2)[-1],
            "status": result["status"],
            "seconds": float(result.get("execution_time") or 0.0),
            "language": node.get("language", "sql"),
            "path": node.get("original_file_path", ""),
            "started_at": execute[0]["started_at"] if execute else None,
            "completed_at": execute[0]["completed_at"] if execute else None,
            "message": result.get("message"),
            "depends_on": node.get("depends_on", {}).get("nodes", []),
        }
    return parsed


def ancestors(nodes: dict, names: list[str]) -> set[str]:
    """Names of the given models and of every model they depend on (seeds excluded)."""
    by_name = {n["name"]: uid for uid, n in nodes.items() if n["resource_type"] == "model"}
    todo = [by_name[name] for name in names if name in by_name]
    seen: set[str] = set()
    while todo:
        uid = todo.pop()
        if uid in seen or uid not in nodes:
            continue
        seen.add(uid)
        todo.extend(d for d in nodes[uid].get("depends_on", []) if d.startswith("model."))
    return {nodes[uid]["name"] for uid in seen}


def running_at(nodes: dict, epoch_seconds: float) -> list[str]:
    """Names of the nodes whose execute phase spans the given moment (the memory peak)."""
    if not epoch_seconds:
        return []
    names = []
    for node in nodes.values():
        if node["started_at"] and node["completed_at"]:
            start = _parse_ts(node["started_at"]).timestamp()
            end = _parse_ts(node["completed_at"]).timestamp()
            if start - POLL_SLACK <= epoch_seconds <= end + POLL_SLACK:
                names.append(node["name"])
    return sorted(names)


def summarise(nodes: dict) -> dict:
    models = {uid: n for uid, n in nodes.items() if n["resource_type"] == "model"}
    spans = [
        (_parse_ts(n["started_at"]), _parse_ts(n["completed_at"]))
        for n in models.values()
        if n["started_at"] and n["completed_at"]
    ]
    span = (max(e for _, e in spans) - min(s for s, _ in spans)).total_seconds() if spans else 0.0
    by_type: dict[str, float] = {}
    for n in nodes.values():
        by_type[n["resource_type"]] = by_type.get(n["resource_type"], 0.0) + n["seconds"]
    return {
        "models_sum": sum(n["seconds"] for n in models.values()),
        "sql_models_sum": sum(n["seconds"] for n in models.values() if n["language"] == "sql"),
        "python_models_sum": sum(
            n["seconds"] for n in models.values() if n["language"] == "python"
        ),
        "models_span": span,
        "by_resource_type": by_type,
        "n_nodes": len(nodes),
        "n_models": len(models),
        "failed": sorted(uid for uid, n in nodes.items() if n["status"] not in OK_STATUSES),
    }


def measure_build(runner: DbtRunner, reps: int) -> dict:
    wall, peak, models_sum, sql_sum, py_sum, span = (Stats() for _ in range(6))
    per_node: dict[str, list[float]] = {}
    last_nodes: dict = {}
    failures: list[str] = []
    peak_nodes: list[list[str]] = []
    for rep in range(1, reps + 1):
        runner.fresh_db()
        measured = runner.run("build", f"dbt-build-{rep}.log")
        if not (runner.target / "run_results.json").exists():
            raise BenchError(f"dbt build wrote no run_results.json:\n{tail(measured.log_path)}")
        shutil.copy(runner.target / "run_results.json", runner.work / f"run_results-{rep}.json")
        nodes = parse_run_results(runner.target)
        summary = summarise(nodes)
        if measured.returncode != 0 or summary["failed"]:
            failures.append(
                f"rep {rep}: exit {measured.returncode}, not successful: "
                + ", ".join(summary["failed"][:10])
            )
        wall.add(measured.seconds)
        peak.add(measured.peak_mb)
        models_sum.add(summary["models_sum"])
        sql_sum.add(summary["sql_models_sum"])
        py_sum.add(summary["python_models_sum"])
        span.add(summary["models_span"])
        for uid, node in nodes.items():
            per_node.setdefault(uid, []).append(node["seconds"])
        last_nodes = nodes
        peak_nodes.append(running_at(nodes, measured.peak_at))
        print(
            f"[b] dbt build rep {rep}: {measured.seconds:.1f} s wall, models "
            f"{summary['models_sum']:.1f} s summed, peak {measured.peak_mb:,.0f} MB, "
            f"{summary['n_nodes']} nodes, exit {measured.returncode}; running at the peak: "
            f"{', '.join(peak_nodes[-1]) or 'n/a'}",
            flush=True,
        )
    for uid, node in last_nodes.items():
        node["times"] = Stats(per_node[uid])
    return {
        "wall": wall,
        "peak_mb": peak,
        "models_sum": models_sum,
        "sql_models_sum": sql_sum,
        "python_models_sum": py_sum,
        "models_span": span,
        "nodes": last_nodes,
        "summary": summarise(last_nodes),
        "failures": failures,
        "peak_nodes": peak_nodes,
    }


def measure_run(runner: DbtRunner, reps: int) -> dict:
    """Wall time of `dbt run` (models only) on a fresh file after an untimed `dbt seed`."""
    wall, peak = Stats(), Stats()
    for rep in range(1, reps + 1):
        runner.fresh_db()
        seeded = runner.run("seed", f"dbt-seed-{rep}.log")
        if seeded.returncode != 0:
            raise BenchError(f"dbt seed failed:\n{tail(seeded.log_path)}")
        measured = runner.run("run", f"dbt-run-{rep}.log")
        if measured.returncode != 0:
            raise BenchError(f"dbt run failed:\n{tail(measured.log_path)}")
        wall.add(measured.seconds)
        peak.add(measured.peak_mb)
        print(f"[b] dbt run rep {rep}: {measured.seconds:.1f} s wall", flush=True)
    return {"wall": wall, "peak_mb": peak}


def measure_core_run(runner: DbtRunner, reps: int, marts: list[str]) -> dict:
    """`dbt run --threads 1 --select +mart ...`: only the models behind the core marts, on a
    fresh file (after an untimed `dbt seed`), one model at a time, so a model's time is
    its own: in the build two dbt threads share the two cores, and two models running side
    by side each take up to twice as long. The engine floor likewise runs one statement at
    a time, each on every core (DuckDB parallelises within a query either way)."""
    selector = ("--select", " ".join(f"+{mart}" for mart in marts))
    wall, models_sum = Stats(), Stats()
    per_model: dict[str, Stats] = {}
    names: list[str] = []
    for rep in range(1, reps + 1):
        runner.fresh_db()
        seeded = runner.run("seed", f"dbt-core-seed-{rep}.log")
        if seeded.returncode != 0:
            raise BenchError(f"dbt seed failed:\n{tail(seeded.log_path)}")
        measured = runner.run("run", f"dbt-core-run-{rep}.log", ("--threads", "1", *selector))
        if measured.returncode != 0:
            raise BenchError(f"dbt run of the core marts failed:\n{tail(measured.log_path)}")
        nodes = parse_run_results(runner.target)
        models = [n for n in nodes.values() if n["resource_type"] == "model"]
        names = sorted(n["name"] for n in models)
        wall.add(measured.seconds)
        models_sum.add(sum(n["seconds"] for n in models))
        for n in models:
            per_model.setdefault(n["name"], Stats()).add(n["seconds"])
        print(
            f"[b] core marts run rep {rep}: {measured.seconds:.1f} s wall, "
            f"{models_sum.samples[-1]:.1f} s in {len(models)} models",
            flush=True,
        )
    return {
        "wall": wall,
        "models_sum": models_sum,
        "models": names,
        "model_seconds": per_model,
        "sql_seconds": time_mart_sql(runner, marts, reps),
        "selector": selector[1],
        "threads": 1,
    }


def time_mart_sql(runner: DbtRunner, marts: list[str], reps: int) -> dict[str, Stats]:
    """Each mart's compiled SQL run on its own against the warehouse the core run left,
    as `create table ... as <sql>` through the DuckDB Python API: the engine's time
    for the metric without dbt's fixed cost per model (compile, contract check, create,
    insert, rename, commit). Shown as context beside the model's time."""
    manifest = json.loads((runner.target / "manifest.json").read_text())
    compiled = {
        node["name"]: runner.target / "compiled" / node["package_name"] / node["original_file_path"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"] in marts
    }
    out: dict[str, Stats] = {}
    with duckdb.connect(str(runner.db)) as con:
        # the settings of profiles.yml
        con.execute("set preserve_insertion_order = false")
        con.execute(f"set memory_limit = '{os.environ.get('ROCKETMART_MEMORY_LIMIT', '1GB')}'")
        for mart in marts:
            path = compiled.get(mart)
            if path is None or not path.exists():
                continue
            sql = path.read_text()
            stats = Stats()
            for _ in range(reps):
                started = time.perf_counter()
                # a table in the database file, as the floor and dbt write theirs
                con.execute(f"create or replace table main.bench_mart_sql as {sql}")
                stats.add(time.perf_counter() - started)
            con.execute("drop table if exists main.bench_mart_sql")
            out[mart] = stats
    return out
