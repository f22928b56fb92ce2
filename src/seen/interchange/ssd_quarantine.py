"""A child an SSD import quarantines is kept in Seen's quarantine (`QuarantinedRow`, as a
malformed extract row and a CIN census child are): a row per fault, filed under the SSD table
and line where it was found, holding every SSD row about the child as sent (its person and
each row naming it), so that nothing sent is lost and `seen quarantine list` shows it. The same
fault sent again is kept once; a child that loads later resolves what was held for it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

from django.db.models import F

from seen.core import clock
from seen.ingest.models import IngestBatch, QuarantinedRow
from seen.interchange.outcome import Fault
from seen.interchange.ssd_reading import SsdFolder
from seen.interchange.ssd_tables import PERSON, TABLES

SSD_FILES = tuple(table.filename for table in TABLES)
_WHERE = re.compile(r"(?P<table>ssd_[a-z0-9_]+)(?: line (?P<line>\d+))?(?:, (?P<field>\w+))?")
_IN_CHUNK = 500  # ids per query (SQLite's bound on a statement's variables)


def row_key(agency_id: int, child: str) -> str:
    return f"{agency_id}/{child}"[:200]


def sent_about(folder: SsdFolder, child: str) -> dict[str, list[dict[str, str]]]:
    """Every SSD row about the child as read: its person row and each row naming it."""
    sent: dict[str, list[dict[str, str]]] = {}
    for table in TABLES:
        column = table.key if table is PERSON else table.person
        found = [r.values for r in folder.table(table) if column and r.values[column] == child]
        if found:
            sent[table.name] = found
    return sent


def keep(
    batch_id: int, agency_id: int, folder: SsdFolder, faults: Iterable[Fault], children: set[str]
) -> int:
    """Quarantine rows for the faults of the children quarantined; how many were added."""
    pending: list[QuarantinedRow] = []
    sent: dict[str, dict[str, list[dict[str, str]]]] = {}
    for fault in faults:
        if fault.warning or fault.child not in children:
            continue
        where = _WHERE.match(fault.element)
        table = where["table"] if where else PERSON.name
        row = {
            "pers_person_id": fault.child,
            "sent": sent.setdefault(fault.child, sent_about(folder, fault.child)),
        }
        fingerprint = json.dumps([row, fault.element, fault.rule, fault.reason], sort_keys=True)
        pending.append(
            QuarantinedRow(
                batch_id=batch_id,
                file=f"{table}.csv"[:64],
                line=int(where["line"] or 0) if where else 0,
                field=((where["field"] or "") if where else "")[:64],
                reason=f"{fault.rule}: {fault.reason}",
                row=row,
                row_key=row_key(agency_id, fault.child),
                row_hash=hashlib.sha256(fingerprint.encode()).hexdigest(),
            )
        )
    added = _write_new(pending)
    IngestBatch.objects.filter(pk=batch_id).update(quarantined=F("quarantined") + added)
    return added


def resolve(agency_id: int, loaded: Iterable[str]) -> None:
    """What was held for children that have now loaded is resolved."""
    keys = [row_key(agency_id, child) for child in loaded]
    for start in range(0, len(keys), _IN_CHUNK):
        QuarantinedRow.objects.filter(
            file__in=SSD_FILES,
            status=QuarantinedRow.Status.OPEN,
            row_key__in=keys[start : start + _IN_CHUNK],
        ).update(status=QuarantinedRow.Status.RESOLVED, resolved_at=clock.now())


def _write_new(rows: list[QuarantinedRow]) -> int:
    hashes = [row.row_hash for row in rows]
    already: set[str] = set()
    for start in range(0, len(hashes), _IN_CHUNK):
        already |= set(
            QuarantinedRow.objects.filter(
                file__in=SSD_FILES,
                status=QuarantinedRow.Status.OPEN,
                row_hash__in=hashes[start : start + _IN_CHUNK],
            ).values_list("row_hash", flat=True)
        )
    new = []
    for row in rows:
        if row.row_hash not in already:
            already.add(row.row_hash)
            new.append(row)
    QuarantinedRow.objects.bulk_create(new)
    return len(new)
