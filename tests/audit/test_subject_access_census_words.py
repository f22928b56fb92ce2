"""The subject-access report names the CIN census's columns (extract format 1.1) in words and
gives each code what it stands for, as it does for the older columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seen.casefile import disclosure
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.people.models import SourceRecord
from seen.web.subject_access_files import as_markdown
from seen.web.subject_access_words import report_in_words
from tests.fixtures.partnership import small_partnership

pytestmark = pytest.mark.django_db


def test_a_census_referral_reads_in_words(extract: Callable[..., Path]) -> None:
    tables = small_partnership()
    tables["referrals"] = [
        {"agency": "QAV-MAT", "id": "RF1", "date": "2025-06-05", "child": "B1",
         "kind": "childrens_social_care", "source": "1A", "primary_need": "N1",
         "closed_on": "2025-07-01", "closure_reason": "RC8", "no_further_action": "yes"},
    ]
    ingest_extract(extract(**tables))
    records = SourceRecord.objects.filter(local_id__in=["F1", "P77"])
    decisions.confirm(*records, user=None, reason="same man")  # every record gets its person
    baby = SourceRecord.objects.get(local_id="B1").person
    text = as_markdown(report_in_words(disclosure.subject_access(baby)))
    assert "Referred by" in text and "family member, relative or carer" in text
    assert "Primary need" in text and "Abuse or neglect" in text
    assert "Why it closed" in text and "Closed on" in text and "1 July 2025" in text
    for raw in ("primary_need", "closure_reason", "no_further_action"):
        assert raw not in text, raw
