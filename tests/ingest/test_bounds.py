"""`seen ingest DIR` keeps the row and byte bounds (settings, or its own flags), refuses a
manifest it cannot read safely and an extract id it cannot store, all with a clear error and
before anything is written; a load that runs past its time stops and its batch says why."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from seen.ingest.errors import ExtractError, TooLarge
from seen.ingest.limits import Limits
from seen.ingest.loader import ingest_extract
from seen.ingest.models import IngestBatch, QuarantinedRow
from seen.ingest.reading import SourceRow
from seen.ingest.schema import FORMAT_NAME, FORMAT_VERSION, MANIFEST_FILE
from seen.ingest.table_loader import TableLoader
from seen.people.models import SourceRecord
from tests.fixtures.partnership import small_partnership

pytestmark = pytest.mark.django_db

Build = Callable[..., Path]


def _nothing_stored() -> None:
    assert not SourceRecord.objects.exists()
    assert not IngestBatch.objects.exists()


def _people(count: int) -> list[dict[str, str]]:
    return [
        {"agency": "QAV-MAT", "id": f"K{n}", "forename": f"Name{n}", "surname": "Tester"}
        for n in range(count)
    ]


def test_the_command_keeps_the_row_bound_of_its_flag(extract: Build) -> None:
    folder = extract(people=_people(12))
    with pytest.raises(CommandError, match=r"people\.csv holds more than 10 rows"):
        call_command("ingest", str(folder), "--no-link", "--max-table-rows", "10")
    _nothing_stored()
    with pytest.raises(CommandError, match="more than 20 rows in all"):
        call_command("ingest", str(folder), "--no-link", "--max-rows", "20")
    _nothing_stored()


def test_the_command_keeps_the_bounds_of_its_settings(extract: Build) -> None:
    folder = extract(people=_people(12))
    with (
        override_settings(SEEN_INGEST_MAX_TABLE_ROWS=10),
        pytest.raises(CommandError, match="more than 10 rows"),
    ):
        call_command("ingest", str(folder), "--no-link")
    with (
        override_settings(SEEN_INGEST_MAX_FILE_BYTES=500),
        pytest.raises(CommandError, match=r"people\.csv is more than 500 bytes"),
    ):
        call_command("ingest", str(folder), "--no-link")
    with (
        override_settings(SEEN_INGEST_MAX_BYTES=1000),
        pytest.raises(CommandError, match="more than 1000 bytes in all"),
    ):
        call_command("ingest", str(folder), "--no-link")
    _nothing_stored()
    call_command("ingest", str(folder), "--no-link", "--json")  # the default bounds: it loads
    assert SourceRecord.objects.count() == 12


def test_a_flag_of_zero_lifts_a_bound(extract: Build) -> None:
    folder = extract(people=_people(12))
    with override_settings(SEEN_INGEST_MAX_TABLE_ROWS=10):
        call_command("ingest", str(folder), "--no-link", "--json", "--max-table-rows", "0")
    assert SourceRecord.objects.filter(local_id__startswith="K").count() == 12


def _manifest(folder: Path, text: str) -> Path:
    (folder / MANIFEST_FILE).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "extract_id", ["a\x00b", "x" * 101, "tab\there", "seen-0123", 42, {"id": "x"}]
)
def test_the_command_refuses_a_bad_extract_id(extract: Build, extract_id: object) -> None:
    folder = _manifest(
        extract(),
        json.dumps(
            {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "extract_id": extract_id}
        ),
    )
    with pytest.raises(CommandError, match="extract_id"):
        call_command("ingest", str(folder), "--no-link")
    _nothing_stored()


def test_an_ordinary_extract_id_is_kept(extract: Build) -> None:
    folder = _manifest(
        extract(),
        json.dumps(
            {
                "format": FORMAT_NAME,
                "format_version": FORMAT_VERSION,
                "extract_id": "qav-maternity_2025-06-01T02:00Z.v1",
            }
        ),
    )
    summary = ingest_extract(folder)
    assert IngestBatch.objects.get(pk=summary.batch_id).extract_id == (
        "qav-maternity_2025-06-01T02:00Z.v1"
    )


def test_a_deeply_nested_manifest_is_refused(extract: Build) -> None:
    folder = _manifest(
        extract(),
        '{"format": "seen-extract", "format_version": "1", "x": '
        + "[" * 20_000
        + "]" * 20_000
        + "}",
    )
    with pytest.raises(CommandError, match=r"manifest\.json is nested too deeply"):
        call_command("ingest", str(folder), "--no-link")
    _nothing_stored()


def test_a_huge_manifest_is_refused_unread(extract: Build) -> None:
    folder = _manifest(
        extract(),
        json.dumps({"format": FORMAT_NAME, "format_version": "1", "producer": "p" * 70_000}),
    )
    with pytest.raises(ExtractError, match="more than 65536 bytes"):
        ingest_extract(folder)
    _nothing_stored()


def test_a_nul_in_a_header_refuses_the_file_not_the_run(extract: Build) -> None:
    folder = extract()
    people = folder / "people.csv"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace("forename", "fore\x00name", 1), encoding="utf-8")
    summary = ingest_extract(folder)
    (refused,) = [f for f in summary.refused_files if f["file"] == "people.csv"]
    assert "\x00" not in refused["reason"] and "\u2400" in refused["reason"]
    assert IngestBatch.objects.get(pk=summary.batch_id).status == "complete"


def test_a_row_id_in_seens_reserved_form_is_quarantined(extract: Build) -> None:
    people = small_partnership()["people"]
    people[0]["id"] = "seen-abc"
    people[1]["id"] = "SEEN-abc"
    ingest_extract(extract(people=people))
    reasons = {q.row["id"]: q.reason for q in QuarantinedRow.objects.filter(field="id")}
    assert set(reasons) == {"seen-abc", "SEEN-abc"}
    assert all("reserved" in reason for reason in reasons.values())
    assert not SourceRecord.objects.filter(local_id__istartswith="seen-").exists()


def test_a_load_past_its_time_stops_and_says_so(
    extract: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bound is checked between chunks: what was committed stays (a re-run finishes it)
    and the batch is marked interrupted with the reason."""
    folder = extract(people=_people(40))
    now = [0.0]
    load_chunk = TableLoader.load_chunk

    def slow_chunk(self: TableLoader, rows: list[SourceRow]) -> None:
        load_chunk(self, rows)
        if self.table.name == "people":
            now[0] += 20.0  # each chunk of people takes 20 seconds

    with monkeypatch.context() as patched, pytest.raises(TooLarge, match="took longer than 30"):
        patched.setattr("seen.ingest.limits.time.monotonic", lambda: now[0])
        patched.setattr(TableLoader, "load_chunk", slow_chunk)
        ingest_extract(folder, chunk_size=5, limits=Limits(seconds=30))
    batch = IngestBatch.objects.get()
    assert batch.status == IngestBatch.Status.INTERRUPTED
    assert "30 seconds" in batch.note
    assert 0 < SourceRecord.objects.count() < 40
    ingest_extract(folder)  # a re-run finishes it
    assert SourceRecord.objects.filter(local_id__startswith="K").count() == 40
