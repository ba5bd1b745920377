"""The Spark runner's planning and its Python-model adapter (no Spark needed)."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from rocketmart import spark_runner
from rocketmart.spark_runner import Node, Step, leftover_tests, plan_steps


def _model(name, *parents, language="sql"):
    return Node(f"model.p.{name}", name, "model", language, tuple(f"model.p.{p}" for p in parents))


def _nodes(*nodes):
    return {n.unique_id: n for n in nodes}


def test_plan_without_python_models_is_one_dbt_step():
    nodes = _nodes(_model("a"), _model("b", "a"), _model("c", "b"))
    assert plan_steps(nodes) == [Step("dbt", ("a", "b", "c"))]


def test_plan_puts_python_models_between_their_parents_and_children():
    # a -> py1 -> b -> py2 -> c ; d depends on a only; py3 on py1 (same python step)
    nodes = _nodes(
        _model("a"),
        _model("py1", "a", language="python"),
        _model("py3", "py1", language="python"),
        _model("b", "py1"),
        _model("py2", "b", language="python"),
        _model("c", "py2", "a"),
        _model("d", "a"),
    )
    assert plan_steps(nodes) == [
        Step("dbt", ("a", "d")),
        Step("python", ("py1", "py3")),
        Step("dbt", ("b",)),
        Step("python", ("py2",)),
        Step("dbt", ("c",)),
    ]


def test_plan_every_node_after_all_its_parents():
    """Brute force over a random DAG: each node's step comes after each parent's step."""
    rng = np.random.default_rng(3)
    names = [f"n{i}" for i in range(40)]
    nodes = {}
    for i, name in enumerate(names):
        parents = [names[j] for j in range(i) if rng.random() < 0.1]
        language = "python" if rng.random() < 0.25 else "sql"
        node = _model(name, *parents, language=language)
        nodes[node.unique_id] = node
    steps = plan_steps(nodes)
    position = {name: k for k, step in enumerate(steps) for name in step.names}
    order_in_step = {name: i for step in steps for i, name in enumerate(step.names)}
    assert sorted(position) == sorted(names)
    for node in nodes.values():
        for parent in node.depends_on:
            p = parent.split(".")[-1]
            assert position[p] <= position[node.name]
            if position[p] == position[node.name] and steps[position[p]].kind == "python":
                # the runner runs a Python step's models in this order (dbt orders its own)
                assert order_in_step[p] < order_in_step[node.name]
    # steps alternate, so no two dbt invocations follow each other
    assert all(a.kind != b.kind for a, b in zip(steps, steps[1:], strict=False))


def test_plan_leaves_skipped_nodes_out():
    nodes = _nodes(_model("stg"), _model("a", "stg"), _model("py", "a", language="python"))
    assert plan_steps(nodes, skip=["model.p.stg"]) == [
        Step("dbt", ("a",)),
        Step("python", ("py",)),
    ]


def test_plan_starts_with_python_when_nothing_precedes_it():
    nodes = _nodes(_model("py", language="python"), _model("a", "py"))
    assert plan_steps(nodes) == [Step("python", ("py",)), Step("dbt", ("a",))]


def test_leftover_tests_are_those_not_run_whose_parents_exist():
    nodes = _nodes(
        _model("a"),
        _model("py", "a", language="python"),
        _model("stg"),
        Node("test.p.t_a", "t_a", "test", "sql", ("model.p.a",)),
        Node("test.p.t_py", "t_py", "test", "sql", ("model.p.py",)),
        Node("test.p.t_stg", "t_stg", "test", "sql", ("model.p.stg",)),
        Node("test.p.t_gone", "t_gone", "test", "sql", ("model.p.missing",)),
    )
    assert leftover_tests(nodes, executed=["test.p.t_a"], skip=["model.p.stg"]) == ["t_py"]


def test_arrow_timestamps_round_trip_between_naive_and_utc():
    naive = pa.table({"at": pa.array([pd.Timestamp("2015-06-01 12:00:00.123")]), "x": [1]})
    zoned = spark_runner.arrow_for_spark(naive)
    assert zoned.schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert spark_runner.arrow_to_plain(zoned).equals(
        naive.cast(spark_runner.arrow_to_plain(zoned).schema)
    )
    assert zoned.column("at").to_pylist()[0].hour == 12


def test_result_to_arrow_turns_nan_into_null():
    table = spark_runner.result_to_arrow(pd.DataFrame({"p": [0.5, np.nan], "s": ["a", None]}))
    assert table.column("p").to_pylist() == [0.5, None]
    assert table.column("s").to_pylist() == ["a", None]
    with pytest.raises(spark_runner.SparkBuildError):
        spark_runner.result_to_arrow([1, 2])


class _FakeFrame:
    """Just enough of a Spark DataFrame for SparkRelation."""

    def __init__(self, table: pa.Table):
        self.table = table

    def select(self, *columns):
        return _FakeFrame(self.table.select(list(columns)))

    def filter(self, condition):
        column, value = condition.split(" != ")
        mask = pa.compute.not_equal(self.table.column(column), value.strip("'"))
        return _FakeFrame(self.table.filter(mask))

    def toArrow(self):  # noqa: N802 - Spark's name
        return self.table


def test_spark_dbt_object_answers_refs_and_config_like_duckdb():
    table = pa.table({"split": ["train", "score"], "visitor_id": [1, 2], "extra": [0.1, 0.2]})
    read = {"intermediate.int_x": _FakeFrame(table)}
    dbt = spark_runner.SparkDbt(
        {"similarity_top_k": 20},
        resolve=lambda kind, name: {"int_x": "intermediate.int_x"}[name],
        read=read.__getitem__,
    )
    dbt.config(materialized="table")  # accepted and ignored
    assert dbt.config.get("similarity_top_k") == 20
    assert dbt.config.get("missing", 7) == 7
    relation = dbt.ref("int_x")
    assert list(relation.df().columns) == ["split", "visitor_id", "extra"]
    picked = relation.select("split", "visitor_id").filter("split != 'score'").to_arrow_table()
    assert picked.to_pylist() == [{"split": "train", "visitor_id": 1}]
    arrays = relation.fetchnumpy()
    assert arrays["visitor_id"].tolist() == [1, 2]


def test_cli_build_on_spark_without_a_duckdb_warehouse_fails_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from rocketmart.cli import app

    missing = tmp_path / "none.duckdb"
    result = CliRunner().invoke(app, ["build", "--target", "spark", "--db", str(missing)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: no DuckDB warehouse at {missing}: run `rocketmart build` first "
        "(Spark reads its staging tables until staging is ported)"
    ]
