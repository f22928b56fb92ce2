"""An extract's CSV files read safely, before and while they load: a file scanned once (UTF-8
checked, its lines counted) before anything is written from it, its header, and its rows as
SourceRows in chunks. A row that cannot be read as CSV, holds a NUL or has the wrong number of
values comes with its problem, to be quarantined whole."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from seen.ingest.limits import Deadline
from seen.ingest.validation import RowProblem

_READ_BLOCK = 1 << 20


@dataclass(frozen=True)
class SourceRow:
    line: int
    raw: dict[str, str]
    problem: RowProblem | None = None  # a problem found before validation (wrong field count)


def scan(path: Path, deadline: Deadline) -> tuple[int, str | None]:
    """Count the lines of a file and check it is UTF-8, before anything is written from it."""
    lines = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    last = b""
    with path.open("rb") as handle:
        while block := handle.read(_READ_BLOCK):
            deadline.check(f"reading {path.name}")
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                return lines, f"is not UTF-8 text (bad byte at offset {offset + error.start})"
            lines += block.count(b"\n")
            offset += len(block)
            last = block
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines, "is not UTF-8 text (it ends in the middle of a character)"
    if offset and not last.endswith(b"\n"):
        lines += 1
    return lines, None


# A value longer than the csv module's default limit (128 KiB) would stop the whole read: with
# a higher limit it reaches the row's validation, which quarantines it for its length.
CSV_FIELD_LIMIT = 16 * 1024 * 1024
NUL_STAND_IN = "\u2400"  # SYMBOL FOR NULL


def read_rows(path: Path, header: list[str]) -> Iterator[SourceRow]:
    previous = csv.field_size_limit(CSV_FIELD_LIMIT)  # the module's limit is process-wide
    try:
        yield from _read_rows(path, header)
    finally:
        csv.field_size_limit(previous)


def _read_rows(path: Path, header: list[str]) -> Iterator[SourceRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        width = len(header)
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                # a field beyond even the raised limit: this row is quarantined
                # with the reason, and the reader goes on at the next line
                yield SourceRow(
                    reader.line_num,
                    {"_unreadable": str(error)},
                    RowProblem("", f"the row cannot be read as CSV: {error}"),
                )
                continue
            line = reader.line_num
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # blank line
            if "\x00" in "".join(values):
                # no database text (nor PostgreSQL's JSON) holds a NUL: the row is kept with a
                # visible stand-in, and quarantined
                shown = [value.replace("\x00", NUL_STAND_IN) for value in values]
                yield SourceRow(
                    line,
                    dict(zip(header, shown, strict=False)),
                    RowProblem("", f"contains a NUL character (kept as {NUL_STAND_IN})"),
                )
                continue
            raw = dict(zip(header, values, strict=False))
            if len(values) != width:
                if len(values) > width:
                    raw["_extra_values"] = "|".join(values[width:])
                yield SourceRow(
                    line,
                    raw,
                    RowProblem("", f"row has {len(values)} values but the header has {width}"),
                )
            else:
                yield SourceRow(line, raw)


def read_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            header = next(csv.reader(handle), None)
        except csv.Error:
            return []  # no usable header: the file is refused for it (header_problems)
    # a NUL is shown as its stand-in: the header's names go into the refusal's reason, which no
    # database text (nor PostgreSQL's JSON) can hold with a NUL
    return [name.strip().replace("\x00", NUL_STAND_IN) for name in header or []]


def chunks(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    chunk: list[SourceRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
