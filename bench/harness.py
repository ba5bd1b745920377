"""Timings: named samples, and commands measured with the peak memory of their process tree."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psutil

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


class BenchError(Exception):
    """A failed step (command, missing input): printed as one line plus the log's tail."""


class Timer(dict):
    """Named phase timings, one list of samples per name: ``with timer("load"): ...``."""

    @contextmanager
    def __call__(self, name: str):
        started = time.perf_counter()
        yield
        self.setdefault(name, []).append(time.perf_counter() - started)


@dataclass
class Measured:
    returncode: int
    seconds: float
    peak_mb: float  # max of the polled process-tree RSS and the kernel's high-water mark
    peak_at: float  # epoch seconds when the polled tree RSS peaked
    log: Path


def _tree_rss(pid: int) -> int:
    total = 0
    with suppress(psutil.Error):
        root = psutil.Process(pid)
        for proc in [root, *root.children(recursive=True)]:
            with suppress(psutil.Error):
                total += proc.memory_info().rss
    return total


def run_measured(cmd: list[str], log: Path, env: dict | None = None, cwd=None) -> Measured:
    """Run ``cmd`` (output to ``log``), timed, with the peak memory of its process tree:
    the summed RSS polled every 50 ms (an upper bound: a short-lived fork shows its parent's
    pages again) or, when larger, the kernel's high-water mark from GNU time (not this
    process's wait4, whose ru_maxrss counts this baseline-holding process at fork)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    maxrss = log.with_suffix(".maxrss")
    maxrss.unlink(missing_ok=True)
    peak, done = [0, 0.0], threading.Event()

    def poll(pid: int) -> None:
        while not done.is_set():
            if (sample := _tree_rss(pid)) > peak[0]:
                peak[:] = [sample, time.time()]
            done.wait(0.05)

    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [GNU_TIME, "-f", "%M", "-o", str(maxrss), *cmd] if GNU_TIME else cmd,
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, cwd=cwd,
        )  # fmt: skip
        poller = threading.Thread(target=poll, args=(proc.pid,), daemon=True)
        poller.start()
        proc.wait()
        seconds = time.perf_counter() - started
        done.set()
        poller.join()
    kernel = [int(x) for x in maxrss.read_text().split() if x.isdigit()] if maxrss.exists() else []
    peak_mb = max(peak[0] / 2**20, kernel[-1] / 1024 if kernel else 0.0)
    return Measured(proc.returncode, seconds, peak_mb, peak[1], log)


def check(measured: Measured, what: str) -> Measured:
    """Raise with the log's tail when the command failed."""
    if measured.returncode:
        tail = measured.log.read_text(errors="replace").splitlines()[-15:]
        raise BenchError(f"{what} failed (exit {measured.returncode}):\n" + "\n".join(tail))
    return measured
