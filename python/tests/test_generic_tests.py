"""The project's own generic dbt tests (tests/generic) can fail: each is rendered with plain
Jinja (as dbt would, for the arguments used here) and run on small DuckDB tables whose
expected failing rows are written out by hand."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import jinja2
import pytest

GENERIC = Path(__file__).resolve().parents[2] / "tests" / "generic"


def render(name: str, **arguments) -> str:
    text = (GENERIC / f"{name}.sql").read_text()
    body = re.search(r"{% test " + name + r"\(.*?\) %}(.*){% endtest %}", text, re.S).group(1)
    return jinja2.Template(body).render(**arguments)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(
        "create table keys (file_name varchar, line_number bigint, payload varchar);"
        "insert into keys values ('a.csv', 1, 'x'), ('a.csv', 2, 'y'), ('b.csv', 1, 'z'),"
        " (null, 3, 'p'), ('b.csv', null, 'q')"
    )
    return con


def failures(con, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def test_unique_combination_passes_on_unique_keys(con):
    sql = render(
        "unique_combination_of_columns",
        model="keys",
        combination_of_columns=["file_name", "line_number"],
    )
    assert failures(con, sql) == []


def test_unique_combination_reports_each_repeated_combination_with_its_count(con):
    con.execute(
        "insert into keys values ('a.csv', 2, 'again'), ('a.csv', 2, 'thrice'),"
        " (null, 3, 'null is equal to null'), ('b.csv', 2, 'new, unique')"
    )
    sql = render(
        "unique_combination_of_columns",
        model="keys",
        combination_of_columns=["file_name", "line_number"],
    )
    assert failures(con, sql) == [("a.csv", 2, 3), (None, 3, 2)]


def test_unique_combination_is_exact_when_every_hash_collides(con):
    # every key hashes alike: the second, exact pass must still report only real repeats
    sql = render(
        "unique_combination_of_columns",
        model="keys",
        combination_of_columns=["file_name", "line_number"],
    )
    colliding = sql.replace("hash(", "0 * hash(")
    assert colliding.count("0 * hash(") == 3
    assert failures(con, colliding) == []
    con.execute("insert into keys values ('b.csv', 1, 'repeat')")
    assert failures(con, colliding) == [("b.csv", 1, 2)]
