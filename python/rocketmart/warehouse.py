"""Build the warehouse with dbt and publish it atomically; open it for reading.

Nothing here knows about Typer: the CLI turns `WarehouseError` into one line on stderr.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

DEFAULT_DB = Path("warehouse/rocketmart.duckdb")
DEFAULT_RAW_DIR = Path("data/raw")


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


def _remove_database(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


def _first_error_line(result) -> str:
    """The most useful single line out of a failed dbtRunner result."""
    if result.exception is not None:
        lines = [ln.strip() for ln in str(result.exception).splitlines() if ln.strip()]
        detail = [ln for ln in lines if not ln.startswith(("Compilation Error", ">"))]
        return (detail or lines or ["dbt failed"])[0]
    failed = [
        r
        for r in getattr(result.result, "results", []) or []
        if str(getattr(r, "status", "")).lower() in {"error", "fail", "runtime error"}
    ]
    if failed:
        first = failed[0]
        message = " ".join(str(first.message or "").split())
        return f"{first.node.name}: {message}"[:400] + (
            f" (and {len(failed) - 1} more failures)" if len(failed) > 1 else ""
        )
    return "dbt build failed"


def _release_dbt_connections() -> None:
    """dbt-duckdb keeps its database handle open in-process after a run; close it so the
    file is checkpointed (no stray WAL) before it is renamed."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()


def build(
    raw_dir: Path | None = None,
    db: Path | None = None,
    full_refresh: bool = False,
    dbt_args: list[str] | None = None,
) -> BuildSummary:
    """Run `dbt build` into a temporary database file next to the warehouse and rename it
    over the warehouse only when every model and test passed. A failed or interrupted
    build leaves the previous warehouse untouched.

    The temporary file always starts empty (no model is incremental): a fresh file is
    written in the storage format of `profiles.yml` (`storage_compatibility_version`),
    also when the warehouse it replaces was written in a newer format.
    """
    from dbt.cli.main import dbtRunner  # heavy import, only for builds

    raw = resolve_raw_dir(raw_dir).resolve()
    target = resolve_db(db).resolve()
    if not (raw / "events.csv").is_file():
        raise WarehouseError(f"missing raw file {raw / 'events.csv'} (set --raw-dir)")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.building-{os.getpid()}")
    _remove_database(staging)

    root = project_dir()
    args = ["build", "--project-dir", str(root), "--profiles-dir", str(root), "--log-level", "none"]
    if full_refresh:
        args.append("--full-refresh")
    args += dbt_args or []

    saved = {k: os.environ.get(k) for k in ("ROCKETMART_DB", "ROCKETMART_RAW_DIR")}
    os.environ["ROCKETMART_DB"] = str(staging)
    os.environ["ROCKETMART_RAW_DIR"] = str(raw)
    started = time.perf_counter()
    try:
        result = dbtRunner().invoke(args)
        _release_dbt_connections()
        if not result.success:
            raise WarehouseError(f"build failed, warehouse unchanged: {_first_error_line(result)}")
        counts = Counter(
            r.node.resource_type.value + "s" for r in getattr(result.result, "results", [])
        )
        os.replace(staging, target)
        _remove_database(target.with_name(target.name + ".wal"))
    finally:
        _remove_database(staging)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return BuildSummary(target, time.perf_counter() - started, dict(counts))


@contextmanager
def connect(db: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse read-only; a clear error when it does not exist."""
    path = resolve_db(db)
    if not path.is_file():
        raise WarehouseError(f"no warehouse at {path}: run `rocketmart build` first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open warehouse {path}: {exc}") from exc
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
