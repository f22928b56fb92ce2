"""Ingest: bad rows quarantined with line and reason, wrong files refused, re-ingest idempotent."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from seen.facts.models import Contact, Conviction
from seen.ingest.errors import ExtractError
from seen.ingest.loader import ingest_extract, retry_quarantined
from seen.ingest.models import IngestBatch, QuarantinedRow, RowVersion
from seen.ingest.schema import TABLES
from seen.people.models import Residence, SourceRecord
from tests.fixtures.partnership import small_partnership, write_extract

pytestmark = pytest.mark.django_db

Build = Callable[..., Path]


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every data row held, for comparing the database before and after."""
    state = {
        table.name: sorted(
            tuple(str(v) for v in row)
            for row in table.model._default_manager.values_list()  # type: ignore[attr-defined]
        )
        for table in TABLES
    }
    state["quarantine"] = sorted(
        (q.file, q.line, q.reason, q.status) for q in QuarantinedRow.objects.all()
    )
    state["versions"] = sorted((v.table, v.row_key, v.version) for v in RowVersion.objects.all())
    return state


def only_quarantined() -> QuarantinedRow:
    rows = list(QuarantinedRow.objects.all())
    assert len(rows) == 1, [str(r) for r in rows]
    return rows[0]


def test_a_valid_extract_loads_every_row(extract: Build) -> None:
    summary = ingest_extract(extract())
    expected = sum(len(rows) for rows in small_partnership().values())
    assert summary.totals.accepted == expected
    assert summary.totals.quarantined == 0
    assert SourceRecord.objects.get(local_id="P77").postcode == "QB1 4XY"  # normalised
    areas = dict(Residence.objects.values_list("local_id", "area__code"))
    assert areas == {"A1": "QAV", "A2": "QBM"}  # area derived from the postcode district
    batch = IngestBatch.objects.get(pk=summary.batch_id)
    assert batch.status == IngestBatch.Status.COMPLETE
    assert batch.accepted == expected


EXTRA_PERSON = {
    "agency": "QAV-MAT", "id": "X1", "forename": "Kayleigh", "surname": "Moss",
    "dob": "2001-05-06", "sex": "female", "nhs_number": "9990000026", "postcode": "QA1 5DE",
    "ethnicity": "WBRI", "interpreter_needed": "no", "phone": "07700 900123",
}
EXTRA_LINE = 6  # header, four people, then this one


def _people_with(**changes: str) -> list[dict[str, str]]:
    """The small partnership's people plus one more (whom no other row refers to), changed."""
    return [*small_partnership()["people"], {**EXTRA_PERSON, **changes}]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"dob": "03/04/1999"}, "dob", "is not a date in the form YYYY-MM-DD"),
        ({"dob": "1999-02-30"}, "dob", "is not a date"),
        ({"sex": "m"}, "sex", "'m' is not one of: male, female"),
        ({"nhs_number": "9990000019"}, "nhs_number", "fails the modulus 11 check digit"),
        ({"nhs_number": "99900"}, "nhs_number", "must be 10 digits"),
        ({"postcode": "NOT A CODE"}, "postcode", "is not a UK postcode"),
        ({"ethnicity": "XXXX"}, "ethnicity", "'XXXX' is not one of"),
        ({"interpreter_needed": "maybe"}, "interpreter_needed", "is not one of: yes, no"),
        ({"id": ""}, "id", "is required but empty"),
        ({"agency": "NOPE"}, "agency", "no agency with code 'NOPE'"),
        ({"forename": "x" * 101}, "forename", "at most 100 are allowed"),
        ({"phone": "call me"}, "phone", "is not a telephone number"),
    ],
)
def test_each_bad_value_is_quarantined_with_line_field_and_reason(
    extract: Build, change: dict[str, str], field: str, reason: str
) -> None:
    summary = ingest_extract(extract(people=_people_with(**change)))
    row = only_quarantined()
    assert (row.file, row.line, row.field) == ("people.csv", EXTRA_LINE, field)
    assert reason in row.reason
    sent = {**EXTRA_PERSON, **change}
    assert {k: v for k, v in row.row.items() if v} == {k: v for k, v in sent.items() if v}
    assert summary.totals.quarantined == 1
    assert SourceRecord.objects.count() == 4  # the other people still load


