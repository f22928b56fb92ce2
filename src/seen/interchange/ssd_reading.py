"""A folder of SSD tables read safely, within the ingest's bounds (seen.ingest.limits): each file
measured before it is read (bytes, and rows counted as they are read), checked to be UTF-8, its
header checked for the table's id and person columns, and its rows read by the ingest's own CSV
reader (a NUL, a value beyond the reader's limit or a row of the wrong width comes with its
problem). Columns Seen does not read are kept in the file and ignored."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from seen.ingest.errors import ExtractError, TooLarge
from seen.ingest.limits import Deadline, Limits
from seen.ingest.reading import NUL_STAND_IN, read_header, read_rows, scan
from seen.interchange.outcome import Fault
from seen.interchange.ssd_tables import ID_LENGTH, TABLES, SsdTable


@dataclass(frozen=True)
class SsdRow:
    table: SsdTable
    line: int  # the header is line 1
    values: dict[str, str]  # the columns Seen reads, stripped; a missing column reads as ""
    problem: str = ""  # why the row cannot be used as it stands

    @property
    def id(self) -> str:
        return self.values.get(self.table.key, "")

    @property
    def person(self) -> str:
        return self.values.get(self.table.person, "") if self.table.person else ""

    def where(self, column: str | None = None) -> str:
        place = f"{self.table.name} line {self.line}"
        return f"{place}, {column}" if column else place


@dataclass
class SsdFolder:
    rows: dict[str, list[SsdRow]] = field(default_factory=dict)  # by table name
    faults: list[Fault] = field(default_factory=list)  # files refused whole
    ignored: list[str] = field(default_factory=list)  # files of tables Seen does not read

    def table(self, table: SsdTable) -> list[SsdRow]:
        return self.rows.get(table.name, [])


def read_folder(directory: Path, limits: Limits, deadline: Deadline) -> SsdFolder:
    """Every table of the folder Seen reads; a folder beyond the bounds raises TooLarge before
    anything is kept."""
    if not directory.is_dir():
        raise ExtractError(f"{directory} is not a folder")
    folder = SsdFolder()
    present = [(t, directory / t.filename) for t in TABLES if (directory / t.filename).is_file()]
    known = {t.filename for t in TABLES}
    folder.ignored = sorted(p.name for p in directory.glob("*.csv") if p.name not in known)
    if not present:
        raise ExtractError(
            f"{directory} holds none of the SSD tables Seen reads "
            f"({', '.join(t.filename for t in TABLES[:3])}, …)"
        )
    _check_bytes(present, limits)
    total = 0
    for table, path in present:
        deadline.check(f"reading {path.name}")
        _lines, problem = scan(path, deadline)
        if problem:
            folder.faults.append(_file_fault(table, f"the file {problem}"))
            continue
        header = read_header(path)
        missing = [c for c in table.required if c not in header]
        if missing:
            folder.faults.append(
                _file_fault(table, f"the header has no {', '.join(missing)}: the file is not read")
            )
            continue
        rows = _rows(table, path, header, limits)
        total += len(rows)
        if limits.rows is not None and total > limits.rows:
            raise TooLarge(f"the SSD tables hold more than {limits.rows} rows in all")
        folder.rows[table.name] = rows
    return folder


def _check_bytes(present: list[tuple[SsdTable, Path]], limits: Limits) -> None:
    total = 0
    for _table, path in present:
        size = path.stat().st_size
        if limits.file_bytes and size > limits.file_bytes:
            raise TooLarge(f"{path.name} is more than {limits.file_bytes} bytes")
        total += size
        if limits.total_bytes and total > limits.total_bytes:
            raise TooLarge(f"the SSD tables are more than {limits.total_bytes} bytes in all")


def _rows(table: SsdTable, path: Path, header: list[str], limits: Limits) -> list[SsdRow]:
    names = [table.aliases.get(name, name) for name in header]
    wanted = set(table.columns)
    rows: list[SsdRow] = []
    for source in read_rows(path, names):
        if limits.table_rows is not None and len(rows) >= limits.table_rows:
            raise TooLarge(f"{path.name} holds more than {limits.table_rows} rows")
        values = {c: "" for c in table.columns}
        for name, value in source.raw.items():
            if name in wanted:
                values[name] = value.strip()
        problem = source.problem.reason if source.problem else ""
        if not problem:
            problem = _too_long_id(table, values)
        rows.append(SsdRow(table, source.line, values, problem))
    return rows


def _too_long_id(table: SsdTable, values: dict[str, str]) -> str:
    for column in (table.key, table.person, *table.ids):
        if column and len(values.get(column, "")) > ID_LENGTH:
            return f"{column} is longer than the {ID_LENGTH} characters an SSD id may have"
    return ""


def _file_fault(table: SsdTable, reason: str) -> Fault:
    return Fault("", table.filename, "file", reason.replace("\x00", NUL_STAND_IN))
