"""Full-scale benchmark of rocketmart (`make bench`): the steps (a)-(f) on one cached dataset,
the baselines checked equal to the marts, then the scale series; writes bench/results.md.

  python bench/run_bench.py                                        # -> bench/results.md
  python bench/run_bench.py --visitors 100000 --reps 1 --scales 0.5   # a smoke run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import psutil

import baselines
import dbt_runs
import report
from dbt_runs import CORE_MARTS, OK, BenchError, Dbt, Timer

BENCH = Path(__file__).resolve().parent
REPO, CACHE = BENCH.parent, BENCH / ".cache"
FULL_VISITORS = 1_400_000
PACKAGES = ("duckdb", "dbt-core", "dbt-duckdb", "pandas", "numpy", "scipy", "implicit")


def dataset(visitors: int, seed: int, reps: int, logs: Path) -> tuple[Path, dict]:
    """The cached dataset (key: arguments + generator source) and ``reps`` timed generator
    runs: the run that fills the cache counts as one, the others write to a scratch folder."""
    digest = hashlib.sha256(f"{visitors} {seed}".encode())
    for path in sorted((REPO / "python" / "rocketmart" / "generator").rglob("*.py")):
        digest.update(path.read_bytes())
    data = CACHE / f"data-v{visitors}-s{seed}-{digest.hexdigest()[:12]}"
    args = ["--visitors", str(visitors), "--seed", str(seed), "--with-properties"]
    gen = {"seconds": [], "peak_mb": [], "dir": str(data.relative_to(REPO))}
    gen["command"] = f"rocketmart generate {' '.join(args)}"
    exe, tmp = Path(sys.executable).with_name("rocketmart"), CACHE / "generating"
    while not data.exists() or len(gen["seconds"]) < reps:
        shutil.rmtree(tmp, ignore_errors=True)
        cmd = [exe, "generate", "--out", tmp, *args]
        run = dbt_runs.run_measured(cmd, logs / "generate.log", None, "generator")
        tmp.rename(data) if not data.exists() else shutil.rmtree(tmp)
        gen["seconds"].append(run["seconds"])
        gen["peak_mb"].append(run["peak_mb"])
        print(f"[f] generator: {run['seconds']:.1f} s, {run['peak_mb']:,.0f} MB", flush=True)
    return data, gen


def file_rows(data: Path) -> dict[str, list[int]]:
    """Data lines and bytes of each raw file, events.csv first."""
    files = sorted(data.glob("*.csv"), key=lambda p: (p.name != "events.csv", p.name))
    counts = subprocess.run(["wc", "-l", *files], capture_output=True, text=True).stdout.split()
    return {p.name: [int(counts[2 * i]) - 1, p.stat().st_size] for i, p in enumerate(files)}


def machine() -> dict:
    cpu = [x for x in Path("/proc/cpuinfo").read_text().splitlines() if x.startswith("model name")]
    git = ["git", "-C", str(REPO)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = [*git, "status", "--porcelain", "-uno", ".", ":!bench/results.md", ":!bench/notes.md"]
    return {
        "commit": commit.stdout.strip()
        + (" (+ local changes)" if subprocess.run(dirty, capture_output=True).stdout else ""),
        "cores": f"{os.cpu_count()} ({len(os.sched_getaffinity(0))})",
        "cpu": cpu[0].split(":", 1)[1].strip() if cpu else platform.processor(),
        "memory": f"{psutil.virtual_memory().total / 1024**3:.1f} GB",
        "os": platform.platform(),
        "versions": {**{p: version(p) for p in PACKAGES}, "Python": platform.python_version()},
    }


def dbt_figures(dbt: Dbt, reps: int) -> dict:
    """(b)+(c): the models behind the core marts one at a time (`--threads 1`, after an
    untimed `dbt seed`) and their marts' SQL alone; the full `dbt build` (every model, seed
    and test), whose per-node times also give the models-only time. Each on a fresh file."""
    core, build, node_seconds = {"models": Timer(), "sql_alone": Timer()}, Timer(), Timer()
    for rep in range(reps):
        select = ["--threads", "1", "-s", *(f"+{mart}" for mart in CORE_MARTS)]
        dbt(f"core-{rep}", "run", *select, seed=True, what="dbt run")
        core["nodes"] = nodes = dbt.nodes()
        for name in dbt_runs.closure(nodes, CORE_MARTS):
            core["models"].add(name, nodes[name]["seconds"])
        dbt.sql_alone(nodes, CORE_MARTS, core["sql_alone"])
    for rep in range(reps):
        run = dbt(f"build-{rep}", "build")
        build["nodes"] = nodes = dbt.nodes()
        spans = {n: v["span"] for n, v in nodes.items() if v["span"][0]}
        models = [spans[n] for n in spans if nodes[n]["type"] == "model"]
        at = run["peak_at"]  # the nodes running then, within twice the poll interval
        build.add("at_peak", sorted(n for n, (a, b) in spans.items() if a - 0.1 <= at <= b + 0.1))
        build.add("models_span", max(b for _, b in models) - min(a for a, _ in models))
        failed = [n for n, v in nodes.items() if v["status"] not in OK]
        build.add("failed", failed + ([f"exit {run['returncode']}"] if run["returncode"] else []))
        build.add("wall", run["seconds"])
        build.add("peak_mb", run["peak_mb"])
        for name, node in nodes.items():
            node_seconds.add(name, node["seconds"])
        print(f"[b] dbt build: {run['seconds']:.1f} s, {run['peak_mb']:,.0f} MB", flush=True)
    return {"core_run": core, "build": build | {"seconds": node_seconds}}


def scale_point(fraction: float, visitors: int, seed: int, work: Path) -> dict:
    """One repetition of the floor and the full `dbt build` on a smaller dataset."""
    data, _ = dataset(round(visitors * fraction), seed, 0, work / "logs")
    baselines.floor_run(data, work / "floor-scale.duckdb", timer := Timer())
    build = Dbt(REPO, data, work / "dbt-scale")("build", "build", what="dbt build")
    print(f"[scale] {fraction:g}: {build['seconds']:.1f} s, {build['peak_mb']:,.0f} MB", flush=True)
    floor, events = sum(x[0] for x in timer.values()), file_rows(data)["events.csv"][0]
    point = {"fraction": fraction, "events": events, "floor": floor, "build": build["seconds"]}
    return point | {"peak_mb": build["peak_mb"]}


def run(args: argparse.Namespace) -> dict:
    """Every step on one dataset; the results are also saved for --render."""
    os.chdir(REPO)
    work, started = CACHE / f"run-v{args.visitors}", time.perf_counter()
    res = {"reps": args.reps, "load_start": os.getloadavg(), "loads": {}, "machine": machine()}
    data, res["generator"] = dataset(args.visitors, args.seed, args.reps, work / "logs")
    res["files"], res["loads"]["start"] = file_rows(data), os.getloadavg()[0]
    dbs = {"floor": work / "floor.duckdb", "pandas": work / "pandas.duckdb"}
    for name, step in (("floor", baselines.floor_run), ("pandas", baselines.pandas_run)):
        res[name] = Timer()
        for _ in range(args.reps):
            step(data, dbs[name], res[name])
        print(f"[a/d] {name}: {sum(map(sum, res[name].values())):.2f} s", flush=True)
        res["loads"][name] = os.getloadavg()[0]
    with baselines.duckdb.connect(str(dbs["floor"]), read_only=True) as con:
        sql = "select count(*), count(distinct visitor_id), count(distinct item_id), count(distinct"
        res["counts"] = con.execute(f"{sql} transaction_id) from events").fetchone()
    dbt = Dbt(REPO, data, work / "dbt")
    res |= dbt_figures(dbt, args.reps)
    res["loads"]["dbt"] = os.getloadavg()[0]
    res["equality"] = {name: dbt_runs.compare(dbt.db, db) for name, db in dbs.items()}
    res["similarity"] = dbt_runs.similarity(dbt.db, res["build"]["nodes"], args.k, args.reps)
    fractions = [float(x) for x in args.scales.split(",") if x]
    res["scale"] = [scale_point(f, args.visitors, args.seed, work) for f in fractions]
    res["loads"]["scale series"], res["load_end"] = os.getloadavg()[0], os.getloadavg()
    res["finished_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    (work / "results.json").write_text(json.dumps(res, indent=1, default=str))
    print(f"{time.perf_counter() - started:.0f} s in all; saved {work / 'results.json'}")
    return res


def main(argv: list[str] | None = None) -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--visitors", type=int, default=FULL_VISITORS)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reps", type=int, default=3, help="repetitions of every timing")
    parser.add_argument("--k", type=int, default=20, help="similarity top-k")
    parser.add_argument("--scales", default="0.25,0.5", help="scale series fractions ('' = none)")
    parser.add_argument("--output", type=Path, help="default: bench/results.md at full scale")
    parser.add_argument("--render", type=Path, help="re-render a saved results.json, no run")
    args = parser.parse_args(argv)
    small = CACHE / "results-small.md"
    output = args.output or (BENCH / "results.md" if args.visitors == FULL_VISITORS else small)
    res = json.loads(args.render.read_text()) if args.render else run(args)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report.render(res | {"notes": (BENCH / "notes.md").read_text()}))
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        sys.exit(f"bench: {exc}")
