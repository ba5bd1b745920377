"""Build the warehouse with dbt and publish it atomically; open it for reading.

Nothing here knows about Typer: the CLI turns `WarehouseError` into one line on stderr.

A build runs `dbt build --log-format json` in a subprocess with an explicit environment
(ROCKETMART_RAW_DIR, and ROCKETMART_DB pointing at a fresh temporary file next to the
warehouse), follows its JSON log events for progress and failures, and renames the
temporary file over the warehouse only when every node passed. No model is incremental,
so nothing is copied from the previous warehouse: the file dbt creates is new, in the
storage format the profile asks for.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

DEFAULT_DB = Path("warehouse/rocketmart.duckdb")
DEFAULT_RAW_DIR = Path("data/raw")

# the temporary database a build writes; dbt-duckdb names the catalog after the first
# dot-separated part of the file name, so this keeps it a plain identifier ("rocketmart")
# whatever the warehouse is called (e.g. "it's wh.duckdb")
_BUILDING = re.compile(r"^\.rocketmart\.building-(?P<pid>[0-9]+)(?:\.wal|\.tmp)?$")
# left by earlier releases: .<warehouse>.building-<pid> (+ .wal)
_LEGACY_BUILDING = re.compile(r"^\..+\.building-(?P<pid>[0-9]+)(?:\.wal|\.tmp)?$")
_DUCKDB_MAGIC = b"DUCK"
_FAILED = {"error", "fail", "runtime error"}


class WarehouseError(Exception):
    """A problem the user can fix (missing warehouse, missing mart, failed build)."""


@dataclass(frozen=True)
class BuildSummary:
    """What a successful build did."""

    db_path: Path
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        parts = [f"{n} {kind}" for kind, n in sorted(self.counts.items())]
        return f"built {self.db_path} in {self.seconds:.1f}s ({', '.join(parts)})"


@dataclass
class BuildProgress:
    """The state of a running build, passed to the progress callback after every event."""

    total: int = 0
    done: int = 0
    running: str = ""
    started: float = field(default_factory=time.perf_counter)
    counts: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failing_node: str = ""

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def project_dir() -> Path:
    """The dbt project root: the working directory if it holds dbt_project.yml, else the
    checkout this package was installed from (editable install)."""
    cwd = Path.cwd()
    if (cwd / "dbt_project.yml").is_file():
        return cwd
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "dbt_project.yml").is_file():
        return checkout
    raise WarehouseError("cannot find dbt_project.yml (run from the rocketmart checkout)")


def resolve_db(db: Path | None) -> Path:
    return Path(db or os.environ.get("ROCKETMART_DB") or DEFAULT_DB)


def resolve_raw_dir(raw_dir: Path | None) -> Path:
    return Path(raw_dir or os.environ.get("ROCKETMART_RAW_DIR") or DEFAULT_RAW_DIR)


# -- checks before a build ---------------------------------------------------------------


def _check_raw_dir(raw: Path) -> None:
    if not raw.is_dir():
        raise WarehouseError(f"raw directory {raw} does not exist or is not a directory")
    if not (raw / "events.csv").is_file():
        raise WarehouseError(f"missing raw file {raw / 'events.csv'} (set --raw-dir)")


def _is_within(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory)
    except ValueError:
        return False
    return True


def _check_target(target: Path, raw: Path) -> None:
    """Refuse a --db that would overwrite raw input or something that is not a warehouse."""
    real_target = Path(os.path.realpath(target))
    if _is_within(real_target, Path(os.path.realpath(raw))):
        raise WarehouseError(
            f"--db {target} is inside the raw directory {raw}: choose a path outside it"
        )
    if target.is_dir():
        raise WarehouseError(f"--db {target} is a directory; give a database file path")
    if target.exists():
        if not target.is_file():
            raise WarehouseError(f"--db {target} is not a regular file")
        try:
            with open(target, "rb") as handle:
                head = handle.read(12)
        except OSError as exc:
            raise WarehouseError(f"cannot read --db {target}: {exc.strerror}") from None
        if head and head[8:12] != _DUCKDB_MAGIC:
            raise WarehouseError(
                f"--db {target} exists and is not a DuckDB database: refusing to replace it"
            )
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(
            f"cannot create the directory {parent} for --db: {exc.strerror}"
        ) from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise WarehouseError(f"cannot write to the directory {parent} of --db {target}")


# -- lock and stale temporary files ------------------------------------------------------


@contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    """An exclusive lock per warehouse (`.<name>.lock` beside it), held for the whole
    build; the kernel releases it when the process dies, even on kill -9."""
    lock_path = target.with_name(f".{target.name}.lock")
    try:
        handle = open(lock_path, "a")  # noqa: SIM115 (closed in finally)
    except OSError as exc:
        raise WarehouseError(f"cannot create lock file {lock_path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseError(
                f"another build into {target} is running (lock {lock_path}); wait for it to finish"
            ) from None
        yield
    finally:
        handle.close()


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def remove_stale_temp_files(directory: Path) -> list[Path]:
    """Remove temporary build files (and their .wal / .tmp) in `directory` whose build
    process is dead — what a killed build left. Files of a live process are kept."""
    removed = []
    for entry in sorted(directory.iterdir()):
        match = _BUILDING.match(entry.name) or _LEGACY_BUILDING.match(entry.name)
        if match and not _pid_alive(int(match["pid"])):
            _remove(entry)
            removed.append(entry)
    return removed


def _check_not_open_for_writing(target: Path) -> None:
    """Refuse to publish over a warehouse another process holds open read-write (DuckDB
    takes an exclusive fcntl lock for that; readers take shared locks, which a publish
    does not disturb) or that has a write-ahead log we do not own."""
    if target.with_name(target.name + ".wal").exists():
        raise WarehouseError(
            f"{target} has a write-ahead log ({target.name}.wal): it is open read-write "
            "elsewhere or was not closed cleanly; close it and rebuild (warehouse unchanged)"
        )
    if not target.exists():
        return
    with open(target, "rb") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raise WarehouseError(
                f"{target} is open read-write by another process; close it and rebuild "
                "(warehouse unchanged)"
            ) from None
        fcntl.lockf(handle, fcntl.LOCK_UN)


# -- running dbt ---------------------------------------------------------------------------


def _dbt_command() -> list[str]:
    exe = Path(sys.executable).with_name("dbt")
    if exe.is_file():
        return [str(exe)]
    return [sys.executable, "-m", "dbt.cli.main"]


def _first_line(message: str) -> str:
    """The line of a dbt error message that says what went wrong."""
    lines = [ln.strip() for ln in str(message).splitlines() if ln.strip()]
    for line in lines:  # a raw-file problem raised inside a Python model
        if "RawFileError: " in line:
            return line.split("RawFileError: ", 1)[1]
    if any(ln.startswith("Traceback") for ln in lines):
        return lines[-1]
    skip = (
        "Compilation Error",
        "Runtime Error",
        "Database Error",
        "Failure in",
        "Encountered an error",
        ">",
        "Python model failed",
    )
    detail = [ln for ln in lines if not ln.startswith(skip)]
    return (detail or lines or ["dbt failed"])[0][:300]


_RESULT_EVENTS = {"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult"}


def _follow(event: dict, progress: BuildProgress) -> None:
    """Update the progress from one dbt JSON log event (info level: a LogStartLine when a
    node starts, a Log*Result when it ends, RunResultFailure + RunResultError per failed
    node in the closing summary)."""
    info = event.get("info", {})
    data = event.get("data", {})
    name = info.get("name", "")
    node = data.get("node_info") or {}
    if name == "LogStartLine":
        progress.running = node.get("node_name", "")
        progress.total = max(progress.total, int(data.get("total") or 0))
    elif name in _RESULT_EVENTS:
        progress.done += 1
        progress.total = max(progress.total, int(data.get("total") or data.get("num_models") or 0))
        progress.counts[f"{node.get('resource_type', 'node')}s"] += 1
    elif name == "RunResultFailure":
        progress.failing_node = data.get("node_name", "")
    elif name == "RunResultError":
        where = progress.failing_node or "dbt"
        progress.failures.append(f"{where}: {_first_line(data.get('msg', ''))}")
        progress.failing_node = ""
    elif info.get("level") == "error":
        message = info.get("msg") or data.get("exc") or ""
        if message:
            progress.errors.append(str(message))


def _failure_line(progress: BuildProgress, returncode: int) -> str:
    if progress.failures:
        more = len(progress.failures) - 1
        return progress.failures[0] + (f" (and {more} more failures)" if more else "")
    for message in progress.errors:
        line = _first_line(message)
        if line:
            return line
    return f"dbt build exited with code {returncode}"


def _run_dbt(
    args: list[str], env: dict[str, str], cwd: Path, on_progress: Callable | None
) -> tuple[BuildProgress, int]:
    progress = BuildProgress()
    process = subprocess.Popen(
        [*_dbt_command(), *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                if line.strip():
                    progress.errors.append(line.strip())
                continue
            _follow(event, progress)
            if on_progress is not None:
                on_progress(progress)
    finally:
        returncode = process.wait()
    return progress, returncode


def _checkpoint(path: Path) -> None:
    """Fold a write-ahead log dbt left (if any) into the file, so the rename publishes
    everything. Without one the file is left exactly as dbt wrote it."""
    if not path.with_name(path.name + ".wal").exists():
        return
    with duckdb.connect(str(path)) as con:
        con.execute("checkpoint")


def build(
    raw_dir: Path | None = None,
    db: Path | None = None,
    full_refresh: bool = False,
    dbt_args: list[str] | None = None,
    on_progress: Callable[[BuildProgress], None] | None = None,
) -> BuildSummary:
    """Run `dbt build` into a fresh temporary database next to the warehouse and rename
    it over the warehouse only when every model and test passed. A failed or
    interrupted build leaves the previous warehouse untouched. Every build starts from
    an empty file (no model is incremental), so `full_refresh` only passes
    --full-refresh on to dbt."""
    raw = Path(os.path.abspath(resolve_raw_dir(raw_dir)))
    target = Path(os.path.abspath(resolve_db(db)))
    _check_raw_dir(raw)
    _check_target(target, raw)
    root = project_dir()

    with _build_lock(target):
        remove_stale_temp_files(target.parent)
        building = target.with_name(f".rocketmart.building-{os.getpid()}")
        temp_files = [building, *(building.with_name(building.name + s) for s in (".wal", ".tmp"))]
        for path in temp_files:
            _remove(path)

        args = ["build", "--project-dir", str(root), "--profiles-dir", str(root)]
        args += ["--log-format", "json", "--no-use-colors"]
        if full_refresh:
            args.append("--full-refresh")
        args += dbt_args or []
        env = {**os.environ, "ROCKETMART_DB": str(building), "ROCKETMART_RAW_DIR": str(raw)}
        started = time.perf_counter()
        try:
            progress, returncode = _run_dbt(args, env, root, on_progress)
            if returncode != 0 or progress.failures:
                raise WarehouseError(
                    f"build failed, warehouse unchanged: {_failure_line(progress, returncode)}"
                )
            if not building.is_file():
                raise WarehouseError("build failed, warehouse unchanged: dbt wrote no database")
            _checkpoint(building)
            _check_not_open_for_writing(target)
            os.replace(building, target)
        finally:
            for path in temp_files:
                _remove(path)
    return BuildSummary(target, time.perf_counter() - started, dict(progress.counts))


# -- reading -------------------------------------------------------------------------------


@contextmanager
def connect(db: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse read-only; a clear error when it does not exist."""
    path = resolve_db(db)
    if path.is_dir():
        raise WarehouseError(f"--db {path} is a directory, not a warehouse file")
    if not path.is_file():
        raise WarehouseError(f"no warehouse at {path}: run `rocketmart build` first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise WarehouseError(f"cannot open warehouse {path}: {first}") from None
    try:
        yield con
    finally:
        con.close()


def require_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    """Raise a clear error when `schema.table` is not in the warehouse."""
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0]
    if not found:
        raise WarehouseError(
            f"the warehouse has no {schema}.{table}: rebuild it with `rocketmart build`"
        )
