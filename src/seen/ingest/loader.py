"""Load an agency extract: validate every row, quarantine the bad ones, and write the rest.

Guarantees (principle 5, "nothing lost"):
- a bad row is kept whole in quarantine with its file, line, field and a reason; the rest loads;
- a file whose header is wrong is refused whole, and the other files still load;
- re-ingesting the same extract changes nothing (rows are keyed by agency and id and hashed);
- rows are written in chunks, each chunk one transaction that also moves the batch's counters,
  so a process killed at any instant leaves every row either fully written or not at all, and a
  re-run finishes the job;
- an extract beyond its bounds (bytes, rows: seen.ingest.limits) is refused whole before a row
  is written; one that runs past its time stops between chunks and its batch says why.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, models, transaction
from django.db.models import F

from seen.areas.models import Agency, Area, PostcodeDistrict, Practitioner
from seen.core import clock
from seen.core.inserts import insert_rows
from seen.core.processes import still_running, this_host
from seen.core.validators import parse_postcode
from seen.facts.models import Plan
from seen.ingest.columns import Column, Table
from seen.ingest.errors import ExtractError, TooLarge
from seen.ingest.limits import Deadline, Limits
from seen.ingest.manifest import read_manifest
from seen.ingest.models import IngestBatch, QuarantinedRow, RowVersion
from seen.ingest.schema import FORMAT_VERSION, TABLES, TABLES_BY_NAME
from seen.ingest.validation import RowProblem, RowValidator, header_problems
from seen.people.models import Pregnancy, Residence, SourceRecord

CHUNK_SIZE = 2000
_READ_BLOCK = 1 << 20

__all__ = ["ExtractError", "TooLarge", "ingest_extract", "read_manifest", "retry_quarantined"]


@dataclass
class TableCounts:
    accepted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0

    def add(self, other: TableCounts) -> None:
        self.accepted += other.accepted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.quarantined += other.quarantined


@dataclass
class IngestSummary:
    batch_id: int
    extract_id: str
    tables: dict[str, TableCounts] = field(default_factory=dict)
    refused_files: list[dict[str, str]] = field(default_factory=list)

    @property
    def totals(self) -> TableCounts:
        total = TableCounts()
        for counts in self.tables.values():
            total.add(counts)
        return total

    def as_dict(self) -> dict[str, Any]:
        total = self.totals
        return {
            "batch": self.batch_id,
            "extract_id": self.extract_id,
            "accepted": total.accepted,
            "updated": total.updated,
            "unchanged": total.unchanged,
            "quarantined": total.quarantined,
            "refused_files": self.refused_files,
            "tables": {name: vars(counts) for name, counts in self.tables.items()},
        }


# A progress callback: (table name, rows done in this file, rows in this file).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SourceRow:
    line: int
    raw: dict[str, str]
    problem: RowProblem | None = None  # a problem found before validation (wrong field count)


# --- reading files ------------------------------------------------------------------------------


def _scan(path: Path, deadline: Deadline) -> tuple[int, str | None]:
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


def _rows(path: Path, header: list[str]) -> Iterator[SourceRow]:
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
            if any("\x00" in value for value in values):
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


def _read_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            header = next(csv.reader(handle), None)
        except csv.Error:
            return []  # no usable header: the file is refused for it (header_problems)
    # a NUL is shown as its stand-in: the header's names go into the refusal's reason, which no
    # database text (nor PostgreSQL's JSON) can hold with a NUL
    return [name.strip().replace("\x00", NUL_STAND_IN) for name in header or []]


def _chunks(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    chunk: list[SourceRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- the public entry points --------------------------------------------------------------------


def ingest_extract(
    directory: Path,
    *,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    for_agency: str | None = None,
    limits: Limits | None = None,
    deadline: Deadline | None = None,
) -> IngestSummary:
    """Load an extract folder. `for_agency` (an agency's code): the extract comes from that
    agency's own system, which may send only its own rows: a row of another agency is
    quarantined, and the partnership's reference tables (areas, postcode districts, agencies)
    are refused whole. `limits`: the bounds (by default `seen ingest`'s, from the settings);
    an extract beyond them raises TooLarge before anything is written."""
    directory = Path(directory)
    limits = limits if limits is not None else Limits.for_command()
    deadline = deadline or Deadline(limits.seconds)
    manifest = read_manifest(directory)
    survey = _survey(directory, limits, deadline, for_agency=for_agency)
    batch = _start_batch(str(directory), manifest["extract_id"])
    summary = IngestSummary(batch.pk, batch.extract_id)
    with _running(batch):
        summary.refused_files.extend(survey.unknown)
        try:
            for table in TABLES:
                found = survey.files.get(table.name)
                if found is not None:
                    _load_table(
                        table,
                        found,
                        batch,
                        summary,
                        for_agency=for_agency,
                        chunk_size=chunk_size,
                        progress=progress,
                        deadline=deadline,
                    )
        except TooLarge as error:  # the time bound: only it can stop a load part-way
            loaded = IngestBatch.objects.get(pk=batch.pk).accepted  # committed with its rows
            raise TooLarge(
                f"{error}. The {loaded} rows loaded before it stopped are kept in batch "
                f"{batch.pk} (marked interrupted): sending the extract again finishes it"
            ) from None
    _finish_batch(batch, summary)
    return summary


def _load_table(
    table: Table,
    found: _File,
    batch: IngestBatch,
    summary: IngestSummary,
    *,
    for_agency: str | None,
    chunk_size: int,
    progress: Progress | None,
    deadline: Deadline,
) -> None:
    path = found.path
    if found.problem:
        summary.refused_files.append({"file": path.name, "reason": found.problem})
        return
    if for_agency is not None and table.key != ("agency", "id"):
        summary.refused_files.append(
            {
                "file": path.name,
                "reason": "reference data (areas, districts, agencies) is the "
                "partnership's to load, not an agency system's",
            }
        )
        return
    header = _read_header(path)
    problems = header_problems(table, header)
    if problems:
        summary.refused_files.append({"file": path.name, "reason": "; ".join(problems)})
        return
    loader = TableLoader(table, batch, only_agency=for_agency)
    done = 0
    for chunk in _chunks(_rows(path, header), chunk_size):
        deadline.check(f"loading {path.name}")
        loader.load_chunk(chunk)
        done += len(chunk)
        if progress:
            progress(table.name, done, max(found.lines - 1, done))
    summary.tables[table.name] = loader.counts


# --- the bounds, checked before anything is written ---------------------------------------------


@dataclass(frozen=True)
class _File:
    path: Path
    lines: int
    problem: str | None  # why the file is refused whole (not UTF-8)


@dataclass
class _Survey:
    files: dict[str, _File] = field(default_factory=dict)  # by table name
    unknown: list[dict[str, str]] = field(default_factory=list)  # CSV files of no table


def _survey(
    directory: Path, limits: Limits, deadline: Deadline, *, for_agency: str | None
) -> _Survey:
    """The extract's files, each checked against the bounds on bytes and rows (TooLarge)."""
    survey = _Survey()
    known = {table.filename for table in TABLES}
    for path in sorted(directory.glob("*.csv")):
        if path.name not in known:
            survey.unknown.append(
                {"file": path.name, "reason": "not a table of extract format version 1"}
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
        lines, problem = _scan(path, deadline)
        survey.files[table.name] = _File(path, lines, problem)
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
    for count, _row in enumerate(_rows(path, _read_header(path)), start=1):
        if count % 10_000 == 0:
            deadline.check(f"counting the rows of {path.name}")
    return count


def retry_quarantined(*, progress: Progress | None = None) -> IngestSummary:
    """Validate open quarantined rows again (a record they referred to may have arrived since)."""
    batch = _start_batch("quarantine retry", "")
    summary = IngestSummary(batch.pk, "")
    with _running(batch):
        for table in TABLES:
            open_rows = QuarantinedRow.objects.filter(
                file=table.filename, status=QuarantinedRow.Status.OPEN
            ).order_by("pk")
            total = open_rows.count()
            if not total:
                continue
            loader = TableLoader(table, batch)
            rows = (
                SourceRow(q.line, {k: str(v) for k, v in q.row.items()})
                for q in open_rows.iterator()
            )
            done = 0
            for chunk in _chunks(list(rows), CHUNK_SIZE):
                loader.load_chunk(chunk)
                done += len(chunk)
                if progress:
                    progress(table.name, done, total)
            summary.tables[table.name] = loader.counts
    _finish_batch(batch, summary)
    return summary


def _start_batch(source: str, extract_id: str) -> IngestBatch:
    """A new batch, after marking interrupted those whose process has gone: another ingest may
    be running at the same time (agency systems through the API). A batch from another host
    cannot be checked from here and is left running; one from before batches named their
    process was killed."""
    running = IngestBatch.objects.filter(status=IngestBatch.Status.RUNNING)
    gone = [b.pk for b in running.only("host", "pid") if not still_running(b.host, b.pid)]
    if gone:
        IngestBatch.objects.filter(pk__in=gone).update(
            status=IngestBatch.Status.INTERRUPTED,
            note=f"found interrupted at {clock.now():%Y-%m-%d %H:%M:%S %Z}: its process had gone",
        )
    return IngestBatch.objects.create(
        source=source[:500],
        format_version=FORMAT_VERSION,
        extract_id=extract_id[:100],
        started_at=clock.now(),
        host=this_host(),
        pid=os.getpid(),
        matching=IngestBatch.Matching.PENDING,
    )


@contextmanager
def _running(batch: IngestBatch) -> Iterator[None]:
    """A batch that fails part-way (an error, Ctrl-C, its time bound) says so at once rather
    than stay running; what its committed chunks loaded stays, and a re-run finishes it."""
    try:
        yield
    except BaseException as error:
        with suppress(DatabaseError):  # the failure's own report matters more than this one
            IngestBatch.objects.filter(pk=batch.pk, status=IngestBatch.Status.RUNNING).update(
                status=IngestBatch.Status.INTERRUPTED,
                note=(str(error) or type(error).__name__)[:2000],
            )
        raise


def _finish_batch(batch: IngestBatch, summary: IngestSummary) -> None:
    IngestBatch.objects.filter(pk=batch.pk).update(
        status=IngestBatch.Status.COMPLETE,
        finished_at=clock.now(),
        refused_files=summary.refused_files,
    )


# --- one table ----------------------------------------------------------------------------------


def _row_hash(values: dict[str, Any]) -> str:
    encoded = json.dumps(values, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def _raw_hash(raw: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


_REF_MODELS: dict[str, type[models.Model]] = {
    "record": SourceRecord,
    "pregnancy": Pregnancy,
    "plan": Plan,
    "practitioner": Practitioner,
}
_REF_FILES = {
    "record": "people.csv",
    "pregnancy": "pregnancies.csv",
    "plan": "plans.csv",
    "practitioner": "practitioners.csv",
}


class TableLoader:
    """Loads the rows of one table, chunk by chunk, remembering ids already seen in this file."""

    def __init__(self, table: Table, batch: IngestBatch, only_agency: str | None = None) -> None:
        self.table = table
        self.only_agency = only_agency
        self.batch = batch
        self.validator = RowValidator.for_table(table)
        self.counts = TableCounts()
        self.refs = [c for c in table.columns if c.kind == "ref"]
        self.sourced = table.key == ("agency", "id")
        self.seen_in_file: dict[str, tuple[int, str]] = {}
        self._codes: dict[str, dict[str, int]] = {}

    # Each chunk: validate and resolve outside the transaction, write inside it.
    def load_chunk(self, rows: list[SourceRow]) -> None:
        agencies = dict(Agency.objects.values_list("code", "id"))
        self._codes = {"agency": agencies, "area": dict(Area.objects.values_list("code", "id"))}
        good: list[tuple[SourceRow, dict[str, Any], str]] = []
        bad: list[tuple[SourceRow, RowProblem]] = []
        for row in rows:
            if row.problem:
                bad.append((row, row.problem))
                continue
            values, problem = self.validator.validate(row.raw)
            mine = self.only_agency is None or values.get("agency") == self.only_agency
            if not problem and not mine:
                problem = RowProblem(
                    "agency", f"this system sends rows of agency {self.only_agency} only"
                )
            if problem:
                bad.append((row, problem))
            else:
                good.append((row, values, _row_hash(values)))

        resolved, unresolved = self._resolve_references(good, agencies)
        bad.extend(unresolved)
        plan = self._classify(resolved, bad)
        self._write(plan, bad)

    def _resolve_references(
        self, rows: list[tuple[SourceRow, dict[str, Any], str]], agencies: dict[str, int]
    ) -> tuple[list[tuple[SourceRow, dict[str, Any], str]], list[tuple[SourceRow, RowProblem]]]:
        lookups = self._lookup_tables(rows, agencies)
        districts: dict[str, int] | None = None
        if self.table.model is Residence:
            districts = dict(PostcodeDistrict.objects.values_list("district", "area_id"))
        resolved = []
        problems = []
        for row, values, row_hash in rows:
            problem = None
            row_agency = agencies.get(values.get("agency", "")) if self.sourced else None
            for column in self.refs:
                value = values.pop(column.model_field)
                if value is None or value == "":
                    values[f"{column.model_field}_id"] = None
                    continue
                target_id, reason = self._resolve(column, value, row_agency, agencies, lookups)
                if target_id is None:
                    problem = RowProblem(column.name, reason)
                    break
                values[f"{column.model_field}_id"] = target_id
            if problem:
                problems.append((row, problem))
                continue
            if districts is not None:
                values["area_id"] = districts.get(parse_postcode(values["postcode"]).district)
            resolved.append((row, values, row_hash))
        return resolved, problems

    def _lookup_tables(
        self, rows: list[tuple[SourceRow, dict[str, Any], str]], agencies: dict[str, int]
    ) -> dict[str, dict[tuple[int, str], int]]:
        """One query per referenced kind: the ids of every record this chunk points at."""
        wanted: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        for _row, values, _hash in rows:
            row_agency = agencies.get(values.get("agency", "")) if self.sourced else None
            for column in self.refs:
                value = values.get(column.model_field)
                if not value or column.target not in _REF_MODELS:
                    continue
                agency_id, local_id = self._split_ref(column, value, row_agency, agencies)
                if agency_id is not None:
                    wanted[column.target or ""][agency_id].add(local_id)
        found: dict[str, dict[tuple[int, str], int]] = {}
        for target, by_agency in wanted.items():
            model = _REF_MODELS[target]
            table: dict[tuple[int, str], int] = {}
            for agency_id, local_ids in by_agency.items():
                for local_id, pk in model._default_manager.filter(
                    agency_id=agency_id, local_id__in=local_ids
                ).values_list("local_id", "pk"):
                    table[(agency_id, local_id)] = pk
            found[target] = table
        return found

    @staticmethod
    def _split_ref(
        column: Column, value: str, row_agency: int | None, agencies: dict[str, int]
    ) -> tuple[int | None, str]:
        if column.target == "practitioner" and ":" in value:
            code, _, local_id = value.partition(":")
            if code in agencies:
                return agencies[code], local_id
        return row_agency, value

    def _resolve(
        self,
        column: Column,
        value: str,
        row_agency: int | None,
        agencies: dict[str, int],
        lookups: dict[str, dict[tuple[int, str], int]],
    ) -> tuple[int | None, str]:
        if column.target in ("agency", "area"):
            where = "agencies.csv" if column.target == "agency" else "areas.csv"
            return self._codes[column.target].get(value), (
                f"no {column.target} with code {value!r} (see {where})"
            )
        agency_id, local_id = self._split_ref(column, value, row_agency, agencies)
        pk = lookups.get(column.target or "", {}).get((agency_id, local_id)) if agency_id else None
        where = _REF_FILES[column.target or ""]
        return pk, (
            f"no row with id {local_id!r} in {where} of this agency, in this or an earlier extract"
        )

    def _key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        if self.sourced:
            return (values["agency_id"], values["local_id"])
        return tuple(
            values[self.table.columns_by_name(name).model_field] for name in self.table.key
        )

    def _classify(
        self,
        rows: list[tuple[SourceRow, dict[str, Any], str]],
        bad: list[tuple[SourceRow, RowProblem]],
    ) -> _ChunkPlan:
        plan = _ChunkPlan()
        keys = [self._key(values) for _row, values, _hash in rows]
        existing = self._existing(keys)
        for (row, values, row_hash), key in zip(rows, keys, strict=True):
            key_text = "/".join(str(part) for part in key)
            earlier = self.seen_in_file.get(key_text)
            if earlier is not None:
                if earlier[1] == row_hash:
                    plan.unchanged.append(key_text)
                else:
                    bad.append(
                        (
                            row,
                            RowProblem(
                                self.table.key[-1],
                                f"id {key[-1]!r} appears again in this file (first at line "
                                f"{earlier[0]}) with different values",
                            ),
                        )
                    )
                continue
            self.seen_in_file[key_text] = (row.line, row_hash)
            current = existing.get(key)
            if current is None:
                plan.new.append({**values, "row_hash": row_hash, "batch_id": self.batch.pk})
                plan.accepted_keys.append(key_text)
            elif current[1] == row_hash:
                plan.unchanged.append(key_text)
                plan.accepted_keys.append(key_text)
            else:
                plan.changed.append((current[0], current[2], values, row_hash, key_text))
                plan.accepted_keys.append(key_text)
        return plan

    def _existing(self, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[int, str, int]]:
        """(pk, row_hash, version) of the rows already held under these keys."""
        manager = self.table.model._default_manager
        fields = ["pk", "row_hash", "version"]
        found: dict[tuple[Any, ...], tuple[int, str, int]] = {}
        if self.sourced:
            by_agency: dict[int, list[str]] = defaultdict(list)
            for agency_id, local_id in keys:
                by_agency[agency_id].append(local_id)
            for agency_id, local_ids in by_agency.items():
                for local_id, pk, row_hash, version in manager.filter(
                    agency_id=agency_id, local_id__in=local_ids
                ).values_list("local_id", *fields):
                    found[(agency_id, local_id)] = (pk, row_hash, version)
        else:
            key_field = self.table.columns_by_name(self.table.key[0]).model_field
            for key_value, pk, row_hash, version in manager.filter(
                **{f"{key_field}__in": [k[0] for k in keys]}
            ).values_list(key_field, *fields):
                found[(key_value,)] = (pk, row_hash, version)
        return found

    def _write(self, plan: _ChunkPlan, bad: list[tuple[SourceRow, RowProblem]]) -> None:
        model = self.table.model
        now = clock.now()
        quarantine = self._new_quarantine_rows(bad)
        with transaction.atomic():
            insert_rows(model, plan.new)
            for pk, version, values, row_hash, key_text in plan.changed:
                instance = model._default_manager.get(pk=pk)
                RowVersion.objects.create(
                    table=self.table.name,
                    row_key=key_text,
                    version=version,
                    row=json.loads(json.dumps(_field_values(instance), cls=DjangoJSONEncoder)),
                    batch_id=getattr(instance, "batch_id", None),
                    replaced_by_batch=self.batch,
                    replaced_at=now,
                )
                for name, value in values.items():
                    setattr(instance, name, value)
                instance.row_hash = row_hash  # type: ignore[attr-defined]
                instance.version = version + 1  # type: ignore[attr-defined]
                instance.batch_id = self.batch.pk  # type: ignore[attr-defined]
                instance.save()
            if quarantine:
                QuarantinedRow.objects.bulk_create(quarantine)
            if plan.accepted_keys:
                QuarantinedRow.objects.filter(
                    file=self.table.filename,
                    status=QuarantinedRow.Status.OPEN,
                    row_key__in=plan.accepted_keys,
                ).update(status=QuarantinedRow.Status.RESOLVED, resolved_at=now)
            counts = TableCounts(
                accepted=len(plan.new) + len(plan.changed),
                updated=len(plan.changed),
                unchanged=len(plan.unchanged),
                quarantined=len(bad),
            )
            IngestBatch.objects.filter(pk=self.batch.pk).update(
                accepted=F("accepted") + counts.accepted,
                updated=F("updated") + counts.updated,
                unchanged=F("unchanged") + counts.unchanged,
                quarantined=F("quarantined") + counts.quarantined,
            )
        self.counts.add(counts)

    def _new_quarantine_rows(self, bad: list[tuple[SourceRow, RowProblem]]) -> list[QuarantinedRow]:
        """Quarantine rows not already held open: the same bad row sent twice is kept once."""
        if not bad:
            return []
        hashes = {_raw_hash(row.raw) for row, _problem in bad}
        already = set(
            QuarantinedRow.objects.filter(
                file=self.table.filename,
                status=QuarantinedRow.Status.OPEN,
                row_hash__in=hashes,
            ).values_list("row_hash", flat=True)
        )
        rows = []
        for row, problem in bad:
            raw_hash = _raw_hash(row.raw)
            if raw_hash in already:
                continue
            already.add(raw_hash)
            rows.append(
                QuarantinedRow(
                    batch=self.batch,
                    file=self.table.filename,
                    line=row.line,
                    field=problem.field,
                    reason=problem.reason,
                    row=row.raw,
                    row_key=self._raw_key(row.raw),
                    row_hash=raw_hash,
                )
            )
        return rows

    def _raw_key(self, raw: dict[str, str]) -> str:
        """The key as the agency wrote it, so a corrected row can resolve its quarantine entry."""
        if self.sourced:
            agency_id = self._codes["agency"].get(raw.get("agency", "").strip())
            return f"{agency_id}/{raw.get('id', '').strip()}"
        return "/".join(raw.get(name, "").strip() for name in self.table.key)


@dataclass
class _ChunkPlan:
    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[int, int, dict[str, Any], str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    accepted_keys: list[str] = field(default_factory=list)


def _field_values(instance: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def table_for_file(name: str) -> Table | None:
    return TABLES_BY_NAME.get(name.removesuffix(".csv"))
