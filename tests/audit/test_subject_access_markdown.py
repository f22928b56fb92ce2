"""The subject-access report as Markdown carries no HTML, link or heading from the values it
quotes (issue 13 finding 12): a name such as `<img src=x onerror=alert(1)>`, a reason holding a
new line and a heading, are written as text, so a viewer rendering the document shows them as
written and runs nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from seen.casefile import disclosure
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.people.models import SourceRecord
from seen.web.subject_access_files import as_markdown, markdown_text
from seen.web.subject_access_words import report_in_words
from tests.fixtures.partnership import small_partnership

pytestmark = pytest.mark.django_db

FORENAME = "<img src=x onerror=alert(1)>"
SURNAME = "[click](http://evil.example) *Hollis*"
REASON = "concern\n# Injected heading\n<script>alert(2)</script>\n1. a list"


@pytest.fixture
def baby(extract: Callable[..., Path]) -> Any:
    """The small partnership's baby, named hostilely, with a referral whose reason is too."""
    tables = small_partnership()
    for row in tables["people"]:
        if row["id"] == "B1":
            row.update(forename=FORENAME, surname=SURNAME)
    tables["referrals"] = [
        {"agency": "QAV-MAT", "id": "RF1", "date": "2025-06-05", "child": "B1",
         "kind": "other", "reason": REASON},
    ]
    ingest_extract(extract(**tables))
    records = SourceRecord.objects.filter(local_id__in=["F1", "P77"])
    decisions.confirm(*records, user=None, reason="same man")  # every record gets its person
    return SourceRecord.objects.get(local_id="B1").person


def test_the_markdown_renders_as_text_only(baby: Any) -> None:
    text = as_markdown(report_in_words(disclosure.subject_access(baby)))
    html = MarkdownIt("commonmark").render(text)  # raw HTML allowed, as many viewers do
    for tag in ("<img", "<script", "<a ", "<em>", "<ol"):
        assert tag not in html, tag
    assert "Injected heading</h" not in html
    # what was written is shown, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "[click](http://evil.example) *Hollis*" in html
    assert "# Injected heading &lt;script&gt;alert(2)&lt;/script&gt; 1. a list" in html
    # the document's own structure is kept
    assert "<h1>Subject-access report for" in html and "<h2>Facts</h2>" in html


def test_ordinary_values_read_as_they_are() -> None:
    for value in ("1 June 2025", "Quarry Vale Maternity", "father_not_seen_reason", "QA1 2BC"):
        assert markdown_text(value) == value
