"""Load an agency extract: validate every row, quarantine the bad ones, and write the rest. The
entry points (`ingest_extract`, and `retry_quarantined` for the rows held back): each surveys
the files first (seen.ingest.survey), runs as one batch (seen.ingest.batches), and loads each
table's file in chunks (seen.ingest.reading reads it, seen.ingest.table_loader writes it).

Guarantees (principle 5, "nothing lost"):
- a bad row is kept whole in quarantine with its file, line, field and a reason; the rest loads;
- a file whose header is wrong is refused whole, and the other files still load;
- re-ingesting the same extract changes nothing (rows are keyed by agency and id and hashed);
- rows are written in chunks, each chunk one transaction that also moves the batch's counters,
  so a process killed at any instant leaves every row either fully written or not at all, and a
  re-run finishes the job;
- a partnership's extract may carry its directory of services (`services.json`, Open Referral
  UK): it is imported as `seen services import` imports it, after the areas and before the
  first referral to a service; an entry refused is reported as a refused file's reason is;
- an extract beyond its bounds (bytes, rows: seen.ingest.limits) is refused whole before a row
  is written; one that runs past its time stops between chunks and its batch says why.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from seen.directory.oruk_import import DirectoryFileError, import_file
from seen.ingest.batches import IngestSummary, finish_batch, interrupted_on_failure, start_batch
from seen.ingest.columns import Table
from seen.ingest.errors import TooLarge
from seen.ingest.limits import Deadline, Limits
from seen.ingest.manifest import read_manifest
from seen.ingest.models import IngestBatch, QuarantinedRow
from seen.ingest.reading import SourceRow, chunks, read_header, read_rows
from seen.ingest.schema import TABLES, TABLES_BY_NAME
from seen.ingest.survey import SurveyedFile, survey_extract
from seen.ingest.table_loader import TableLoader
from seen.ingest.validation import header_problems

CHUNK_SIZE = 2000
DIRECTORY_FILE = "services.json"
# the directory is imported before the first table naming a service, after the areas it names
DIRECTORY_BEFORE = "service_referrals"


# A progress callback: (table name, rows done in this file, rows in this file).
Progress = Callable[[str, int, int], None]


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
    survey = survey_extract(directory, limits, deadline, for_agency=for_agency)
    batch = start_batch(str(directory), manifest["extract_id"], manifest["format_version"])
    summary = IngestSummary(batch.pk, batch.extract_id)
    with interrupted_on_failure(batch):
        summary.refused_files.extend(survey.unknown)
        try:
            for table in TABLES:
                if table.name == DIRECTORY_BEFORE:
                    _import_directory(directory / DIRECTORY_FILE, summary, for_agency)
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
    finish_batch(batch, summary)
    return summary


def _import_directory(path: Path, summary: IngestSummary, for_agency: str | None) -> None:
    if not path.is_file():
        return
    if for_agency is not None:
        summary.refused_files.append(
            {
                "file": path.name,
                "reason": "the directory of services is the partnership's to "
                "load, not an agency system's",
            }
        )
        return
    try:
        outcome = import_file(path)
    except DirectoryFileError as error:
        summary.refused_files.append({"file": path.name, "reason": str(error)})
        return
    summary.directory = outcome.as_json()
    summary.refused_files.extend(
        {"file": path.name, "reason": refusal.in_words()} for refusal in outcome.refused
    )


def _load_table(
    table: Table,
    found: SurveyedFile,
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
    header = read_header(path)
    problems = header_problems(table, header)
    if problems:
        summary.refused_files.append({"file": path.name, "reason": "; ".join(problems)})
        return
    loader = TableLoader(table, batch, only_agency=for_agency)
    done = 0
    for chunk in chunks(read_rows(path, header), chunk_size):
        deadline.check(f"loading {path.name}")
        loader.load_chunk(chunk)
        done += len(chunk)
        if progress:
            progress(table.name, done, max(found.lines - 1, done))
    summary.tables[table.name] = loader.counts


def retry_quarantined(*, progress: Progress | None = None) -> IngestSummary:
    """Validate open quarantined rows again (a record they referred to may have arrived since)."""
    batch = start_batch("quarantine retry", "")
    summary = IngestSummary(batch.pk, "")
    with interrupted_on_failure(batch):
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
            for chunk in chunks(list(rows), CHUNK_SIZE):
                loader.load_chunk(chunk)
                done += len(chunk)
                if progress:
                    progress(table.name, done, total)
            summary.tables[table.name] = loader.counts
    finish_batch(batch, summary)
    return summary


def table_for_file(name: str) -> Table | None:
    return TABLES_BY_NAME.get(name.removesuffix(".csv"))
