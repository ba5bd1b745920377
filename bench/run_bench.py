"""Full-scale benchmark of rocketmart (`make bench`): writes bench/results.md.

On one generated dataset (cached in bench/.cache/): (f) the generator, (a) the plain-DuckDB
engine floor, (d) a pandas baseline, (b) dbt runs and the full `dbt build` with (c) their
peak memory, the baselines checked equal to the marts, (e) item similarity against
implicit; then the scale series: the floor and `dbt build` at 1/4 and 1/2 of the visitors.

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
from harness import BenchError, Timer, check, run_measured

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
    exe, tmp = str(Path(sys.executable).with_name("rocketmart")), CACHE / "generating"
    while not data.exists() or len(gen["seconds"]) < reps:
        shutil.rmtree(tmp, ignore_errors=True)
        cmd = [exe, "generate", "--out", str(tmp), *args]
        measured = check(run_measured(cmd, logs / "generate.log", cwd=REPO), "generator")
        tmp.rename(data) if not data.exists() else shutil.rmtree(tmp)
        gen["seconds"].append(measured.seconds)
        gen["peak_mb"].append(measured.peak_mb)
        print(f"[f] generator: {measured.seconds:.1f} s, {measured.peak_mb:,.0f} MB", flush=True)
    return data, gen


def file_rows(data: Path) -> dict[str, list[int]]:
    """Data lines and bytes of each raw file, events.csv first."""
    out = {}
    for path in sorted(data.glob("*.csv"), key=lambda p: (p.name != "events.csv", p.name)):
        with open(path, "rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b""))
        out[path.name] = [lines - 1, path.stat().st_size]
    return out


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


def dbt_figures(dbt: dbt_runs.Dbt, reps: int) -> dict:
    """(b)+(c): the models behind the core marts one at a time (`--threads 1`) and their
    marts' SQL alone, `dbt run` (models only) and the full `dbt build`, each on a fresh file."""
    marts = list(dbt_runs.CORE_MARTS)
    core = {"wall": [], "models": {}, "sql_alone": {}}
    run = {"wall": [], "peak_mb": []}
    build = {"wall": [], "peak_mb": [], "at_peak": [], "seconds": {}, "failed": []}
    select = " ".join(f"+{mart}" for mart in marts)
    for rep in range(reps):
        core["wall"].append(check(dbt(f"core-{rep}", "run", "--threads", "1", "-s", select),
                                  "dbt run").seconds)  # fmt: skip
        nodes = dbt.nodes()
        for name in dbt_runs.closure(nodes, marts):
            core["models"].setdefault(name, []).append(nodes[name]["seconds"])
        for mart, seconds in dbt.mart_sql_seconds(marts).items():
            core["sql_alone"].setdefault(mart, []).append(seconds)
    core["nodes"] = {name: nodes[name] for name in core["models"]}
    for rep in range(reps):
        measured = check(dbt(f"run-{rep}", "run"), "dbt run")
        run["wall"].append(measured.seconds)
        run["peak_mb"].append(measured.peak_mb)
    print(f"[b] core marts: {core['wall']} s; dbt run: {run['wall']} s", flush=True)
    for rep in range(reps):
        measured = dbt(f"build-{rep}", "build", seed=False)
        build["nodes"] = nodes = dbt.nodes()
        build["failed"] += [n for n, v in nodes.items() if v["status"] not in dbt_runs.OK]
        build["failed"] += [f"exit {measured.returncode}"] if measured.returncode else []
        build["wall"].append(measured.seconds)
        build["peak_mb"].append(measured.peak_mb)
        at = measured.peak_at  # nodes running then, within twice the poll interval
        build["at_peak"].append(
            sorted(n for n, v in nodes.items() if v["span"][0] - 0.1 <= at <= v["span"][1] + 0.1)
        )
        for name, node in nodes.items():
            build["seconds"].setdefault(name, []).append(node["seconds"])
        print(f"[b] dbt build: {measured.seconds:.1f} s, {measured.peak_mb:,.0f} MB", flush=True)
    return {"core_run": core, "run": run, "build": build}


