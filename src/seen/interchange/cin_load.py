"""A CIN census return into Seen through its one ingest: the rows of the children that passed
written as an extract folder (format 1.1, the agency's own rows) in Seen's temporary folder, and
loaded by seen.ingest.loader.ingest_extract; each child that did not pass kept in Seen's
quarantine (`QuarantinedRow`, as a malformed row is) with its element as sent and a row per
fault, so that nothing sent is lost. The load, the quarantine and the resolving of what a
corrected child replaces are one transaction: a failure or a killed process half-applies
nothing, and importing the same return again changes nothing."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import F

from seen.core import clock
from seen.core.errors import Conflict
from seen.ingest.batches import IngestSummary
from seen.ingest.loader import Progress, ingest_extract
from seen.ingest.models import IngestBatch, QuarantinedRow
from seen.ingest.schema import FORMAT_NAME, LATEST_VERSION, MANIFEST_FILE, TABLES_BY_NAME
from seen.ingest.validation import RowValidator
from seen.interchange.cin_child import CensusChild
from seen.interchange.cin_mapping import Held, HeldPregnancy, HeldRecord, Rows
from seen.interchange.cin_parse import Header
from seen.interchange.outcome import Fault
from seen.people.models import Pregnancy, SourceRecord

CENSUS_FILE = "cin-census.xml"  # a quarantined child's `file`: where it came from
EXTRACT_PREFIX = "cin-census"  # every census import's extract id begins so
_IN_CHUNK = 500  # ids per query (SQLite's bound on a statement's variables)


class CensusNotLoaded(Conflict):
    """Seen's ingest refused a row made from the return: nothing of the return was loaded."""


def extract_id(agency: str, header: Header, digest: str) -> str:
    """The batch's extract id: what it is, whose, which census, which file."""
    safe_agency = re.sub(r"[^A-Za-z0-9._:-]", "_", agency)[:40]
    return f"{EXTRACT_PREFIX}.{safe_agency}.{header.reference_date}.{digest[:16]}"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def held_for(agency_id: int, ids: list[str]) -> Held:
    """The records and pregnancies the agency holds under these ids, and which a census wrote."""
    held = Held()
    for chunk in _chunks(ids):
        for local_id, dob, written_by in SourceRecord.objects.filter(
            agency_id=agency_id, local_id__in=chunk
        ).values_list("local_id", "dob", "batch__extract_id"):
            held.records[local_id] = HeldRecord(_by_census(written_by), dob)
        for local_id, mother, expected, booked, written_by in Pregnancy.objects.filter(
            agency_id=agency_id, local_id__in=chunk
        ).values_list(
            "local_id", "mother__local_id", "expected_date", "booked_on", "batch__extract_id"
        ):
            held.pregnancies[local_id] = HeldPregnancy(
                _by_census(written_by), mother, expected, booked
            )
    return held


def _by_census(extract: str | None) -> bool:
    return bool(extract) and str(extract).startswith(f"{EXTRACT_PREFIX}.")


class ExtractFolder:
    """The extract being written: a CSV file per table, opened when its first row comes."""

    def __init__(self, directory: Path, extract: str) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, tuple[IO[str], Any]] = {}
        self._validators: dict[str, RowValidator] = {}
        manifest = {
            "format": FORMAT_NAME,
            "format_version": LATEST_VERSION,
            "extract_id": extract,
            "producer": "seen import cin-census",
        }
        (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2), encoding="utf-8")

    def problems(self, child_id: str, rows: Rows) -> list[Fault]:
        """What the ingest would refuse in the child's rows: checked here, so that a child is
        loaded whole or quarantined whole, never in part."""
        faults = []
        for name, table_rows in rows.items():
            table = TABLES_BY_NAME[name]
            validator = self._validators.setdefault(name, RowValidator.for_table(table))
            for row in table_rows:
                _values, problem = validator.validate(row)
                if problem is not None:
                    faults.append(
                        Fault(
                            child_id,
                            f"{table.filename} {problem.field}",
                            "extract",
                            f"Seen's extract would refuse the child's row {row['id']}: "
                            f"{problem.reason}",
                        )
                    )
        return faults

    def write(self, rows: Rows) -> None:
        for name, table_rows in rows.items():
            table = TABLES_BY_NAME[name]
            if name not in self._files:
                handle = (self.directory / table.filename).open("w", encoding="utf-8", newline="")
                writer = csv.DictWriter(handle, fieldnames=table.column_names, restval="")
                writer.writeheader()
                self._files[name] = (handle, writer)
            self._files[name][1].writerows(table_rows)

    def close(self) -> None:
        for handle, _writer in self._files.values():
            handle.close()