@pytest.mark.parametrize(
    ("table", "row", "field", "reason"),
    [
        ("contacts", {"child": "NOBODY"}, "child", "no row with id 'NOBODY' in people.csv"),
        ("contacts", {"child": "", "pregnancy": ""}, "child", "give either child"),
        ("contacts", {"kind": "visit"}, "kind", "'visit' is not one of"),
        ("contacts", {"practitioner": "QAV-MAT:NOBODY"}, "practitioner", "practitioners.csv"),
        ("relationships", {"start": "2025-02-01", "end": "2025-01-01"}, "end", "is before start"),
    ],
)
def test_cross_column_and_reference_problems_are_quarantined(
    extract: Build, table: str, row: dict[str, str], field: str, reason: str
) -> None:
    rows = small_partnership()[table]
    rows[0] = {**rows[0], **row}
    ingest_extract(extract(**{table: rows}))
    quarantined = only_quarantined()
    assert (quarantined.file, quarantined.line, quarantined.field) == (f"{table}.csv", 2, field)
    assert reason in quarantined.reason


def test_plan_rules_need_category_and_valid_codes(extract: Build) -> None:
    plans = [
        {"agency": "QAV-MAT", "id": "PL1", "start": "2025-06-03", "child": "B1",
         "kind": "child_protection", "information_sharing_plan": "yes"},
        {"agency": "QAV-MAT", "id": "PL2", "start": "2025-06-03", "child": "B1",
         "kind": "child_protection", "category_of_abuse": "Neglect",
         "information_sharing_plan": "yes"},
    ]
    assessments = [
        {"agency": "QAV-MAT", "id": "AS1", "started_on": "2025-03-01", "pregnancy": "PR1",
         "kind": "pre_birth", "father_involved": "no", "mother_checks_done": "yes",
         "father_checks_done": "no", "factors": "3B;4B;99Z"},
    ]
    ingest_extract(extract(plans=plans, assessments=assessments))
    reasons = {(q.file, q.field): q.reason for q in QuarantinedRow.objects.all()}
    assert "needs its category of abuse" in reasons[("plans.csv", "category_of_abuse")]
    assert "'99Z' not allowed" in reasons[("assessments.csv", "factors")]
    assert len(reasons) == 2


def test_a_row_with_the_wrong_number_of_values_is_quarantined(extract: Build) -> None:
    directory = extract()
    path = directory / "convictions.csv"
    path.write_text(path.read_text() + "POL,CV2,2022-01-01,P77\n")
    ingest_extract(directory)
    row = only_quarantined()
    assert (row.file, row.line) == ("convictions.csv", 3)
    assert "row has 4 values but the header has" in row.reason


def test_a_repeated_id_with_different_values_is_quarantined(extract: Build) -> None:
    convictions = small_partnership()["convictions"]
    convictions.append({**convictions[0], "offence_category": "drug_offences"})
    convictions.append(dict(convictions[0]))  # an exact repeat is harmless
    ingest_extract(extract(convictions=convictions))
    row = only_quarantined()
    assert (row.file, row.line, row.field) == ("convictions.csv", 3, "id")
    assert "first at line 2" in row.reason
    assert Conviction.objects.get().offence_category == "domestic_abuse"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("agency,id,date,subject\n", "missing columns: offence_category, description"),
        ("agency,id,date,subject,offence_category,description,court\n", "not in format version"),
        ("agency,id,id,date,subject,offence_category,description\n", "more than once: id"),
    ],
)
def test_a_file_with_a_wrong_header_is_refused_whole(
    extract: Build, header: str, reason: str
) -> None:
    directory = extract()
    (directory / "convictions.csv").write_text(header + "POL,CV1,2021-03-04,P77,violence\n")
    summary = ingest_extract(directory)
    [refused] = summary.refused_files
    assert refused["file"] == "convictions.csv"
    assert reason in refused["reason"]
    assert not Conviction.objects.exists()
    assert Contact.objects.count() == 1  # the other files loaded


def test_a_file_that_is_not_utf8_is_refused(extract: Build) -> None:
    directory = extract()
    path = directory / "convictions.csv"
    path.write_bytes(path.read_bytes() + b"POL,CV9,2021-03-04,P77,other,caf\xe9\n")
    summary = ingest_extract(directory)
    assert "is not UTF-8" in summary.refused_files[0]["reason"]
    assert not Conviction.objects.exists()


