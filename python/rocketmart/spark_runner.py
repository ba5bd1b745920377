"""Build the dbt project on Apache Spark, Python models included, in one call.

dbt-spark's `session` method runs SQL models in-process but cannot run Python models
("Submission method session is not supported"). `build` therefore splits the DAG into
steps: dbt builds the SQL models (and seeds, tests, unit tests) that precede the first
Python models, this module runs those Python models itself — the same `model(dbt,
session)` function DuckDB runs, with `dbt.ref(...)` answered from `spark.table(...)` — and
writes their tables with `saveAsTable`, then dbt builds what follows, and so on. Every dbt
step runs in this process (dbtRunner), so the whole build shares one SparkSession (one
JVM start; tables of the in-memory catalog live as long as the process).

The planning (`plan_steps`, `leftover_tests`) is pure and unit-tested; `build` does the
I/O. Nothing here is specific to a model: a Python model may use the subset of DuckDB's
relation API that `SparkRelation` offers (`df`, `arrow`, `fetchnumpy`, `select`,
`filter`, `to_arrow_table`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

# node types dbt builds as tables/views in a step (tests are chosen by dbt's selection)
BUILT_TYPES = ("model", "seed", "snapshot")


class SparkBuildError(Exception):
    """A step of the Spark build failed; the message is one line a user can act on."""


@dataclass(frozen=True)
class Node:
    """What the planner needs of a manifest node."""

    unique_id: str
    name: str
    resource_type: str
    language: str = "sql"
    depends_on: tuple[str, ...] = ()

    @property
    def is_python(self) -> bool:
        return self.resource_type == "model" and self.language == "python"


@dataclass(frozen=True)
class Step:
    """One step of the build: `dbt` builds `names` (models/seeds by name, with their tests
    and unit tests); `python` runs the Python models `names` in this order."""

    kind: str
    names: tuple[str, ...]


@dataclass
class SparkBuildSummary:
    seconds: float
    steps: list[tuple[str, int, float]] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"{kind} {n} nodes {s:.1f}s" for kind, n, s in self.steps]
        return f"built on Spark in {self.seconds:.1f}s ({'; '.join(parts)})"


def nodes_from_manifest(manifest: Mapping[str, Any]) -> dict[str, Node]:
    """The models, seeds, snapshots, tests and unit tests of a dbt manifest as `Node`s."""
    nodes: dict[str, Node] = {}
    for section in ("nodes", "unit_tests"):
        for unique_id, raw in (manifest.get(section) or {}).items():
            nodes[unique_id] = Node(
                unique_id=unique_id,
                name=raw["name"],
                resource_type=raw["resource_type"],
                language=raw.get("language") or "sql",
                depends_on=tuple((raw.get("depends_on") or {}).get("nodes") or ()),
            )
    return nodes


def _topological(nodes: Mapping[str, Node], ids: Iterable[str]) -> list[str]:
    """ids in dependency order (parents first; ties by unique_id, so the order is stable)."""
    wanted = set(ids)
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(uid: str) -> None:
        if state.get(uid) == 2:
            return
        if state.get(uid) == 1:
            raise SparkBuildError(f"dependency cycle through {uid}")
        state[uid] = 1
        for parent in sorted(nodes[uid].depends_on):
            if parent in wanted:
                visit(parent)
        state[uid] = 2
        order.append(uid)

    for uid in sorted(wanted):
        visit(uid)
    return order


def plan_steps(nodes: Mapping[str, Node], skip: Iterable[str] = ()) -> list[Step]:
    """Alternate dbt and Python steps so that every node runs after all its parents.

    A SQL node (model, seed, snapshot) goes into the earliest dbt step after every Python
    model it depends on; a Python model into the earliest Python step after the dbt step
    of each of its SQL parents (Python parents run earlier in the same step). `skip` names
    unique_ids that are not built at all (tables that already exist). Empty steps are left
    out; the result starts with a dbt step when any SQL node has no Python ancestor.
    """
    skipped = set(skip)
    built = [
        uid
        for uid, node in nodes.items()
        if node.resource_type in BUILT_TYPES and uid not in skipped
    ]
    order = _topological(nodes, built)
    wave: dict[str, int] = {}
    for uid in order:
        node = nodes[uid]
        parents = [p for p in node.depends_on if p in wave]
        if node.is_python:
            # python step k runs after dbt step k - 1 and before dbt step k
            wave[uid] = max(
                [wave[p] if nodes[p].is_python else wave[p] + 1 for p in parents], default=1
            )
        else:
            wave[uid] = max([wave[p] for p in parents], default=0)
    steps: list[Step] = []
    last = max(wave.values(), default=-1)
    for k in range(last + 1):
        python_ids = [uid for uid in order if nodes[uid].is_python and wave[uid] == k]
        if python_ids:
            steps.append(Step("python", tuple(nodes[uid].name for uid in python_ids)))
        sql_ids = [uid for uid in order if not nodes[uid].is_python and wave[uid] == k]
        if sql_ids:
            steps.append(Step("dbt", tuple(sorted(nodes[uid].name for uid in sql_ids))))
    return steps


def leftover_tests(
    nodes: Mapping[str, Node], executed: Iterable[str], skip: Iterable[str] = ()
) -> list[str]:
    """Names of the data tests that the dbt steps did not run although every parent exists
    (e.g. a test on a Python model that no later SQL model reads). Tests of a node in
    `skip` stay out: those tables are not built."""
    done = set(executed)
    skipped = set(skip)
    existing = {uid for uid, n in nodes.items() if n.resource_type in BUILT_TYPES}
    return sorted(
        node.name
        for uid, node in nodes.items()
        if node.resource_type == "test"
        and uid not in done
        and node.depends_on
        and all(p in existing and p not in skipped for p in node.depends_on)
    )


# --------------------------------------------------------------------------------------
# Python models on Spark


def arrow_to_plain(table: pa.Table) -> pa.Table:
    """Spark hands timestamps over as UTC-zoned Arrow columns; DuckDB's TIMESTAMP is naive
    UTC. Drop the zone so a model sees the same frame from both engines."""
    fields = []
    for fld in table.schema:
        if pa.types.is_timestamp(fld.type) and fld.type.tz is not None:
            fields.append(pa.field(fld.name, pa.timestamp(fld.type.unit), fld.nullable))
        else:
            fields.append(fld)
    return table.cast(pa.schema(fields))


def arrow_for_spark(table: pa.Table) -> pa.Table:
    """The reverse of `arrow_to_plain`: naive timestamps (UTC by convention) get the UTC
    zone, so Spark stores them as TIMESTAMP, not TIMESTAMP_NTZ."""
    fields = []
    for fld in table.schema:
        if pa.types.is_timestamp(fld.type) and fld.type.tz is None:
            fields.append(pa.field(fld.name, pa.timestamp(fld.type.unit, tz="UTC"), fld.nullable))
        else:
            fields.append(fld)
    return table.cast(pa.schema(fields))


class SparkRelation:
    """The part of DuckDB's relation API that Python models use, over a Spark DataFrame."""

    def __init__(self, frame: Any) -> None:
        self._frame = frame

    def select(self, *columns: str) -> SparkRelation:
        return SparkRelation(self._frame.select(*columns))

    def filter(self, condition: str) -> SparkRelation:
        return SparkRelation(self._frame.filter(condition))

    def to_arrow_table(self) -> pa.Table:
        return arrow_to_plain(self._frame.toArrow())

    arrow = to_arrow_table
    fetch_arrow_table = to_arrow_table

    def df(self) -> pd.DataFrame:
        return self.to_arrow_table().to_pandas()

    to_df = df

    def fetchnumpy(self) -> dict[str, Any]:
        table = self.to_arrow_table()
        return {name: table.column(name).to_numpy() for name in table.column_names}

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._frame.collect()]


