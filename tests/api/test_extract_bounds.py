"""An agency extract posted to the API is bounded by configuration (compressed bytes, unpacked
bytes per file and in total, rows per table and in total, wall time), and one over any bound is
refused whole: a 413 (or a 400 for a manifest that cannot be read) with a message, no row, no
batch marked complete, no temporary file left. Matching that fails says so on the batch.

Each test sets small bounds (override_settings) so that nothing large is built."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.test import override_settings

from seen.ingest.models import IngestBatch, QuarantinedRow
from seen.ingest.schema import TABLES_BY_NAME
from seen.people.models import SourceRecord
from tests.api.extract_uploads import maternity_system, upload_extract, zip_extract
from tests.fixtures.partnership import write_extract

pytestmark = pytest.mark.django_db

MANIFEST = '{"format": "seen-extract", "format_version": "1", "extract_id": "bounds"}'


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """Seen's temporary folder for the test, with small bounds on uploads."""
    folder = tmp_path / "var-tmp"
    (folder / "uploads").mkdir(parents=True)
    with override_settings(
        SEEN_TMP_DIR=folder,
        FILE_UPLOAD_TEMP_DIR=str(folder / "uploads"),
        FILE_UPLOAD_MAX_MEMORY_SIZE=1024,  # anything larger is spooled to a file, in Seen's folder
        SEEN_UPLOAD_MAX_BYTES=20_000,
        SEEN_UPLOAD_MAX_MEMBER_BYTES=40_000,
        SEEN_UPLOAD_MAX_UNCOMPRESSED_BYTES=60_000,
        SEEN_UPLOAD_MAX_TABLE_ROWS=30,
        SEEN_UPLOAD_MAX_ROWS=50,
        SEEN_IMPORT_MAX_SECONDS=60,
    ):
        yield folder


def _files_left(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() or path.name != "uploads"]


def _people(count: int, prefix: str = "K") -> list[dict[str, str]]:
    return [
        {
            "agency": "QAV-MAT",
            "id": f"{prefix}{n}",
            "forename": f"Name{n}",
            "surname": "Tester",
            "sex": "female",
        }
        for n in range(count)
    ]


def _extract_zip(tmp_path: Path, **tables: list[dict[str, str]]) -> bytes:
    return zip_extract(write_extract(tmp_path / "extract", dict(tables), extract_id="bounds"))


def _assert_refused_whole(response: Any, status: int, words: str, scratch: Path) -> None:
    assert response.status_code == status, response.content
    assert words in response.json()["detail"], response.json()
    assert not SourceRecord.objects.exists()
    # only the partnership's reference batch (loaded by _maternity_system): none from the upload
    assert IngestBatch.objects.count() == 1
    assert _files_left(scratch) == []


def test_an_extract_within_the_bounds_loads(tmp_path: Path, scratch: Path) -> None:
    client = maternity_system(tmp_path)
    response = upload_extract(client, _extract_zip(tmp_path, people=_people(20)))
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 20
    assert _files_left(scratch) == []


