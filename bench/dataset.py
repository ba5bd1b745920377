"""(f) The generator: a cached full-scale dataset and the generator's own time and memory.

The dataset lives in ``bench/.cache/data-<key>/`` where the key hashes the generator
arguments and the generator's source, so a rerun reuses it and a generator change
regenerates it. Timed generator runs write to a scratch directory that is removed after.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from harness import BenchError, Stats, run_measured, tail

MANIFEST = "generator_manifest.json"


@dataclass(frozen=True)
class GeneratorArgs:
    visitors: int
    seed: int
    with_properties: bool = True

    def cli(self, out_dir: Path) -> list[str]:
        args = ["--out", str(out_dir), "--visitors", str(self.visitors), "--seed", str(self.seed)]
        return args + (["--with-properties"] if self.with_properties else [])


def generator_command(repo: Path) -> list[str]:
    exe = Path(sys.executable).with_name("rocketmart")
    if not exe.exists():
        raise BenchError(f"{exe} not found: run `make setup` first")
    return [str(exe), "generate"]


def source_hash(repo: Path) -> str:
    digest = hashlib.sha256()
    gen_dir = repo / "python" / "rocketmart" / "generator"
    files = sorted(gen_dir.rglob("*.py"))
    if not files:
        raise BenchError(f"no generator source under {gen_dir}")
    for path in files:
        digest.update(path.relative_to(repo).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_dir(repo: Path, cache: Path, args: GeneratorArgs) -> Path:
    key = hashlib.sha256(
        json.dumps({"args": args.__dict__, "source": source_hash(repo)}, sort_keys=True).encode()
    ).hexdigest()[:12]
    return cache / f"data-v{args.visitors}-s{args.seed}-{key}"


def _generate(repo: Path, args: GeneratorArgs, out_dir: Path, log: Path):
    if out_dir.exists():
        shutil.rmtree(out_dir)
    measured = run_measured([*generator_command(repo), *args.cli(out_dir)], log, cwd=repo)
    if measured.returncode != 0:
        raise BenchError(f"generator failed (exit {measured.returncode}):\n{tail(log)}")
    return measured


def prepare(repo: Path, cache: Path, args: GeneratorArgs, reps: int, log_dir: Path) -> dict:
    """Ensure the cached dataset exists and time ``reps`` generator runs.

    Returns the dataset directory, its manifest and the generator's time / peak memory.
    A run that creates the cache counts as one repetition.
    """
    data_dir = cache_dir(repo, cache, args)
    seconds, peak_mb = Stats(), Stats()
    if not (data_dir / MANIFEST).exists():
        print(f"[data] generating {args.visitors:,} visitors into {data_dir}", flush=True)
        tmp = data_dir.with_name(data_dir.name + ".tmp")
        measured = _generate(repo, args, tmp, log_dir / "generate-cache.log")
        tmp.rename(data_dir)
        seconds.add(measured.seconds)
        peak_mb.add(measured.peak_mb)
    else:
        print(f"[data] reusing cached dataset {data_dir}", flush=True)
    scratch = cache / "generator-scratch"
    while len(seconds.samples) < reps:
        rep = len(seconds.samples) + 1
        measured = _generate(repo, args, scratch, log_dir / f"generate-{rep}.log")
        seconds.add(measured.seconds)
        peak_mb.add(measured.peak_mb)
        print(f"[f] generator rep {rep}: {measured.seconds:.1f} s, {measured.peak_mb:,.0f} MB")
    shutil.rmtree(scratch, ignore_errors=True)
    manifest = json.loads((data_dir / MANIFEST).read_text())
    files = {p.name: p.stat().st_size for p in sorted(data_dir.glob("*.csv"))}
    return {
        "dir": data_dir,
        "manifest": manifest,
        "file_bytes": files,
        "seconds": seconds,
        "peak_mb": peak_mb,
    }
