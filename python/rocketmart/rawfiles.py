"""Read the raw Retail Rocket files as physical lines, exactly (SPEC §3).

DuckDB's CSV reader cannot be told what a line is: it ends lines at a lone ``\\r`` too,
skips blank lines, splits on the delimiter byte wherever it occurs and stops at invalid
UTF-8 or a line over ``max_line_size``. So the staging base models do not read the files
with it: these functions split each file into physical lines and hand them to DuckDB as
Arrow record batches (one varchar ``raw_line`` per line), streamed chunk by chunk so memory
stays bounded at full scale. Staging then parses every line in SQL.

A raw row is one physical line after the header: lines end at ``\\n``, a ``\\r`` before it
is dropped, a final line without ``\\n`` counts and a blank line is a row. Bytes that are
not valid UTF-8 are kept as ``\\xNN`` escapes (such a line can never parse as clean, so it
is quarantined showing exactly which bytes it held).

Paths are data: the raw directory is used literally (no glob expansion of its name) and no
path ever becomes SQL text.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CHUNK_BYTES = 8 * 1024 * 1024  # x (WORKERS + 1) chunks in flight: ~250 MB peak at full scale
WORKERS = 2  # threads splitting and classifying chunks

EVENTS_FILE = "events.csv"
CATEGORY_TREE_FILE = "category_tree.csv"
PROPERTY_FILE_PREFIX = "item_properties_part"
PROPERTY_FILE_SUFFIX = ".csv"

HEADERS: dict[str, str] = {
    "events": "timestamp,visitorid,event,itemid,transactionid",
    "category_tree": "categoryid,parentid",
    "item_properties": "timestamp,itemid,property,value",
}

SCHEMA = pa.schema(
    [
        ("file_name", pa.string()),
        ("line_number", pa.int64()),
        ("raw_line", pa.string()),
        ("n_lines", pa.int64()),
    ]
)

# property keys staging keeps; lines of other keys that are plainly well-formed are only
# counted (they are ~90 % of the 20 M property lines at full scale)
KEPT_PROPERTY_KEYS = ("categoryid", "available", "790")
INT64_MAX = 2**63 - 1


class RawFileError(Exception):
    """A raw file that cannot be used (missing, unreadable, wrong header)."""


@dataclass(frozen=True)
class RawFile:
    path: Path
    kind: str

    @property
    def name(self) -> str:
        return self.path.name


def raw_files(raw_dir: str | os.PathLike[str], kind: str) -> list[RawFile]:
    """The files of one kind in `raw_dir`, taken literally: events.csv and
    category_tree.csv must exist; item_properties_part*.csv may be any number (also none),
    sorted by name. Only regular files directly in the directory count."""
    directory = Path(raw_dir)
    if not directory.is_dir():
        raise RawFileError(f"Raw directory {directory} does not exist or is not a directory")
    if kind == "item_properties":
        try:
            names = sorted(
                entry.name
                for entry in os.scandir(directory)
                if entry.name.startswith(PROPERTY_FILE_PREFIX)
                and entry.name.endswith(PROPERTY_FILE_SUFFIX)
                and entry.is_file()
            )
        except OSError as exc:
            raise RawFileError(f"Cannot list raw directory {directory}: {exc.strerror}") from None
        return [RawFile(directory / name, kind) for name in names]
    name = {"events": EVENTS_FILE, "category_tree": CATEGORY_TREE_FILE}[kind]
    path = directory / name
    if not path.is_file():
        raise RawFileError(f"Missing raw file {path} (expected a CSV with header: {HEADERS[kind]})")
    return [RawFile(path, kind)]


def _normalised_header(line: bytes) -> str:
    text = line.decode("utf-8", errors="backslashreplace")
    return text.removesuffix("\r").removeprefix("\ufeff").strip().lower().replace(" ", "")


def _decode(chunk: bytes | bytearray) -> str:
    """UTF-8 text of a chunk; invalid bytes become ``\\xNN`` (never a newline)."""
    return chunk.decode("utf-8", errors="backslashreplace")


def _split_lines(text: str) -> pa.Array:
    """The lines of `text` (whole lines joined by \\n, without the final \\n); a \\r
    right before the \\n is part of the line ending, not of the line."""
    lines = pc.list_flatten(pc.split_pattern(pa.array([text], pa.large_string()), "\n"))
    has_cr = pc.ends_with(lines, "\r")
    if pc.any(has_cr).as_py():
        lines = pc.if_else(has_cr, pc.utf8_slice_codeunits(lines, 0, -1), lines)
    return lines.cast(pa.string())


def out_of_scope_mask(lines: pa.Array) -> pa.Array:
    """True for property lines that are well-formed lines of a key staging does not keep:
    exactly 4 fields, a timestamp and itemid that are canonical integers within int64,
    a non-empty key other than categoryid / available / 790 (their values are not read).
    Every other line (kept keys, anything malformed) goes to staging to be parsed or
    quarantined, where a malformed line is `unparseable` by the same rules."""
    fields = pc.split_pattern(lines, ",")
    four = np.asarray(pc.equal(pc.list_value_length(fields), 4))
    flat = fields.flatten()
    starts = np.asarray(fields.offsets)[:-1]
    last = max(len(flat) - 1, 0)

    def field(k: int) -> pa.Array:
        # the k-th field where the line has 4 fields (another field elsewhere, masked out)
        return flat.take(pa.array(np.minimum(starts + k, last)))

    def canonical_id(values: pa.Array) -> np.ndarray:
        # a canonical integer within int64, as canonical_bigint() checks it in staging
        ok = np.asarray(pc.ascii_is_decimal(values)) & (np.asarray(pc.binary_length(values)) <= 18)
        long = np.flatnonzero(np.asarray(pc.binary_length(values)) > 18)
        for i in long:  # rare: only 19+ digit ids need the exact int64 bound
            text = values[int(i)].as_py()
            ok[i] = text.isascii() and text.isdigit() and int(text) <= INT64_MAX
        return ok

    key = field(2)
    other_key = ~np.asarray(pc.is_in(key, pa.array((*KEPT_PROPERTY_KEYS, ""))))
    mask = four & other_key & canonical_id(field(0)) & canonical_id(field(1))
    return pa.array(mask)


def _batch(file_name: str, line_numbers: pa.Array, lines: pa.Array, n_lines=None):
    n = len(lines)
    return pa.RecordBatch.from_arrays(
        [
            pa.repeat(pa.scalar(file_name, pa.string()), n),
            line_numbers,
            lines,
            pa.array(np.ones(n, dtype=np.int64)) if n_lines is None else n_lines,
        ],
        schema=SCHEMA,
    )


def _chunks(raw_file: RawFile, chunk_bytes: int) -> Iterator[bytes | bytearray]:
    """The file after its (checked) header, in chunks of whole lines: each chunk is the
    lines joined by \\n without the last \\n; the final chunk may be a last line
    without \\n."""
    expected = HEADERS[raw_file.kind]
    try:
        handle = open(raw_file.path, "rb")  # noqa: SIM115 (closed in finally)
    except OSError as exc:
        raise RawFileError(f"Cannot read raw file {raw_file.path}: {exc.strerror}") from None
    try:
        buffer = bytearray()
        header_done = False
        while True:
            try:
                block = handle.read(chunk_bytes)
            except OSError as exc:
                raise RawFileError(
                    f"Cannot read raw file {raw_file.path}: {exc.strerror}"
                ) from None
            buffer += block
            # only the new block can hold the first \n (searching all of a long line's
            # buffer again on every read would be quadratic)
            cut = buffer.rfind(b"\n", max(len(buffer) - len(block), 0)) if block else -1
            if block and cut < 0:
                continue
            if not header_done:
                end = buffer.find(b"\n")
                found = _normalised_header(bytes(buffer if end < 0 else buffer[:end]))
                if found != expected:
                    shown = found[:80] if found else "<empty file>"
                    raise RawFileError(
                        f"Wrong header in raw file {raw_file.path}: expected '{expected}', "
                        f"found '{shown}'"
                    )
                header_done = True
                del buffer[: (len(buffer) if end < 0 else end + 1)]
                cut = buffer.rfind(b"\n")
            if not block:
                # end of file: whatever is left is a final line without \n (if any)
                if buffer:
                    yield buffer
                return
            if cut < 0:
                continue
            chunk = buffer[:cut]
            del buffer[: cut + 1]
            yield chunk
    finally:
        handle.close()


def _lines_and_mask(chunk: bytes | bytearray, kind: str) -> tuple[pa.Array, pa.Array | None]:
    """The lines of a chunk and, for property files, their out-of-scope mask."""
    lines = _split_lines(_decode(chunk))
    return lines, (out_of_scope_mask(lines) if kind == "item_properties" else None)


def _in_order(raw_file: RawFile, chunk_bytes: int, workers: int):
    """_lines_and_mask of every chunk, in file order, computed by `workers` threads
    (pyarrow's kernels release the GIL) with at most workers + 1 chunks in flight."""
    chunks = _chunks(raw_file, chunk_bytes)
    if workers <= 1:
        for chunk in chunks:
            yield _lines_and_mask(chunk, raw_file.kind)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(_lines_and_mask, chunk, raw_file.kind))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def iter_lines(
    raw_file: RawFile, chunk_bytes: int = CHUNK_BYTES, workers: int = WORKERS
) -> Iterator[pa.RecordBatch]:
    """Record batches of (file_name, line_number, raw_line, n_lines = 1) for every data
    line of the file (line 1 is the first line after the header).

    For property files, plainly well-formed lines of keys staging does not keep are not
    returned one by one: one row per file with a null line_number and raw_line stands for
    all of them, n_lines = their count (0 when there is none, so every file has a row)."""
    out_of_scope = 0
    first = 1
    for lines, mask in _in_order(raw_file, chunk_bytes, workers):
        numbers = pa.array(np.arange(first, first + len(lines), dtype=np.int64))
        first += len(lines)
        if mask is not None:
            out_of_scope += pc.sum(mask).as_py() or 0
            keep = pc.invert(mask)
            lines, numbers = lines.filter(keep), numbers.filter(keep)
        if len(lines):
            yield _batch(raw_file.name, numbers, lines)
    if raw_file.kind == "item_properties":
        yield _batch(
            raw_file.name,
            pa.nulls(1, pa.int64()),
            pa.nulls(1, pa.string()),
            pa.array([out_of_scope], pa.int64()),
        )


def read_lines(raw_dir: str | os.PathLike[str], kind: str) -> pa.RecordBatchReader:
    """A stream of the data lines of every file of `kind` in `raw_dir` (see iter_lines).
    Files are listed and headers checked up front, so a missing file or a wrong header
    fails before anything is read."""
    files = raw_files(raw_dir, kind)
    for raw_file in files:
        next(_chunks(raw_file, chunk_bytes=64 * 1024), None)

    def batches() -> Iterator[pa.RecordBatch]:
        for raw_file in files:
            yield from iter_lines(raw_file)

    return pa.RecordBatchReader.from_batches(SCHEMA, batches())
