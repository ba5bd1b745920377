"""The physical-line reader behind the staging base models (rocketmart.rawfiles)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from rocketmart import rawfiles
from rocketmart.rawfiles import RawFile, RawFileError

EVENTS_HEADER = b"timestamp,visitorid,event,itemid,transactionid"
PROPS_HEADER = b"timestamp,itemid,property,value"


def physical_lines(content: bytes) -> list[bytes]:
    """SPEC §3 by brute force: lines end at \\n, a \\r before it is dropped, a final line
    without \\n counts; the header (line 1) is not a data line."""
    pieces = content.split(b"\n")
    if pieces and pieces[-1] == b"":
        pieces.pop()
    return [p[:-1] if p.endswith(b"\r") else p for p in pieces][1:]


def expected_text(line: bytes) -> str:
    return line.decode("utf-8", errors="backslashreplace")


def read(path, kind, chunk_bytes=rawfiles.CHUNK_BYTES, workers=2) -> list[tuple[int, str]]:
    out = []
    for batch in rawfiles.iter_lines(RawFile(path, kind), chunk_bytes, workers):
        rows = batch.to_pylist()
        out += [(r["line_number"], r["raw_line"]) for r in rows if r["raw_line"] is not None]
    return out


HOSTILE = (
    EVENTS_HEADER + b"\r\n"
    b"1,2,view,3,\n"
    b"4,5,view,6,\r\n"  # CRLF in an LF file
    b"a\rb,c\n"  # a lone CR is data
    b"\n"  # blank line
    b"\r\n"  # blank CRLF line
    b"x\x01y\x00z\n"  # control bytes and NUL
    b"lat\xe9in\n"  # a Latin-1 byte (invalid UTF-8)
    b"utf\xc3\xa9 \xf0\x9f\x98\x80\n"  # valid UTF-8
    b"two\r\r\n"  # only the last CR belongs to the line ending
     + b"L" * 3_000_000 + b"\n"  # a line over 2 MB
    b"\xef\xbb\xbf1,2,view,3,\n"  # a BOM mid-file is data
    b"last"  # final line without \n
)


@pytest.mark.parametrize(
    ("chunk_bytes", "workers"), [(rawfiles.CHUNK_BYTES, 2), (7, 2), (1024, 1), (1024, 3)]
)
def test_every_physical_line_is_one_row_with_its_exact_text(tmp_path, chunk_bytes, workers):
    path = tmp_path / "events.csv"
    path.write_bytes(HOSTILE)
    rows = read(path, "events", chunk_bytes, workers)
    expected = [expected_text(line) for line in physical_lines(HOSTILE)]
    assert [text for _, text in rows] == expected
    assert [n for n, _ in rows] == list(range(1, len(expected) + 1))
    assert rows[2][1] == "a\rb,c" and rows[3][1] == "" and rows[6][1] == "lat\\xe9in"
    assert rows[8][1] == "two\r"


@pytest.mark.parametrize(
    ("content", "n_lines"),
    [
        (EVENTS_HEADER, 0),
        (EVENTS_HEADER + b"\n", 0),
        (EVENTS_HEADER + b"\n\n", 1),
        (EVENTS_HEADER + b"\n1,2,view,3,", 1),
        (EVENTS_HEADER + b"\n1,2,view,3,\n\n\n", 3),
    ],
)
def test_line_count_edges(tmp_path, content, n_lines):
    path = tmp_path / "events.csv"
    path.write_bytes(content)
    assert len(read(path, "events")) == n_lines == len(physical_lines(content))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "found '<empty file>'"),
        (b"ts,visitor,event,item,tx\n1,2,view,3,\n", "found 'ts,visitor,event,item,tx'"),
    ],
)
def test_wrong_header_names_the_file_and_the_expected_header(tmp_path, content, message):
    path = tmp_path / "events.csv"
    path.write_bytes(content)
    with pytest.raises(RawFileError) as error:
        rawfiles.read_lines(tmp_path, "events")
    text = str(error.value)
    assert str(path) in text and message in text
    assert "timestamp,visitorid,event,itemid,transactionid" in text


def test_header_tolerates_bom_crlf_case_and_blanks(tmp_path):
    path = tmp_path / "category_tree.csv"
    path.write_bytes(b"\xef\xbb\xbfCategoryId, ParentId\r\n1,\n")
    assert read(path, "category_tree") == [(1, "1,")]


def test_missing_file_and_directory_are_named(tmp_path):
    with pytest.raises(RawFileError, match="Missing raw file .*events.csv"):
        rawfiles.read_lines(tmp_path, "events")
    with pytest.raises(RawFileError, match="does not exist or is not a directory"):
        rawfiles.read_lines(tmp_path / "nope", "events")


def test_raw_dir_is_taken_literally(tmp_path):
    """Glob characters in the directory name are not expanded: "raw[1]" is not "raw1",
    "raw*star" does not reach a sibling directory."""
    for name in ("raw[1]", "raw1", "raw*star", "rawXstar"):
        (tmp_path / name).mkdir()
    (tmp_path / "raw1" / "item_properties_part1.csv").write_bytes(PROPS_HEADER + b"\n")
    (tmp_path / "rawXstar" / "item_properties_part1.csv").write_bytes(PROPS_HEADER + b"\n")
    assert rawfiles.raw_files(tmp_path / "raw[1]", "item_properties") == []
    assert rawfiles.raw_files(tmp_path / "raw*star", "item_properties") == []


def test_property_parts_are_listed_by_name_only_regular_files(tmp_path):
    evil = "item_properties_part9') union all select 1; copy (select 42) to 'PWNED.csv'; --.csv"
    for name in ("item_properties_part2.csv", "item_properties_part1.csv", evil):
        (tmp_path / name).write_bytes(PROPS_HEADER + b"\n")
    (tmp_path / "item_properties_part3.csv").mkdir()
    (tmp_path / "item_properties_part4.csv.bak").write_bytes(b"")
    names = [f.name for f in rawfiles.raw_files(tmp_path, "item_properties")]
    assert names == ["item_properties_part1.csv", "item_properties_part2.csv", evil]


def test_out_of_scope_mask_keeps_only_well_formed_lines_of_other_keys():
    lines = pa.array(
        [
            "1435460400000,5,888,1 2 n3.000",  # well-formed, other key: out of scope
            "1435460400000,5,888,",  # empty value is still 4 fields
            "1435460400000,5,790,n5.000",  # kept key
            "1435460400000,5,categoryid,3",
            "1435460400000,5,available,1",
            "1435460400000,5,,1",  # empty key
            "1435460400000,5,888",  # 3 fields
            "1435460400000,5,888,a,b",  # 5 fields
            "1435460400000.5,5,888,x",  # decimal timestamp
            "1435460400000,-5,888,x",  # signed item
            "",  # blank
            "0001435460400000000,5,888,x",  # 19 digits within int64
            "9223372036854775808,5,888,x",  # beyond int64
            "1435460400000,5,888,x\x01",  # a control byte in a value we never read
        ]
    )
    mask = rawfiles.out_of_scope_mask(lines).to_pylist()
    assert mask == [True, True] + [False] * 9 + [True, False, True]


def test_property_reader_sets_aside_out_of_scope_lines_with_their_count(tmp_path):
    content = PROPS_HEADER + b"\n1,5,888,x\n1,5,790,n1.0\n1,6,888,y\n\n2,6,888,z"
    (tmp_path / "item_properties_part1.csv").write_bytes(content)
    (tmp_path / "item_properties_part2.csv").write_bytes(PROPS_HEADER + b"\n")
    rows = rawfiles.read_lines(tmp_path, "item_properties").read_all().to_pylist()
    assert [(r["file_name"], r["line_number"], r["raw_line"], r["n_lines"]) for r in rows] == [
        ("item_properties_part1.csv", 2, "1,5,790,n1.0", 1),
        ("item_properties_part1.csv", 4, "", 1),
        ("item_properties_part1.csv", None, None, 3),
        ("item_properties_part2.csv", None, None, 0),
    ]