@dataclass(frozen=True)
class QuarantineSpool:
    """The children that did not pass, kept on disk until the batch that records them exists."""

    path: Path

    def add(self, child: CensusChild, faults: list[Fault]) -> None:
        entry = {
            "child": child.id,
            "line": child.line,
            "xml": child.xml,
            "faults": [[f.element, f.rule, f.reason] for f in faults if not f.warning],
        }
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    def entries(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)


def load(
    directory: Path,
    agency: str,
    agency_id: int,
    spool: QuarantineSpool,
    loaded_ids: list[str],
    progress: Progress | None,
) -> tuple[IngestSummary, int]:
    """Load the extract, quarantine the children that did not pass and resolve what the loaded
    children replace, in one transaction (CensusNotLoaded, and nothing kept, if the ingest
    refused any row made from the return). The ingest's summary, and the quarantine rows
    added for the children (none for a fault already held open)."""
    with transaction.atomic():
        summary = ingest_extract(directory, for_agency=agency, progress=progress)
        _refuse_if_partial(summary)
        added = _quarantine(summary.batch_id, agency_id, spool)
        IngestBatch.objects.filter(pk=summary.batch_id).update(quarantined=F("quarantined") + added)
        now = clock.now()
        for chunk in _chunks([f"{agency_id}/{child}" for child in loaded_ids]):
            QuarantinedRow.objects.filter(
                file=CENSUS_FILE, status=QuarantinedRow.Status.OPEN, row_key__in=chunk
            ).update(status=QuarantinedRow.Status.RESOLVED, resolved_at=now)
    return summary, added


def _refuse_if_partial(summary: IngestSummary) -> None:
    if not (summary.refused_files or summary.totals.quarantined):
        return
    reasons = [f"{r['file']}: {r['reason']}" for r in summary.refused_files]
    first = QuarantinedRow.objects.filter(batch_id=summary.batch_id).order_by("pk")[:3]
    reasons += [str(row) for row in first]
    raise CensusNotLoaded(
        "Seen's ingest refused rows made from the return, so none of it was loaded: "
        + "; ".join(reasons or ["rows refused"])
    )


def _quarantine(batch_id: int, agency_id: int, spool: QuarantineSpool) -> int:
    """A quarantine row per fault of each child that did not pass; the same fault of the same
    child sent again is kept once."""
    added = 0
    pending: list[QuarantinedRow] = []
    for entry in spool.entries():
        for element, rule, reason in entry["faults"]:
            row = {"LAchildID": entry["child"], "Child": entry["xml"]}
            fingerprint = json.dumps([row, element, rule, reason], sort_keys=True)
            pending.append(
                QuarantinedRow(
                    batch_id=batch_id,
                    file=CENSUS_FILE,
                    line=max(int(entry["line"]), 0),
                    field=element[:64],
                    reason=f"rule {rule}: {reason}",
                    row=row,
                    row_key=f"{agency_id}/{entry['child']}"[:200],
                    row_hash=hashlib.sha256(fingerprint.encode()).hexdigest(),
                )
            )
        if len(pending) >= _IN_CHUNK:
            added += _write_new(pending)
            pending = []
    return added + _write_new(pending)


def _write_new(rows: list[QuarantinedRow]) -> int:
    if not rows:
        return 0
    already = set(
        QuarantinedRow.objects.filter(
            file=CENSUS_FILE,
            status=QuarantinedRow.Status.OPEN,
            row_hash__in={row.row_hash for row in rows},
        ).values_list("row_hash", flat=True)
    )
    new = []
    for row in rows:
        if row.row_hash not in already:
            already.add(row.row_hash)
            new.append(row)
    QuarantinedRow.objects.bulk_create(new)
    return len(new)
