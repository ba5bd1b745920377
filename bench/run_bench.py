"""Full-scale benchmark of rocketmart (`make bench`). Writes bench/results.md.

Steps, all on the same generated dataset (cached in bench/.cache/):
  (f) the generator's own time and peak memory (and the cached dataset),
  (a) the DuckDB engine floor: load + the five core metrics in plain SQL,
  (d) a vectorised pandas baseline of the same metrics,
  (b) `dbt run` and `dbt build` wall times, per-model times from run_results.json,
  (c) peak memory of the build's process tree,
  then the pandas / floor numbers are checked equal to the marts, and
  (e) item similarity alone against implicit's CosineRecommender.
Each timing is repeated (3 by default) and reported as min and median.

  python bench/run_bench.py            # full scale, 3 repetitions -> bench/results.md
  python bench/run_bench.py --quick    # 100k visitors, 1 repetition -> bench/.cache/
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import compare
import dataset
import dbt_bench
import engine_floor
import pandas_baseline
import report
import similarity_bench
from harness import BenchError, Stats

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
CACHE = BENCH_DIR / ".cache"
FULL_VISITORS = 1_400_000
QUICK_VISITORS = 100_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="100k visitors, 1 repetition")
    parser.add_argument("--visitors", type=int, help=f"default {FULL_VISITORS:,}")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reps", type=int, help="repetitions of every timing (default 3)")
    parser.add_argument("--k", type=int, default=20, help="similarity top-k (default 20)")
    parser.add_argument("--output", type=Path, help="default bench/results.md")
    parser.add_argument("--skip-generator", action="store_true", help="reuse the cache untimed")
    parser.add_argument("--skip-dbt-run", action="store_true", help="no separate `dbt run`")
    parser.add_argument(
        "--render-only",
        type=Path,
        metavar="RESULTS_JSON",
        help="re-render the report from a saved results.json (e.g. after editing notes.md)",
    )
    args = parser.parse_args(argv)
    if args.visitors is None:
        args.visitors = QUICK_VISITORS if args.quick else FULL_VISITORS
    if args.reps is None:
        args.reps = 1 if args.quick else 3
    if args.output is None:
        args.output = CACHE / "results-quick.md" if args.quick else BENCH_DIR / "results.md"
    if args.reps < 1 or args.visitors < 1:
        parser.error("--reps and --visitors must be >= 1")
    return args


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
    except OSError:
        return "unknown"
    # the report and its notes are outputs / inputs of this script, not code under test
    changed = [
        line
        for line in dirty.stdout.splitlines()
        if not line.endswith(("bench/results.md", "bench/notes.md"))
    ]
    return out.stdout.strip() + (" (+ local changes)" if changed else "")


def to_jsonable(value):
    if isinstance(value, Stats):
        return value.to_dict()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def from_jsonable(value):
    if isinstance(value, dict):
        if set(value) == {"min", "median", "samples"}:
            return Stats(list(value["samples"]))
        return {k: from_jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_jsonable(v) for v in value]
    return value


def render_only(args: argparse.Namespace) -> int:
    if not args.render_only.exists():
        raise BenchError(f"{args.render_only} not found: run the benchmark first")
    results = from_jsonable(json.loads(args.render_only.read_text()))
    results["notes"] = (BENCH_DIR / "notes.md").read_text()
    args.output.write_text(report.render(results))
    print(f"wrote {args.output} from {args.render_only}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render_only:
        return render_only(args)
    started = time.perf_counter()
    load_start = os.getloadavg()
    CACHE.mkdir(parents=True, exist_ok=True)
    work = CACHE / ("quick" if args.quick else "full")
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    print(
        f"rocketmart benchmark: {args.visitors:,} visitors, {args.reps} repetition(s), "
        f"{os.cpu_count()} cores; logs in {logs}",
        flush=True,
    )

    gen_args = dataset.GeneratorArgs(visitors=args.visitors, seed=args.seed)
    data = dataset.prepare(REPO, CACHE, gen_args, 0 if args.skip_generator else args.reps, logs)
    raw_dir = data["dir"]

    loads = [os.getloadavg()[0]]
    floor = engine_floor.measure(raw_dir, work / "engine_floor.duckdb", args.reps)
    loads.append(os.getloadavg()[0])
    pandas_result = pandas_baseline.measure(raw_dir, args.reps)
    loads.append(os.getloadavg()[0])

    runner = dbt_bench.DbtRunner(REPO, raw_dir, work / "dbt")
    run_result = None if args.skip_dbt_run else dbt_bench.measure_run(runner, args.reps)
    core_marts = list(report.METRIC_MART.values())
    core_run = None
    if all(any((REPO / "models" / "marts").rglob(f"{mart}.sql")) for mart in core_marts):
        core_run = dbt_bench.measure_core_run(runner, args.reps, core_marts)
    loads.append(os.getloadavg()[0])
    build = dbt_bench.measure_build(runner, args.reps)  # last: its warehouse is compared
    loads.append(os.getloadavg()[0])

    equality = compare.check_all(runner.db, pandas_result["frames"], floor["db"])
    for metric, entry in equality.items():
        print(f"[d] {metric}: pandas {entry['pandas']['status']}, floor {entry['floor']['status']}")
    del pandas_result["frames"]

    sim = similarity_bench.measure(runner.db, args.k, args.reps)
    sim_node = build["nodes"].get("model.rocketmart.item_similarity")
    if sim["status"] == "measured" and sim_node:
        sim["dbt_model"] = sim_node["times"]

    results = {
        "quick": args.quick,
        "reps": args.reps,
        "commit": git_commit(),
        "finished_at": report.finished_at(),
        "load_start": load_start,
        "load_checkpoints": loads,
        "machine": report.machine(),
        "dataset": {
            "dir_rel": str(raw_dir.relative_to(REPO)),
            "manifest": data["manifest"],
            "file_bytes": data["file_bytes"],
        },
        "generator": {"seconds": data["seconds"], "peak_mb": data["peak_mb"]},
        "floor": floor,
        "pandas": pandas_result,
        "run": run_result,
        "core_run": core_run,
        "build": build,
        "equality": equality,
        "similarity": sim,
        "notes": (BENCH_DIR / "notes.md").read_text(),
    }
    if not data["seconds"].samples:
        results["generator"] = {"seconds": Stats([float("nan")]), "peak_mb": Stats([float("nan")])}
    (work / "results.json").write_text(json.dumps(to_jsonable(results), indent=1, default=str))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report.render(results))
    print(f"wrote {args.output} ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        sys.exit(1)
