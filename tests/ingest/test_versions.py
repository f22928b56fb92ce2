"""Extract format 1.1 beside 1: a version 1 file (without the columns 1.1 added) loads as before,
an extract of 1.1 loads what 1.1 added, and the header rule stands for every other column."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from seen.facts.models import Plan, PreProceedings, Referral
from seen.ingest.errors import ExtractError
from seen.ingest.loader import ingest_extract
from seen.ingest.models import IngestBatch
from seen.ingest.schema import MANIFEST_FILE, TABLES_BY_NAME
from seen.people.models import SourceRecord

pytestmark = pytest.mark.django_db

Build = Callable[..., Path]

CHILD_ROWS = {
    "referrals": [
        {
            "agency": "QAV-MAT",
            "id": "R1",
            "date": "2025-03-01",
            "child": "B1",
            "kind": "childrens_social_care",
            "source": "3B",
            "primary_need": "N1",
            "closed_on": "2025-05-01",
            "closure_reason": "RC8",
            "no_further_action": "no",
        },
    ],
    "plans": [
        {
            "agency": "QAV-MAT",
            "id": "PL1",
            "start": "2025-03-10",
            "child": "B1",
            "kind": "child_protection",
            "category_of_abuse": "Neglect",
            "latest_category_of_abuse": "Multiple",
            "information_sharing_plan": "not_known",
        },
    ],
    "pre_proceedings": [
        {
            "agency": "QAV-MAT",
            "id": "PP1",
            "start": "2025-04-01",
            "child": "B1",
            "letter_sent_on": "2025-04-02",
            "decision_on": "2025-06-01",
            "outcome": "A",
        },
    ],
}


def _rewrite(path: Path, columns: list[str]) -> None:
    """Keep only these columns of a CSV file, as a version 1 sender would write it."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _declare(directory: Path, version: str) -> None:
    manifest = json.loads((directory / MANIFEST_FILE).read_text())
    (directory / MANIFEST_FILE).write_text(json.dumps({**manifest, "format_version": version}))


def test_a_version_1_file_without_the_new_columns_loads_as_before(extract: Build) -> None:
    directory = extract(referrals=CHILD_ROWS["referrals"], plans=CHILD_ROWS["plans"])
    for name in ("people", "referrals", "plans"):
        table = TABLES_BY_NAME[name]
        _rewrite(directory / table.filename, [c.name for c in table.columns_in("1")])
    summary = ingest_extract(directory)
    assert summary.refused_files == [] and summary.totals.quarantined == 0
    referral = Referral.objects.get(local_id="R1")
    assert (referral.source, referral.primary_need, referral.closed_on) == ("", "", None)
    assert Plan.objects.get(local_id="PL1").latest_category_of_abuse == ""
    assert SourceRecord.objects.get(local_id="B1").upn == ""
    assert IngestBatch.objects.get(pk=summary.batch_id).format_version == "1"


def test_an_extract_of_version_1_1_loads_what_1_1_added(extract: Build) -> None:
    directory = extract(**CHILD_ROWS)
    _declare(directory, "1.1")
    summary = ingest_extract(directory)
    assert summary.refused_files == [] and summary.totals.quarantined == 0
    referral = Referral.objects.get(local_id="R1")
    assert (referral.source, referral.primary_need, referral.closure_reason) == ("3B", "N1", "RC8")
    assert referral.closed_on == date(2025, 5, 1) and referral.no_further_action == "no"
    assert Plan.objects.get(local_id="PL1").latest_category_of_abuse == "Multiple"
    proceedings = PreProceedings.objects.get(local_id="PP1")
    assert proceedings.occurred_on == date(2025, 4, 1) and proceedings.outcome == "A"
    assert IngestBatch.objects.get(pk=summary.batch_id).format_version == "1.1"


def test_a_new_column_is_checked_like_any_other(extract: Build) -> None:
    bad = [{**CHILD_ROWS["referrals"][0], "primary_need": "N99", "closed_on": "2025-01-01"}]
    summary = ingest_extract(extract(referrals=bad))
    assert summary.totals.quarantined == 1
    assert not Referral.objects.exists()


def test_a_version_1_column_left_out_still_refuses_the_file(extract: Build) -> None:
    directory = extract(referrals=CHILD_ROWS["referrals"])
    table = TABLES_BY_NAME["referrals"]
    _rewrite(directory / table.filename, [c.name for c in table.columns if c.name != "reason"])
    summary = ingest_extract(directory)
    assert summary.refused_files == [{"file": "referrals.csv", "reason": "missing columns: reason"}]


def test_an_unknown_column_is_named_with_the_latest_version(extract: Build) -> None:
    directory = extract(referrals=CHILD_ROWS["referrals"])
    table = TABLES_BY_NAME["referrals"]
    _rewrite(directory / table.filename, [*table.column_names, "favourite_colour"])
    summary = ingest_extract(directory)
    reason = summary.refused_files[0]["reason"]
    assert "columns not in format version 1.1 of referrals.csv: favourite_colour" in reason


@pytest.mark.parametrize("version", ["2", "1.2", "1.10"])
def test_a_version_seen_does_not_read_is_refused(extract: Build, version: str) -> None:
    directory = extract()
    _declare(directory, version)
    with pytest.raises(ExtractError, match=r"reads format version 1 or 1\.1"):
        ingest_extract(directory)
    assert not IngestBatch.objects.exists()
