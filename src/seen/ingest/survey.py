"""An extract's files surveyed before anything is written: the CSV files of no table in the
format, and each table's file with its lines and whether it is UTF-8, checked against the bounds
on bytes and rows (seen.ingest.limits): an extract beyond them raises TooLarge."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from seen.ingest.errors import TooLarge
from seen.ingest.limits import Deadline, Limits
from seen.ingest.reading import read_header, read_rows, scan
from seen.ingest.schema import LATEST_VERSION, TABLES


@dataclass(frozen=True)
class SurveyedFile:
    path: Path
    lines: int
    problem: str | None  # why the file is refused whole (not UTF-8)


@dataclass
class Survey:
    files: dict[str, SurveyedFile] = field(default_factory=dict)  # by table name
    unknown: list[dict[str, str]] = field(default_factory=list)  # CSV files of no table


def survey_extract(
    directory: Path, limits: Limits, deadline: Deadline, *, for_agency: str | None
) -> Survey:
    """The extract's files, each checked against the bounds on bytes and rows (TooLarge)."""
    survey = Survey()
    known = {table.filename for table in TABLES}
    for path in sorted(directory.glob("*.csv")):
        if path.name not in known:
            survey.unknown.append(
                {
                    "file": path.name,
                    "reason": f"not a table of extract format version {LATEST_VERSION}",
                }
            )
    present = [(t, directory / t.filename) for t in TABLES if (directory / t.filename).is_file()]
    total_bytes = 0
    for _table, path in present:
        size = path.stat().st_size
        if limits.file_bytes and size > limits.file_bytes:
            raise TooLarge(f"{path.name} is more than {limits.file_bytes} bytes")
        total_bytes += size
        if limits.total_bytes and total_bytes > limits.total_bytes:
            raise TooLarge(f"the extract's files are more than {limits.total_bytes} bytes in all")
    total_rows = 0
    for table, path in present:
        lines, problem = scan(path, deadline)
        survey.files[table.name] = SurveyedFile(path, lines, problem)
        if problem or (for_agency is not None and table.key != ("agency", "id")):
            continue  # refused whole: none of its rows is written
        rows = max(lines - 1, 0)  # at least as many lines as rows (a value may hold a newline)
        over_table = limits.table_rows is not None and rows > limits.table_rows
        if over_table or (limits.rows is not None and total_rows + rows > limits.rows):
            rows = _count_rows(path, deadline)
        if limits.table_rows is not None and rows > limits.table_rows:
            raise TooLarge(f"{path.name} holds more than {limits.table_rows} rows")
        total_rows += rows
        if limits.rows is not None and total_rows > limits.rows:
            raise TooLarge(f"the extract holds more than {limits.rows} rows in all")
    return survey


def _count_rows(path: Path, deadline: Deadline) -> int:
    """The rows of a file as the load will read them (quoted line breaks and all)."""
    count = 0
    for count, _row in enumerate(read_rows(path, read_header(path)), start=1):
        if count % 10_000 == 0:
            deadline.check(f"counting the rows of {path.name}")
    return count