def scale_point(fraction: float, visitors: int, seed: int, work: Path) -> dict:
    """One repetition of the floor and the full `dbt build` on a smaller dataset."""
    data, _ = dataset(round(visitors * fraction), seed, 0, work / "logs")
    timer = Timer()
    baselines.floor_run(data, work / "floor-scale.duckdb", timer)
    dbt = dbt_runs.Dbt(REPO, data, work / "dbt-scale")
    build = check(dbt("build", "build", seed=False), "build")
    print(f"[scale] {fraction:g}: {build.seconds:.1f} s, {build.peak_mb:,.0f} MB", flush=True)
    floor, events = sum(x[0] for x in timer.values()), file_rows(data)["events.csv"][0]
    return {"fraction": fraction, "events": events, "floor": floor, "build": build.seconds,
            "peak_mb": build.peak_mb}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visitors", type=int, default=FULL_VISITORS)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reps", type=int, default=3, help="repetitions of every timing")
    parser.add_argument("--k", type=int, default=20, help="similarity top-k")
    parser.add_argument("--scales", default="0.25,0.5", help="scale series fractions ('' = none)")
    parser.add_argument("--output", type=Path, help="default: bench/results.md at full scale")
    parser.add_argument("--render", type=Path, help="re-render a saved results.json, no run")
    args = parser.parse_args(argv)
    full = args.visitors == FULL_VISITORS
    output = args.output or (BENCH / "results.md" if full else CACHE / "results-small.md")
    if args.render:  # e.g. after editing notes.md
        res = {**json.loads(args.render.read_text()), "notes": (BENCH / "notes.md").read_text()}
        output.write_text(report.render(res))
        return 0
    work, started = CACHE / f"run-v{args.visitors}", time.perf_counter()
    res = {"reps": args.reps, "load_start": os.getloadavg(), "loads": {}, "machine": machine()}
    data, res["generator"] = dataset(args.visitors, args.seed, args.reps, work / "logs")
    res["files"] = file_rows(data)
    res["loads"]["start"] = os.getloadavg()[0]
    dbs = {"floor": work / "floor.duckdb", "pandas": work / "pandas.duckdb"}
    for name, run in (("floor", baselines.floor_run), ("pandas", baselines.pandas_run)):
        res[name] = Timer()
        for _ in range(args.reps):
            run(data, dbs[name], res[name])
        totals = [round(sum(x), 2) for x in zip(*res[name].values(), strict=True)]
        print(f"[a/d] {name}: {totals} s", flush=True)
        res["loads"][name] = os.getloadavg()[0]
    with baselines.duckdb.connect(str(dbs["floor"]), read_only=True) as con:
        res["counts"] = con.execute(
            "select count(*), count(distinct visitor_id), count(distinct item_id),"
            " count(distinct transaction_id) from events"
        ).fetchone()
    dbt = dbt_runs.Dbt(REPO, data, work / "dbt")
    res.update(dbt_figures(dbt, args.reps))
    res["loads"]["dbt"] = os.getloadavg()[0]
    res["equality"] = {name: dbt_runs.compare(dbt.db, db) for name, db in dbs.items()}
    res["similarity"] = dbt_runs.similarity(dbt.db, res["build"]["nodes"], args.k, args.reps)
    fractions = [float(x) for x in args.scales.split(",") if x]
    res["scale"] = [scale_point(f, args.visitors, args.seed, work) for f in fractions]
    res["loads"]["scale series"] = os.getloadavg()[0]
    res["load_end"] = os.getloadavg()
    res["finished_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    res["notes"] = (BENCH / "notes.md").read_text()
    (work / "results.json").write_text(json.dumps(res, indent=1, default=str))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report.render(res))
    print(f"wrote {output} ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        sys.exit(1)