class _ModelConfig:
    """`dbt.config(...)` (ignored: the manifest already holds the config) and
    `dbt.config.get(key)` (the model's resolved config)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self._config = dict(config)

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        return None

    def get(self, key: str, default: Any = None) -> Any:
        return self._config.get(key, default)


class SparkDbt:
    """The `dbt` object handed to a Python model's `model(dbt, session)` on Spark."""

    def __init__(
        self, config: Mapping[str, Any], resolve: Callable[..., str], read: Callable[[str], Any]
    ) -> None:
        self.config = _ModelConfig(config)
        self._resolve = resolve
        self._read = read

    def ref(self, *names: str, **kwargs: Any) -> SparkRelation:
        return SparkRelation(self._read(self._resolve("ref", names[-1])))

    def source(self, source_name: str, table_name: str) -> SparkRelation:
        return SparkRelation(self._read(self._resolve("source", source_name, table_name)))


def _load_model_function(path: Path) -> Callable[..., Any]:
    spec = importlib.util.spec_from_file_location(f"rocketmart_spark_model_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise SparkBuildError(f"cannot load Python model {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.model


def result_to_arrow(result: Any) -> pa.Table:
    """A Python model's return value as Arrow; pandas NaN becomes null, as in DuckDB."""
    if isinstance(result, pa.Table):
        return result
    if isinstance(result, pa.RecordBatchReader):
        return result.read_all()
    if isinstance(result, SparkRelation):
        return result.to_arrow_table()
    if isinstance(result, pd.DataFrame):
        return pa.Table.from_pandas(result, preserve_index=False)
    raise SparkBuildError(f"a Python model returned {type(result).__name__}, not a data frame")


def relation_name(raw_node: Mapping[str, Any]) -> str:
    return f"{raw_node['schema']}.{raw_node.get('alias') or raw_node['name']}"


def run_python_model(spark: Any, manifest: Mapping[str, Any], unique_id: str, project: Path):
    """Run one Python model on Spark and (over)write its table."""
    raw = manifest["nodes"][unique_id]
    by_name = {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] in BUILT_TYPES and n["package_name"] == raw["package_name"]
    }

    def resolve(kind: str, *args: str) -> str:
        if kind == "ref":
            return relation_name(by_name[args[0]])
        source = next(
            s
            for s in manifest["sources"].values()
            if s["source_name"] == args[0] and s["name"] == args[1]
        )
        return f"{source['schema']}.{source.get('identifier') or source['name']}"

    model = _load_model_function(project / raw["original_file_path"])
    dbt = SparkDbt(raw.get("config") or {}, resolve, spark.table)
    table = result_to_arrow(model(dbt, spark))
    frame = spark.createDataFrame(arrow_for_spark(table))
    spark.sql(f"create schema if not exists {raw['schema']}")
    frame.write.mode("overwrite").saveAsTable(relation_name(raw))


# --------------------------------------------------------------------------------------
# The build


def _invoke(args: Sequence[str]):
    from dbt.cli.main import dbtRunner

    return dbtRunner().invoke(list(args))


def _failure_line(result) -> str:
    if result.exception is not None:
        lines = [ln.strip() for ln in str(result.exception).splitlines() if ln.strip()]
        return (lines or ["dbt failed"])[0]
    for r in getattr(result.result, "results", []) or []:
        if str(getattr(r, "status", "")).lower() in {"error", "fail", "runtime error"}:
            message = " ".join(str(r.message or "").split())
            return f"{r.node.name}: {message}"[:400]
    return "dbt failed"


def _executed(result) -> set[str]:
    return {r.node.unique_id for r in getattr(result.result, "results", []) or []}


def build(
    project: Path,
    profiles_dir: Path,
    target: str = "spark",
    dbt_args: Sequence[str] = (),
    skip_selector: str | None = None,
    before_build: Callable[[Any], None] | None = None,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    data_tests: bool = True,
    unit_tests: bool = True,
) -> SparkBuildSummary:
    """Build the project on the Spark target: dbt steps and Python steps, then the data
    tests no step ran. `skip_selector` (a dbt selection, e.g. "path:models/staging") names
    nodes that are not built (their tables already exist, or they are not ported);
    `before_build(spark)` runs once the SparkSession is up and may create those tables.
    `data_tests` / `unit_tests` False leave those tests out (a comparison with a tested
    DuckDB build of the same data need not run them again). `dbt_args` go to every dbt
    call (e.g. --vars). Raises SparkBuildError with one line on the first failing step."""
    started = time.perf_counter()
    # dbt's target folder beside the Spark warehouse: processes with their own
    # ROCKETMART_SPARK_DIR (make test-spark's two lanes) do not share manifests
    target_path = prepare_spark_dir(project) / "target"
    common = [
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(profiles_dir),
        "--target",
        target,
        "--target-path",
        str(target_path),
        *dbt_args,
    ]
    # `dbt ls` / `dbt parse` writes the manifest; ls also lists the skipped nodes
    skip: list[str] = []
    if skip_selector:
        listed = _invoke(
            [
                "ls",
                "--quiet",
                "--output",
                "json",
                "--output-keys",
                "unique_id",
                "--select",
                skip_selector,
                *common,
            ]
        )
        if not listed.success:
            raise SparkBuildError(_failure_line(listed))
        skip = [json.loads(line)["unique_id"] for line in listed.result]
    else:
        parsed = _invoke(["parse", "--quiet", *common])
        if not parsed.success:
            raise SparkBuildError(_failure_line(parsed))
    manifest = json.loads((target_path / "manifest.json").read_text())
    nodes = nodes_from_manifest(manifest)
    steps = plan_steps(nodes, skip)

    spark = _spark_session(common)
    if before_build is not None:
        before_build(spark)

    excluded_types = [
        f"test_type:{kind}"
        for kind, wanted in (("data", data_tests), ("unit", unit_tests))
        if not wanted
    ]
    excluded = ["--exclude", *excluded_types] if excluded_types else []
    summary = SparkBuildSummary(seconds=0.0)
    executed: set[str] = set()
    for step in steps:
        step_started = time.perf_counter()
        if step.kind == "dbt":
            log(f"dbt build on Spark: {len(step.names)} models/seeds")
            result = _invoke(
                ["build", "--select", *step.names, "--indirect-selection", "buildable"]
                + excluded
                + common
            )
            executed |= _executed(result)
            if not result.success:
                raise SparkBuildError(_failure_line(result))
        else:
            for name in step.names:
                log(f"Python model on Spark: {name}")
                uid = next(u for u, n in nodes.items() if n.name == name and n.is_python)
                try:
                    run_python_model(spark, manifest, uid, project)
                except SparkBuildError:
                    raise
                except Exception as exc:  # one line for the user, whatever the model raised
                    raise SparkBuildError(f"{name}: {type(exc).__name__}: {exc}") from exc
        summary.steps.append((step.kind, len(step.names), time.perf_counter() - step_started))
    remaining = leftover_tests(nodes, executed, skip) if data_tests else []
    if remaining:
        step_started = time.perf_counter()
        log(f"dbt test on Spark: {len(remaining)} tests of Python models")
        result = _invoke(["test", "--select", *remaining, *common])
        if not result.success:
            raise SparkBuildError(_failure_line(result))
        summary.steps.append(("test", len(remaining), time.perf_counter() - step_started))
    summary.seconds = time.perf_counter() - started
    return summary


def prepare_spark_dir(project: Path) -> Path:
    """Fix the folder of the local Spark warehouse and metastore (profiles.yml reads
    ROCKETMART_SPARK_DIR; default <project>/build/spark, absolute so dbt and Spark agree
    whatever the working directory). The in-memory catalog forgets its tables when the
    process ends but their files stay, and Spark refuses to create a table over an
    existing folder: a new process therefore starts from an empty warehouse folder."""
    spark_dir = Path(
        os.environ.setdefault("ROCKETMART_SPARK_DIR", str(project / "build" / "spark"))
    )
    in_memory = os.environ.get("ROCKETMART_SPARK_CATALOG", "in-memory") == "in-memory"
    if in_memory and active_session() is None:
        shutil.rmtree(spark_dir / "warehouse", ignore_errors=True)
    return spark_dir


def active_session():
    """The SparkSession of this process (the one the build used)."""
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession()


def _spark_session(common: Sequence[str]):
    """The SparkSession dbt-spark's session method uses, created with the profile's
    settings: `dbt show` opens the connection in this process (and runs no hooks)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    result = _invoke(["show", "--inline", "select 1 as one", "--limit", "1", "--quiet", *common])
    if not result.success:
        raise SparkBuildError(_failure_line(result))
    session = SparkSession.getActiveSession()
    if session is None:
        session = SparkSession.builder.getOrCreate()
    return session


def build_from_raw(raw_dir: Path | None, target: str = "spark", project: Path | None = None):
    """`rocketmart build --target spark`: every model built on Spark from the raw files of
    `raw_dir` (default $ROCKETMART_RAW_DIR or data/raw), read by the same Python line
    readers as on DuckDB. One line on any failure."""
    from rocketmart.warehouse import project_dir, resolve_raw_dir

    raw = resolve_raw_dir(raw_dir)
    if not raw.is_dir():
        raise SparkBuildError(f"raw directory {raw} does not exist or is not a directory")
    if not (raw / "events.csv").is_file():
        raise SparkBuildError(f"missing raw file {raw / 'events.csv'} (set --raw-dir)")
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkBuildError(
            "the Spark extra is not installed: pip install -e '.[spark]' (needs Java 17)"
        ) from exc
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise SparkBuildError(
            "Spark needs Java 17: install it (apt-get install openjdk-17-jre-headless)"
        )
    # the base models' raw_dir config reads it when dbt parses (absolute: dbt and the
    # Python line readers agree whatever the working directory)
    os.environ["ROCKETMART_RAW_DIR"] = str(raw.resolve())
    root = project or project_dir()
    return build(root, root, target=target)
