"""Timing and memory helpers shared by the benchmark steps.

Every figure is measured several times; :class:`Stats` keeps the samples and reports the
min and the median. :func:`run_measured` runs a command and records its wall time and the
peak resident memory of its whole process tree.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

POLL_SECONDS = 0.05
MB = 1024 * 1024
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


class BenchError(Exception):
    """A problem the user can fix (missing tool, failed command): printed as one line."""


@dataclass
class Stats:
    """Samples of one figure (seconds or MB) with min / median."""

    samples: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.samples.append(float(value))

    @property
    def min(self) -> float:
        return min(self.samples) if self.samples else float("nan")

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def max(self) -> float:
        return max(self.samples) if self.samples else float("nan")

    def to_dict(self) -> dict:
        return {"min": self.min, "median": self.median, "samples": self.samples}


class PhaseTimer:
    """Collects named phase timings over repetitions: ``with timer.phase("load"): ...``."""

    def __init__(self) -> None:
        self.phases: dict[str, Stats] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.phases.setdefault(name, Stats()).add(time.perf_counter() - started)

    def to_dict(self) -> dict:
        return {name: stats.to_dict() for name, stats in self.phases.items()}


class TreeMemoryMonitor:
    """Polls the summed RSS of a process and all its descendants in a background thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_bytes = 0
        self.peak_at = 0.0  # epoch seconds of the peak sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            sample = self._sample()
            if sample > self.peak_bytes:
                self.peak_bytes, self.peak_at = sample, time.time()
            self._stop.wait(POLL_SECONDS)

    def __enter__(self) -> TreeMemoryMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Measured:
    """Outcome of one measured command."""

    returncode: int
    seconds: float
    peak_tree_mb: float  # polled sum of RSS over the process tree
    peak_maxrss_mb: float  # kernel high-water mark of the command's process (GNU time %M)
    log_path: Path
    peak_at: float = 0.0  # epoch seconds when the polled tree RSS peaked

    @property
    def peak_mb(self) -> float:
        return max(self.peak_tree_mb, self.peak_maxrss_mb)


def run_measured(cmd: list[str], log_path: Path, env: dict | None = None, cwd=None) -> Measured:
    """Run ``cmd`` with stdout+stderr to ``log_path``; time it and track peak memory.

    The kernel's high-water mark is read through GNU time rather than this process's own
    wait4: a child's ru_maxrss counts the parent's resident size at fork (exec records the
    old address space's peak), and this process may hold gigabytes of baseline frames.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **(env or {})}
    maxrss_file = log_path.with_suffix(".maxrss")
    maxrss_file.unlink(missing_ok=True)
    wrapped = [GNU_TIME, "-f", "%M", "-o", str(maxrss_file), *cmd] if GNU_TIME else cmd
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                wrapped, stdout=log, stderr=subprocess.STDOUT, env=full_env, cwd=cwd
            )
        except FileNotFoundError as exc:
            raise BenchError(f"cannot run {cmd[0]}: {exc}") from exc
        with TreeMemoryMonitor(proc.pid) as monitor:
            proc.wait()
        seconds = time.perf_counter() - started
    maxrss_mb = 0.0
    if GNU_TIME and maxrss_file.exists():
        lines = [x for x in maxrss_file.read_text().split() if x.isdigit()]
        maxrss_mb = int(lines[-1]) / 1024 if lines else 0.0
    return Measured(
        returncode=proc.returncode,
        seconds=seconds,
        peak_tree_mb=monitor.peak_bytes / MB,
        peak_maxrss_mb=maxrss_mb,
        log_path=log_path,
        peak_at=monitor.peak_at,
    )


def tail(path: Path, n_lines: int = 15) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-n_lines:])