def test_an_unknown_csv_file_is_refused_and_named(extract: Build) -> None:
    directory = extract()
    (directory / "notes.csv").write_text("a,b\n1,2\n")
    summary = ingest_extract(directory)
    assert summary.refused_files[0]["file"] == "notes.csv"
    assert SourceRecord.objects.count() == 4


def test_the_command_exits_non_zero_when_a_file_is_refused(extract: Build) -> None:
    directory = extract()
    (directory / "notes.csv").write_text("a\n")
    with pytest.raises(CommandError, match="1 file"):
        call_command("ingest", str(directory), "--json", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (None, "has no manifest.json"),
        ("{not json", "is not valid JSON"),
        ('{"format": "seen-extract", "format_version": "2"}', "reads format version 1"),
        ('{"format": "other", "format_version": "1"}', 'must say "format"'),
    ],
)
def test_an_extract_without_a_good_manifest_is_refused(
    extract: Build, manifest: str | None, message: str
) -> None:
    directory = extract()
    if manifest is None:
        (directory / "manifest.json").unlink()
    else:
        (directory / "manifest.json").write_text(manifest)
    with pytest.raises(ExtractError, match=message):
        ingest_extract(directory)
    assert not SourceRecord.objects.exists()


def test_re_ingesting_the_same_extract_changes_nothing(extract: Build) -> None:
    directory = extract(people=_people_with(dob="not a date"))
    first = ingest_extract(directory)
    before = snapshot()
    second = ingest_extract(directory)
    assert snapshot() == before
    assert second.totals.accepted == 0
    assert second.totals.unchanged == first.totals.accepted
    assert QuarantinedRow.objects.count() == 1  # the bad row is not quarantined twice


def test_a_changed_row_becomes_a_new_version_and_the_old_one_is_kept(extract: Build) -> None:
    ingest_extract(extract())
    people = small_partnership()["people"]
    people[0]["surname"] = "Tanner"
    summary = ingest_extract(extract(people=people))
    assert summary.totals.updated == 1
    record = SourceRecord.objects.get(local_id="M1")
    assert (record.surname, record.version) == ("Tanner", 2)
    old = RowVersion.objects.get()
    assert (old.table, old.version, old.row["surname"]) == ("people", 1, "Hollis")


def test_a_corrected_row_resolves_its_quarantine_entry(extract: Build) -> None:
    ingest_extract(extract(people=_people_with(dob="1999-13-01")))
    assert only_quarantined().status == QuarantinedRow.Status.OPEN
    ingest_extract(extract(people=_people_with()))
    assert only_quarantined().status == QuarantinedRow.Status.RESOLVED


def test_retry_accepts_a_row_once_the_record_it_needs_has_arrived(extract: Build) -> None:
    people = [p for p in small_partnership()["people"] if p["id"] != "P77"]
    residences = small_partnership()["residences"]
    convictions = small_partnership()["convictions"]
    ingest_extract(extract(people=people))
    assert QuarantinedRow.objects.filter(status="open").count() == 2  # residence + conviction
    ingest_extract(extract(people=small_partnership()["people"], residences=[], convictions=[]))
    retry_quarantined()
    assert not QuarantinedRow.objects.filter(status="open").exists()
    assert Conviction.objects.count() == len(convictions)
    assert Residence.objects.count() == len(residences)


def test_quarantine_list_and_export_round_trip(extract: Build, tmp_path: Path) -> None:
    ingest_extract(extract(people=_people_with(dob="1999-13-01")))
    out = tmp_path / "listing.json"
    with out.open("w") as handle:
        call_command("quarantine", "list", "--json", stdout=handle)
    listed = json.loads(out.read_text())
    assert [(r["file"], r["line"], r["field"]) for r in listed] == [
        ("people.csv", EXTRA_LINE, "dob")
    ]

    corrected = tmp_path / "to-correct"
    call_command("quarantine", "export", str(corrected), stdout=io.StringIO())
    people_csv = corrected / "people.csv"
    assert "1999-13-01" in people_csv.read_text()
    assert "dob" in (corrected / "quarantine-reasons.txt").read_text()
    people_csv.write_text(people_csv.read_text().replace("1999-13-01", "1999-04-03"))
    ingest_extract(corrected)
    assert not QuarantinedRow.objects.filter(status="open").exists()
    assert str(SourceRecord.objects.get(local_id="X1").dob) == "1999-04-03"


