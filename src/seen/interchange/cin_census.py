"""`seen import cin-census FILE.xml --agency CODE`: a local authority's Children in Need census
return loaded as that authority's records (docs/cin-census.md).

The return is measured and read safely (seen.interchange.cin_parse), each child read in either
layout (cin_child) and checked (cin_validation); a child that passes becomes its rows of an
extract (cin_mapping), one that does not is quarantined whole with its faults; the extract is
loaded by Seen's one ingest in one transaction (cin_load); then, unless told not to, the people
that arrived are matched and the rules run, as `seen ingest` does (seen.ingest.arrivals)."""

from __future__ import annotations

from pathlib import Path

from seen.areas.models import Agency
from seen.core import scratch
from seen.core.errors import NotFound
from seen.ingest.arrivals import match_arrivals
from seen.ingest.loader import Progress
from seen.interchange.cin_child import read_child
from seen.interchange.cin_load import (
    ExtractFolder,
    QuarantineSpool,
    extract_id,
    file_digest,
    held_for,
    load,
)
from seen.interchange.cin_mapping import rows_for
from seen.interchange.cin_parse import read_return
from seen.interchange.cin_validation import check_child
from seen.interchange.outcome import Fault, ImportOutcome

PROGRESS_EVERY = 250  # children


def _faulty(faults: list[Fault]) -> bool:
    """A fault quarantines the child; warnings do not."""
    return any(not fault.warning for fault in faults)


def import_return(
    path: Path, agency: str, *, link: bool = True, progress: Progress | None = None
) -> ImportOutcome:
    """Load the return as the records of the agency `agency` (its code). ReturnRefused (nothing
    loaded) if the file cannot be read; NotFound if no agency has that code."""
    agency_id = Agency.objects.filter(code=agency).values_list("pk", flat=True).first()
    if agency_id is None:
        raise NotFound(
            f"no agency has the code {agency!r}: the partnership's agencies are loaded first "
            "(seen ingest), the local authority's children's social care among them"
        )
    census = read_return(Path(path))
    held = held_for(agency_id, sorted(i for i in census.ids if i))
    outcome = ImportOutcome()
    loaded: list[str] = []
    with scratch.folder("cin") as work:
        folder = ExtractFolder(
            work / "extract", extract_id(agency, census.header, file_digest(census.path))
        )
        spool = QuarantineSpool(work / "quarantined.jsonl")
        try:
            for done, sent in enumerate(census.each_child(), start=1):
                child = read_child(sent)
                faults = check_child(child, census.header, census.ids)
                passed = not _faulty(faults)
                if passed:
                    rows, warnings = rows_for(child, agency, held)
                    faults += warnings + folder.problems(child.id, rows)
                    passed = not _faulty(faults)
                if passed:
                    folder.write(rows)
                    loaded.append(child.id)
                else:
                    spool.add(child, faults)
                outcome.faults.extend(faults)
                if progress and (done % PROGRESS_EVERY == 0 or done == census.children):
                    progress("cin-census children", done, census.children)
        finally:
            folder.close()
        summary, added = load(folder.directory, agency, agency_id, spool, loaded, progress)
    outcome.children_loaded = len(loaded)
    outcome.quarantined = census.children - len(loaded)
    arrival = match_arrivals(summary.batch_id, link=link)
    outcome.detail = {
        **summary.as_dict(),
        "children_quarantine_rows_added": added,
        "matching": arrival.as_dict(),
    }
    if link and arrival.linked is not None:
        outcome.detail["alerts"] = arrival.alerts
    return outcome
