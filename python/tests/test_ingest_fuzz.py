"""Hostile raw files and hostile paths against a real build (SPEC §2, §3).

One full `rocketmart build` on a small generated dataset to which hostile lines are
appended in all three files, in a raw directory whose name holds glob and SQL
characters, beside a decoy directory the glob would match, with a property part whose
file name carries SQL. Asserts: the build succeeds, raw_rows equals the physical line
count of every file, every injected line is clean with its exact values or quarantined
with the expected reason, nothing is rewritten, the far-future outlier does not move
as-of, and no file appears outside the output.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from rocketmart.cli import app
from rocketmart.generator import generate_dataset

runner = CliRunner()

V = 9000000667  # a visitor id the lenient casts would produce from the variants below
V_TS = 9000000700  # visitor of the rounded-timestamp variants
EVIL_PART = (
    "item_properties_part9') union all select 1; "
    "copy (select 42 as pwned) to 'PWNED.csv'; select ('.csv"
)

# (line bytes, expected): ("clean", (epoch_ms, visitor_id, event_type, item_id)) or a reason
EVENT_CASES: list[tuple[bytes, object]] = [
    (
        b"1433221332117,900000001,view,800001,\r\n",
        ("clean", (1433221332117, 900000001, "view", 800001)),
    ),
    (
        b"1433221332118,900000002,view,800002,\r1433221332119,900000002,view,800002,\n",
        "unparseable",
    ),
    (b"1433221332120,900000003,view,800003,\x01\n", "unparseable"),
    (b"1433221332121,9000\x0000004,view,800004,\n", "unparseable"),
    (b"1433221332122,900000005,vi\xe9w,800005,\n", "unknown_event_type"),
    (b"14332213321\xff23,900000006,view,800006,\n", "unparseable"),
    (b"1433221332124,900000007,view\xf0\x9f\x98\x80,800007,\n", "unknown_event_type"),
    (b"1433221332125,900000008,view,800008," + b"x" * 2_500_000 + b"\n", "unparseable"),
    (b"\n", "unparseable"),
    (b"\r\n", "unparseable"),
    (b"timestamp,visitorid,event,itemid,transactionid\n", "unparseable"),
    (b"\xef\xbb\xbf1433221332127,900000011,view,800011,\n", "unparseable"),
    (b"1433221332126,9000000667.5,view,800009,\n", "unparseable"),
    (b"1433221332126,9.000000667e9,view,800009,\n", "unparseable"),
    (b"1433221332126,0x218711A9B,view,800009,\n", "unparseable"),
    (b"1433221332126,9_000_000_667,view,800009,\n", "unparseable"),
    (b"1433221332126, 9000000667,view,800009,\n", "unparseable"),
    (b"1433221332126,+9000000667,view,800009,\n", "unparseable"),
    (b"1433221332126,9223372036854775808,view,800009,\n", "unparseable"),
    (b"1.4306249e12,9000000700,view,800009,\n", "unparseable"),
    (b"1430624900222.6,9000000700,view,800009,\n", "unparseable"),
    (b"1433221332126,900000013,transaction,800013,4.0\n", "unparseable"),
    (b"1433221332126,900000014,view,800014,,\n", "unparseable"),
    (
        b"4102444799000,900000010,view,800010,\n",
        ("clean", (4102444799000, 900000010, "view", 800010)),
    ),
    (
        b"1433221332128,900000012,view,800012,",
        ("clean", (1433221332128, 900000012, "view", 800012)),
    ),
]

# (line, expected): ("clean", (category_id, parent_id)) or a reason
TREE_CASES: list[tuple[bytes, object]] = [
    (b"5000001,\r\n", ("clean", (5000001, None))),
    (b"5000002,5000001\n", ("clean", (5000002, 5000001))),
    (b"5000010.4,24\n", "unparseable"),
    (b"0x4C4B4A,24\n", "unparseable"),  # 5000010 in hex
    (b"\n", "unparseable"),
    (b"5000003\x01,5000001\n", "unparseable"),
    (b"50000\xe904,5000001\n", "unparseable"),
    (b"5000005,5000001\r5000006,5000001\n", "unparseable"),
    (b"5000007," + b"9" * 2_500_000 + b"\n", "unparseable"),
    (b"5000009,-1\n", "unparseable"),
    (b"5000008,5000002", ("clean", (5000008, 5000002))),
]

# (line, expected): ("clean", (item_id, property_name, value)), "out_of_scope" or a reason
PROPERTY_CASES: list[tuple[bytes, object]] = [
    (b"1433221332117,700001,790,n-5.000\n", "invalid_value"),
    (b"1433221332117,700002,790,n100.000,n200.000\n", "unparseable"),
    (b"1433221332117,700003,categoryid,12.5\n", "invalid_value"),
    (b"1433221332118,700003,categoryid,0x10\n", "invalid_value"),
    (b"1433221332117,700004,790,n" + b"9" * 400 + b"\n", "invalid_value"),
    (b"1433221332117,700005,available,2\n", "invalid_value"),
    (b"\n", "unparseable"),
    (b"1433221332117,700006,790,n12.500\r\n", ("clean", (700006, "price", 12.5))),
    (b"1433221332117,700007,categoryid,1016\r5\n", "invalid_value"),
    (b"1433221332117,700008,888,some \x01 value\n", "out_of_scope"),
    (b"1433221332117,700009,888,caf\xe9\n", "out_of_scope"),
    (b"1433221332117,70001\x000,available,1\n", "unparseable"),
    (b"14332213321.17,700011,available,1\n", "unparseable"),
    (b"1433221332117,700012,888\n", "unparseable"),
    (b"1433221332117,700013,888," + b"y" * 2_500_000 + b"\n", "out_of_scope"),
    (b"1433221332117,700015,categoryid,1016\n", ("clean", (700015, "category_id", 1016))),
    (b"1433221332117,700014,available,1", ("clean", (700014, "is_available", True))),
]

PROPERTY_HEADER = b"timestamp,itemid,property,value\r\n"


def physical_count(content: bytes) -> int:
    pieces = content.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()
    return len(pieces) - 1  # minus the header


def append(path: Path, cases) -> int:
    """Append the case lines; returns the line number (after the header) of the first."""
    content = path.read_bytes()
    if not content.endswith(b"\n"):
        content += b"\n"
    first = physical_count(content) + 1
    path.write_bytes(content + b"".join(line for line, _ in cases))
    return first


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    raw = root / "raw[1] it's; *x"
    decoy = root / "raw1 it's; Yx"  # what the raw dir's name matches as a glob
    generate_dataset(raw, 500, 11, with_properties=True)
    generate_dataset(decoy, 50, 12, with_properties=True)
    (decoy / "item_properties_part7.csv").write_bytes(PROPERTY_HEADER + b"1,2,790,n1.0\n")

    first = {
        "events.csv": append(raw / "events.csv", EVENT_CASES),
        "category_tree.csv": append(raw / "category_tree.csv", TREE_CASES),
    }
    part3 = raw / "item_properties_part3.csv"
    part3.write_bytes(PROPERTY_HEADER)
    first["item_properties_part3.csv"] = append(part3, PROPERTY_CASES)
    (raw / EVIL_PART).write_bytes(b"timestamp,itemid,property,value\n1433221332117,700016,888,x\n")

    out_dir = root / "out it's [1]; *"
    db = out_dir / "wh it's.duckdb"
    before = {p for p in root.rglob("*")}
    result = runner.invoke(app, ["build", "--raw-dir", str(raw), "--db", str(db)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    yield {"raw": raw, "root": root, "db": db, "con": con, "first": first, "before": before}
    con.close()


def _q(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def test_raw_rows_equal_the_physical_line_count_of_every_file(hostile):
    con, raw = hostile["con"], hostile["raw"]
    reconciliation = dict(_q(con, "select file_name, raw_rows from audit.load_reconciliation"))
    files = ["events.csv", "category_tree.csv", "item_properties_part1.csv",
             "item_properties_part2.csv", "item_properties_part3.csv", EVIL_PART]  # fmt: skip
    assert sorted(reconciliation) == sorted(files)  # nothing from the decoy directory
    for name in files:
        assert reconciliation[name] == physical_count((raw / name).read_bytes()), name
    balance = _q(
        con,
        "select count(*) from audit.load_reconciliation "
        "where raw_rows != clean_rows + duplicate_rows_dropped + quarantined_rows",
    )
    assert balance == [(0,)]


def test_every_hostile_event_line_is_clean_or_quarantined_as_expected(hostile):
    con, first = hostile["con"], hostile["first"]["events.csv"]
    for offset, (line, expected) in enumerate(EVENT_CASES):
        number = first + offset
        reason = _q(
            con, "select quarantine_reason from audit.quarantined_events where line_number = ?",
            [number],
        )  # fmt: skip
        if isinstance(expected, tuple):
            assert reason == [], line[:60]
            ts, visitor, event_type, item = expected[1]
            found = _q(
                con,
                "select epoch_ms(event_at), event_type, item_id "
                "from staging.stg_retailrocket__events where visitor_id = ?",
                [visitor],
            )
            assert found == [(ts, event_type, item)], line[:60]
        else:
            assert reason == [(expected,)], line[:60]


def test_no_number_is_rounded_or_reinterpreted(hostile):
    con = hostile["con"]
    rewritten = _q(
        con,
        "select count(*) from staging.stg_retailrocket__events where visitor_id in (?, ?, ?)",
        [V, V + 1, V_TS],
    )
    assert rewritten == [(0,)]
    categories = _q(
        con,
        "select count(*) from staging.stg_retailrocket__category_tree "
        "where category_id in (5000003, 5000004, 5000005, 5000009, 5000010, 5000011)",
    )
    assert categories == [(0,)]
    prices = _q(
        con,
        "select count(*) from staging.stg_retailrocket__item_properties "
        "where item_id in (700001, 700002, 700004) or not isfinite(price)",
    )
    assert prices == [(0,)]


def test_every_hostile_tree_line_is_clean_or_quarantined_as_expected(hostile):
    con = hostile["con"]
    for line, expected in TREE_CASES:
        if isinstance(expected, tuple):
            category, parent = expected[1]
            found = _q(
                con,
                "select parent_id from staging.stg_retailrocket__category_tree "
                "where category_id = ?",
                [category],
            )
            assert found == [(parent,)], line[:40]
        else:
            text = line.rstrip(b"\n").removesuffix(b"\r").decode("utf-8", "backslashreplace")
            issue = _q(
                con, "select issue from audit.category_tree_issues where raw_line = ?", [text]
            )
            assert issue == [(expected,)], line[:40]


def test_every_hostile_property_line_is_clean_or_quarantined_as_expected(hostile):
    con, first = hostile["con"], hostile["first"]["item_properties_part3.csv"]
    n_out_of_scope = sum(1 for _, expected in PROPERTY_CASES if expected == "out_of_scope")
    assert _q(
        con,
        "select out_of_scope_rows from audit.load_reconciliation where file_name = ?",
        ["item_properties_part3.csv"],
    ) == [(n_out_of_scope,)]
    for offset, (line, expected) in enumerate(PROPERTY_CASES):
        reason = _q(
            con,
            "select quarantine_reason from audit.quarantined_item_properties "
            "where file_name = 'item_properties_part3.csv' and first_line_number = ?",
            [first + offset],
        )
        if isinstance(expected, tuple):
            item, name, value = expected[1]
            column = {
                "price": "price",
                "category_id": "category_id",
                "is_available": "is_available",
            }
            found = _q(
                con,
                f"select {column[name]} from staging.stg_retailrocket__item_properties "
                "where item_id = ? and property_name = ?",
                [item, name],
            )
            assert (reason, found) == ([], [(value,)]), line[:60]
        elif expected == "out_of_scope":
            assert reason == [], line[:60]
        else:
            assert reason == [(expected,)], line[:60]


def test_far_future_outlier_does_not_move_as_of_and_is_counted(hostile):
    con = hostile["con"]
    as_of = _q(con, "select year(as_of_at) from intermediate.int_as_of")
    assert as_of == [(2015,)]
    after = _q(
        con,
        "select n_flagged from audit.data_quality_summary where check_name = 'events_after_as_of'",
    )
    assert after == [(1,)]
    in_marts = _q(
        con,
        "select count(*) from intermediate.int_events_enriched where visitor_id = 900000010",
    )
    assert in_marts == [(0,)]
    assert _q(con, "select count(*) from marts.visitor_segments where visitor_id = 900000010") == [
        (0,)
    ]


def test_no_file_appears_outside_the_output(hostile):
    root = hostile["root"]
    after = {p for p in root.rglob("*")}
    new = {p.relative_to(root).as_posix() for p in after - hostile["before"]}
    out = hostile["db"].parent.relative_to(root).as_posix()
    assert all(p == out or p.startswith(out + "/") for p in new), new
    assert not (Path.cwd() / "PWNED.csv").exists()  # dbt's working directory
    assert not list(root.rglob("PWNED.csv"))