def test_ingest_json_summary_has_the_counts(extract: Build, tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    with out.open("w") as handle:
        call_command("ingest", str(extract()), "--json", stdout=handle)
    summary = json.loads(out.read_text())
    assert {"accepted", "quarantined", "unchanged"} <= summary.keys()
    assert summary["accepted"] > 0 and summary["quarantined"] == 0


def test_write_extract_helper_writes_the_schema_header(tmp_path: Path) -> None:
    directory = write_extract(tmp_path / "x", {"areas": [{"code": "Q", "name": "Q"}]})
    assert (directory / "areas.csv").read_text().splitlines()[0] == "code,name"


def test_a_row_with_a_nul_character_is_quarantined_with_a_stand_in_and_the_rest_load(
    extract: Build,
) -> None:
    directory = extract()
    path = directory / "convictions.csv"
    path.write_text(path.read_text() + "POL,CV2,2022-01-01,P77,domestic_abuse,a\x00b\n")
    ingest_extract(directory)
    row = only_quarantined()
    assert (row.file, row.line) == ("convictions.csv", 3)
    assert "NUL character" in row.reason and row.row["description"] == "a\u2400b"
    assert Conviction.objects.count() == 1


def test_a_value_longer_than_the_column_allows_is_quarantined_for_its_length(
    extract: Build,
) -> None:
    """Beyond the csv module's default limit (128 KiB), which would stop the whole read."""
    directory = extract()
    path = directory / "convictions.csv"
    path.write_text(path.read_text() + "POL,CV2,2022-01-01,P77,domestic_abuse," + "x" * 200_000)
    summary = ingest_extract(directory)
    row = only_quarantined()
    assert (row.file, row.line, row.field) == ("convictions.csv", 3, "description")
    assert "200000 characters long" in row.reason
    assert summary.refused_files == [] and Conviction.objects.count() == 1


def test_a_row_the_csv_reader_cannot_read_is_quarantined_and_the_next_loads(
    extract: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("seen.ingest.reading.CSV_FIELD_LIMIT", 1000)
    directory = extract()
    path = directory / "convictions.csv"
    text = path.read_text()
    path.write_text(text + "POL,CV2,2022-01-01,P77,domestic_abuse," + "x" * 2000 + "\n"
                    + "POL,CV3,2022-02-01,P77,domestic_abuse,\n")
    ingest_extract(directory)
    row = only_quarantined()
    assert (row.file, row.line) == ("convictions.csv", 3)
    assert "cannot be read as CSV" in row.reason and "field limit" in row.reason
    assert Conviction.objects.count() == 2


def test_a_batch_whose_process_is_still_running_is_left_running(extract: Build) -> None:
    """Several ingests may run at once (agency systems through the API): only a batch whose
    process has gone is marked interrupted by the next ingest."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        finished = subprocess.Popen([sys.executable, "-c", "pass"])
        finished.wait()
        here = socket.gethostname()
        alive = IngestBatch.objects.create(
            source="elsewhere", format_version="1", started_at=timezone.now(), host=here,
            pid=sleeper.pid,
        )
        gone = IngestBatch.objects.create(
            source="killed", format_version="1", started_at=timezone.now(), host=here,
            pid=finished.pid,
        )
        other_host = IngestBatch.objects.create(
            source="another server", format_version="1", started_at=timezone.now(),
            host=f"not-{here}", pid=finished.pid,
        )
        ingest_extract(extract())
    finally:
        sleeper.kill()
        sleeper.wait()
    status = dict(IngestBatch.objects.values_list("source", "status"))
    assert status[alive.source] == IngestBatch.Status.RUNNING
    assert status[gone.source] == IngestBatch.Status.INTERRUPTED
    assert status[other_host.source] == IngestBatch.Status.RUNNING
    assert IngestBatch.objects.filter(status=IngestBatch.Status.COMPLETE).count() == 1


def test_a_batch_that_fails_part_way_says_so_at_once(
    extract: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr("seen.ingest.table_loader.TableLoader.load_chunk", broken)
    with pytest.raises(RuntimeError, match="disk went away"):
        ingest_extract(extract())
    batch = IngestBatch.objects.get()
    assert batch.status == IngestBatch.Status.INTERRUPTED
    assert (batch.host, batch.pid) == (socket.gethostname(), os.getpid())