def test_an_upload_over_the_compressed_bound_is_413(tmp_path: Path, scratch: Path) -> None:
    client = maternity_system(tmp_path)
    noise = io.BytesIO()
    with zipfile.ZipFile(noise, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.json", MANIFEST)
        archive.writestr("notes.txt", bytes(range(256)) * 100)  # 25,600 bytes, stored
    response = upload_extract(client, noise.getvalue())
    _assert_refused_whole(response, 413, "20000 bytes", scratch)


def test_a_member_over_the_unpacked_bound_is_413(tmp_path: Path, scratch: Path) -> None:
    client = maternity_system(tmp_path)
    columns = TABLES_BY_NAME["people"].column_names
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", MANIFEST)
        # two rows (within the row bounds), one of them 41,000 bytes long
        archive.writestr("people.csv", ",".join(columns) + "\nQAV-MAT,K1," + "x" * 41_000 + "\n")
    assert len(content.getvalue()) < 20_000
    response = upload_extract(client, content.getvalue())
    _assert_refused_whole(response, 413, "people.csv unpacks to more than 40000 bytes", scratch)


def test_files_over_the_unpacked_total_are_413(tmp_path: Path, scratch: Path) -> None:
    client = maternity_system(tmp_path)
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", MANIFEST)
        for name in ("contacts.csv", "convictions.csv"):  # 35,000 bytes each: 70,000 together
            archive.writestr(name, "a" * 35_000)
    response = upload_extract(client, content.getvalue())
    _assert_refused_whole(response, 413, "more than 60000 bytes", scratch)


def test_a_zip_bomb_is_refused_while_streaming(tmp_path: Path, scratch: Path) -> None:
    """A highly compressible member: a few kilobytes sent, megabytes unpacked. Unpacking counts
    the bytes as they come rather than trust the zip's own sizes: a member that understates its
    size is stopped at the size it claims (and refused when its checksum then fails); one that
    states it honestly is refused by the bound before a byte is unpacked."""
    client = maternity_system(tmp_path)
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", MANIFEST)
        archive.writestr("people.csv", b"0" * 5_000_000)
    bomb = _lie_about_sizes(content.getvalue(), "people.csv", 100)
    assert len(bomb) < 20_000
    response = upload_extract(client, bomb)
    assert response.status_code in (400, 413), response.content
    assert not SourceRecord.objects.exists()
    assert IngestBatch.objects.count() == 1
    assert _files_left(scratch) == []
    # and with its sizes told honestly, the bound refuses it before a byte is unpacked
    response = upload_extract(client, content.getvalue())
    _assert_refused_whole(response, 413, "people.csv unpacks to more than 40000 bytes", scratch)


def _lie_about_sizes(data: bytes, name: str, size: int) -> bytes:
    """The zip with `name`'s uncompressed size written as `size` in both of its headers."""
    buffer = bytearray(data)
    encoded = name.encode()
    local = buffer.find(b"PK\x03\x04")
    while local != -1:
        name_length = int.from_bytes(buffer[local + 26 : local + 28], "little")
        if bytes(buffer[local + 30 : local + 30 + name_length]) == encoded:
            buffer[local + 22 : local + 26] = size.to_bytes(4, "little")
        local = buffer.find(b"PK\x03\x04", local + 4)
    central = buffer.find(b"PK\x01\x02")
    while central != -1:
        name_length = int.from_bytes(buffer[central + 28 : central + 30], "little")
        if bytes(buffer[central + 46 : central + 46 + name_length]) == encoded:
            buffer[central + 24 : central + 28] = size.to_bytes(4, "little")
        central = buffer.find(b"PK\x01\x02", central + 4)
    return bytes(buffer)


def test_a_table_over_the_row_bound_is_413(tmp_path: Path, scratch: Path) -> None:
    client = maternity_system(tmp_path)
    response = upload_extract(client, _extract_zip(tmp_path, people=_people(31)))
    _assert_refused_whole(response, 413, "people.csv holds more than 30 rows", scratch)


def test_rows_over_the_total_bound_are_413(tmp_path: Path, scratch: Path) -> None:
    client = maternity_system(tmp_path)
    residences = [
        {"agency": "QAV-MAT", "id": f"A{n}", "person": f"K{n}", "postcode": "QA1 2BC"}
        for n in range(25)
    ]
    response = upload_extract(
        client, _extract_zip(tmp_path, people=_people(26), residences=residences)
    )
    _assert_refused_whole(response, 413, "more than 50 rows in all", scratch)


def test_a_row_spread_over_lines_counts_once(tmp_path: Path, scratch: Path) -> None:
    """Rows, not lines, are bounded: a quoted value may hold line breaks."""
    client = maternity_system(tmp_path)
    people = _people(20)
    for row in people:
        row["address"] = "1 High Street\nQuarry Vale"
    response = upload_extract(client, _extract_zip(tmp_path, people=people))
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 20


def test_an_upload_over_the_time_bound_is_413(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = maternity_system(tmp_path)
    ticks = iter(range(0, 10_000, 100))  # every look at the clock: 100 seconds later
    monkeypatch.setattr("seen.ingest.limits.time.monotonic", lambda: float(next(ticks)))
    response = upload_extract(client, _extract_zip(tmp_path, people=_people(5)))
    _assert_refused_whole(response, 413, "60 seconds", scratch)


def test_a_too_large_request_body_is_refused_as_it_streams_in(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upload handler stops the upload once it passes the bound: the view never sees it."""
    import seen.ingest.uploads as uploads

    def never(*args: Any, **kwargs: Any) -> Path:
        raise AssertionError("an upload over the bound reached the unpacking")

    monkeypatch.setattr(uploads, "unpack_zip", never)
    client = maternity_system(tmp_path)
    body = io.BytesIO(b"x" * 50_000)
    body.name = "extract.zip"
    response = client.post("/api/facts/extracts", {"extract": body})
    _assert_refused_whole(response, 413, "20000 bytes", scratch)
    # a body declared beyond the bound (and the form's own allowance) is not read at all
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        body.seek(0)
        response = client.post("/api/facts/extracts", {"extract": body})
    _assert_refused_whole(response, 413, "20000 bytes", scratch)


def test_the_upload_is_spooled_in_seens_own_folder(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seen.ingest.uploads as uploads

    seen_at: list[str] = []
    unpack = uploads.unpack_zip

    def spy(upload: Any, *args: Any, **kwargs: Any) -> Path:
        seen_at.append(upload.temporary_file_path())
        seen_at.append(str(args[0]))
        return unpack(upload, *args, **kwargs)

    monkeypatch.setattr(uploads, "unpack_zip", spy)
    client = maternity_system(tmp_path)
    response = upload_extract(client, _extract_zip(tmp_path, people=_people(20)))
    assert response.status_code == 200, response.content
    assert seen_at and all(Path(path).is_relative_to(scratch) for path in seen_at)
    assert _files_left(scratch) == []


# --- the manifest and the extract id -------------------------------------------------------------


def _with_manifest(manifest: str | bytes) -> bytes:
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest)
        columns = TABLES_BY_NAME["people"].column_names
        archive.writestr(
            "people.csv",
            ",".join(columns) + "\n" + "QAV-MAT,K1,Ann,Tester" + "," * (len(columns) - 4) + "\n",
        )
    return content.getvalue()


@pytest.mark.parametrize(
    ("extract_id", "words"),
    [
        ("a\x00b", "extract_id"),
        ("x" * 101, "extract_id"),
        ("line\nbreak", "extract_id"),
        ("seen-page-writes", "reserved"),
        (["not", "text"], "extract_id"),
    ],
)
def test_a_bad_extract_id_is_a_400(
    tmp_path: Path, scratch: Path, extract_id: object, words: str
) -> None:
    client = maternity_system(tmp_path)
    manifest = json.dumps(
        {"format": "seen-extract", "format_version": "1", "extract_id": extract_id}
    )
    response = upload_extract(client, _with_manifest(manifest))
    _assert_refused_whole(response, 400, words, scratch)


def _roomy() -> override_settings:
    return override_settings(
        SEEN_UPLOAD_MAX_MEMBER_BYTES=200_000, SEEN_UPLOAD_MAX_UNCOMPRESSED_BYTES=400_000
    )


def test_a_deeply_nested_manifest_is_a_400(tmp_path: Path, scratch: Path) -> None:
    client = maternity_system(tmp_path)
    deep = '{"format": "seen-extract", "format_version": "1", "x": ' + "[" * 20_000 + "]" * 20_000
    with _roomy():  # within the bounds on bytes: the manifest's own bound refuses it
        response = upload_extract(client, _with_manifest(deep + "}"))
    _assert_refused_whole(response, 400, "manifest.json is nested too deeply", scratch)


def test_a_huge_manifest_is_a_400(tmp_path: Path, scratch: Path) -> None:
    client = maternity_system(tmp_path)
    manifest = json.dumps(
        {"format": "seen-extract", "format_version": "1", "producer": "p" * 100_000}
    )
    with _roomy():
        response = upload_extract(client, _with_manifest(manifest))
    _assert_refused_whole(response, 400, "manifest.json is more than 65536 bytes", scratch)


def test_a_row_id_in_seens_reserved_form_is_quarantined(tmp_path: Path, scratch: Path) -> None:
    client = maternity_system(tmp_path)
    people = _people(2)
    people[1]["id"] = "seen-0123456789abcdef"
    response = upload_extract(client, _extract_zip(tmp_path, people=people))
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 1
    (row,) = response.json()["quarantined"]
    assert row["field"] == "id" and "reserved" in row["reason"]
    assert not SourceRecord.objects.filter(local_id__startswith="seen-").exists()


# --- matching on arrival ------------------------------------------------------------------------


def test_matching_that_fails_is_said_on_the_batch(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are kept (nothing lost), but the batch never claims they were matched."""
    model = tmp_path / "linkage-model" / "model.json"
    model.parent.mkdir(parents=True, exist_ok=True)
    model.write_text("{}")

    def disk_full(record_ids: list[int]) -> dict[str, int]:
        raise duckdb.OutOfMemoryException("failed to offload data block (max_temp_directory_size)")

    monkeypatch.setattr("seen.linkage.incremental.link_arrivals", disk_full)
    client = maternity_system(tmp_path)
    response = upload_extract(client, _extract_zip(tmp_path, people=_people(3)))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] == 3 and body["linked_on_arrival"] is None
    assert body["matching"]["status"] == "failed"
    assert "max_temp_directory_size" in body["matching"]["detail"]
    assert "seen link" in body["matching"]["detail"]
    batch = IngestBatch.objects.get(pk=body["batch"])
    assert batch.status == IngestBatch.Status.UNMATCHED and batch.matching == "failed"
    assert "seen link" in batch.note
    assert SourceRecord.objects.filter(person__isnull=True).count() == 3
    assert not QuarantinedRow.objects.exists()
    assert _files_left(scratch) == []


def test_many_arrivals_wait_for_seen_link_rather_than_hold_the_request(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More new people than are matched one by one would start a whole-partnership link run
    inside the request: through the API they wait for `seen link` instead, and the batch says so."""
    model = tmp_path / "linkage-model" / "model.json"
    model.parent.mkdir(parents=True, exist_ok=True)
    model.write_text("{}")

    def whole_run(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a whole link run started inside the request")

    monkeypatch.setattr("seen.linkage.incremental.ARRIVALS_FOR_A_BATCH", 2)
    monkeypatch.setattr("seen.linkage.batch.run_batch", whole_run)
    monkeypatch.setattr("seen.linkage.incremental.link_arrivals", whole_run)
    client = maternity_system(tmp_path)
    response = upload_extract(client, _extract_zip(tmp_path, people=_people(3)))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["matching"]["status"] == "deferred" and "seen link" in body["matching"]["detail"]
    batch = IngestBatch.objects.get(pk=body["batch"])
    assert batch.status == IngestBatch.Status.UNMATCHED and batch.matching == "deferred"
    assert SourceRecord.objects.filter(person__isnull=True).count() == 3
