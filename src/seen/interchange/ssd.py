"""`seen import ssd DIR --agency CODE`: a local authority's Standard Safeguarding Dataset tables
(one CSV a table, named as the table: seen.interchange.ssd_tables) turned into an extract folder
of the agency's own rows and loaded by Seen's one ingest, then matched and the rules run as
`seen ingest` does. docs/ssd.md maps each table.

Within the ingest's bounds (seen.ingest.limits): the tables are measured before they are read
and refused whole beyond them. A fault (a person without an id, a date that is not one, a child
without a date of birth or an expected one, a row naming a person the tables do not hold) is
named by the person's id, the table and column, and the reason; the child it is about is
quarantined whole and the rest loads. Importing the same tables again changes nothing: every
row keeps its SSD id (seen.interchange.ssd_work.prefixed) and the ingest leaves rows it holds
as they are. A quarantined child is kept in Seen's quarantine with what was sent about it
(seen.interchange.ssd_quarantine); the load and the quarantine are one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from seen.areas.models import Agency
from seen.core import scratch
from seen.core.progress import ProgressCallback
from seen.ingest.arrivals import match_arrivals
from seen.ingest.errors import ExtractError
from seen.ingest.limits import Deadline, Limits
from seen.ingest.loader import ingest_extract
from seen.ingest.models import QuarantinedRow
from seen.interchange.outcome import Fault, ImportOutcome
from seen.interchange.ssd_extract import ExtractBuild
from seen.interchange.ssd_people import read_people, write_people
from seen.interchange.ssd_quarantine import SSD_FILES, keep, resolve
from seen.interchange.ssd_reading import SsdFolder, read_folder
from seen.interchange.ssd_tables import SPECIFICATION, WORK_TABLES
from seen.interchange.ssd_work import Work, write_involvements_and_care_leavers, write_work

# the agencies whose records a local authority's SSD holds
LOCAL_AUTHORITY_KINDS = (Agency.Kind.CHILDRENS_SOCIAL_CARE, Agency.Kind.EARLY_HELP)


def import_tables(
    directory: Path,
    agency: str,
    *,
    link: bool = True,
    progress: ProgressCallback | None = None,
    limits: Limits | None = None,
) -> ImportOutcome:
    limits = limits if limits is not None else Limits.for_command()
    deadline = Deadline(limits.seconds)
    found = Agency.objects.filter(code=agency).first()
    if found is None:
        raise ExtractError(f"there is no agency {agency!r}; load the partnership's agencies first")
    if found.kind not in LOCAL_AUTHORITY_KINDS:
        raise ExtractError(
            f"{agency} is {found.get_kind_display()}: the SSD is a local authority's children's "
            "social care data, loaded as its children's social care (or Early Help) agency"
        )
    built = build_extract(Path(directory), agency, limits, deadline)
    build = built.build
    kept = build.kept()  # settles who is quarantined
    quarantined = [child for child in build.quarantined if child in built.children]
    with scratch.folder("ssd") as extract, transaction.atomic():
        build.write(extract, extract_id_for(agency))
        summary = ingest_extract(
            extract, for_agency=agency, limits=limits, deadline=deadline, progress=progress
        )
        held = keep(summary.batch_id, found.pk, built.folder, build.faults, set(quarantined))
        resolve(found.pk, sorted({row.about for row in kept if row.about}))
    arrival = match_arrivals(summary.batch_id, link=link)
    outcome = ImportOutcome(
        children_loaded=len(built.children) - len(quarantined),
        quarantined=len(quarantined),
        faults=[*build.faults, *_ingest_faults(summary.batch_id)],
        detail={
            "specification": SPECIFICATION,
            **summary.as_dict(),
            "quarantine_rows_added": held,
            "matching": arrival.as_dict(),
            "not_loaded": dict(sorted(build.skipped.items())),
            "tables_not_read": built.ignored,
        },
    )
    if arrival.linked is not None:
        outcome.detail["alerts"] = arrival.alerts
    return outcome


@dataclass
class SsdExtract:
    build: ExtractBuild
    folder: SsdFolder
    children: set[str]  # the children the tables name (or hold unborn), loaded or not
    ignored: list[str]  # the folder's files of SSD tables Seen does not read


def build_extract(directory: Path, agency: str, limits: Limits, deadline: Deadline) -> SsdExtract:
    """The extract the tables make, with its faults; nothing is written to the database."""
    folder = read_folder(directory, limits, deadline)
    build = ExtractBuild(agency)
    build.faults.extend(folder.faults)
    people = read_people(folder, build)
    work = Work(folder, people, frozenset(Agency.objects.values_list("code", flat=True)))
    write_work(work)
    write_people(folder, people)
    write_involvements_and_care_leavers(work)
    named = {r.person for t in WORK_TABLES for r in folder.table(t) if r.person}
    return SsdExtract(build, folder, set(people.children) | named, folder.ignored)


def extract_id_for(agency: str) -> str:
    return "ssd-" + re.sub(r"[^A-Za-z0-9._:-]", "-", agency)[:90]


def _ingest_faults(batch_id: int) -> list[Fault]:
    """Rows the ingest itself quarantined (a code or value the extract format refuses)."""
    faults = []
    rows = QuarantinedRow.objects.filter(batch_id=batch_id).exclude(file__in=SSD_FILES)
    for row in rows.order_by("pk"):
        values = row.row if isinstance(row.row, dict) else {}
        child = values.get("child") or values.get("pregnancy") or ""
        where = f"extract {row.file} (row {values.get('id', '')})" + (
            f", {row.field}" if row.field else ""
        )
        faults.append(Fault(str(child), where, "extract", row.reason))
    return faults
