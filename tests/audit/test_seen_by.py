"""Every display of a person's data is counted in the subject-access report's "who has seen it":
the baby's case file read through the API (which names the father and the mother among the
people around the baby), the baby's chronology shown and downloaded (every fact about the baby
and the adults around the baby, which names none of them in its audit entry), the baby's MASH
triage page (the areas each adult is known in, and why), a listing of search results, and the
clerical review queue listing a record of theirs. A refusal showed nothing and is not counted as
a display of the adults."""

from __future__ import annotations

import html
from typing import Any

import pytest

from seen.access.models import Role
from seen.audit.log import record
from seen.audit.models import AuditEvent
from seen.casefile import disclosure
from seen.casefile.looks import AROUND, LISTED, NAMED, seen_by
from seen.core import clock
from seen.linkage.models import CandidatePair, LinkRun
from seen.people.models import Person, SourceRecord
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db


def _person(local_id: str) -> Person:
    person = SourceRecord.objects.get(local_id=local_id).person
    assert person is not None
    return person


def _displays(baby: Person, worker: Any, mash: Any, reviewing: Any) -> dict[str, int]:
    """Each display of the baby's family, made as a practitioner makes it; its audit entry."""
    made: dict[str, int] = {}

    def last() -> int:
        event = AuditEvent.objects.order_by("-seq").first()
        assert event is not None
        return event.seq

    api = signed_in_client(worker, purpose="safeguarding")
    assert api.get(f"/api/children/{baby.reference}").status_code == 200
    made["api case file"] = last()
    chronology = f"/children/{baby.reference}/chronology/"
    reviewer = signed_in_client(reviewing)
    assert reviewer.get(chronology).status_code == 200
    made["chronology page"] = last()
    for wanted in ("csv", "docx"):
        assert reviewer.get(chronology, {"format": wanted}).status_code == 200
        made[f"chronology {wanted}"] = last()
    triage = f"/children/{baby.reference}/triage/"
    practitioner = signed_in_client(mash)
    assert practitioner.post(triage, {"step": "open"}).status_code == 303
    shown = practitioner.get(triage)
    assert shown.status_code == 200
    assert "the father known as Bob Taner" in html.unescape(shown.content.decode())
    made["triage page"] = last()
    refused = signed_in_client(make_user(Role.HEALTH_VISITOR, "HV1")).get(triage)
    assert refused.status_code == 403
    made["refused triage"] = last()
    return made


def test_api_chronology_exports_and_triage_are_each_counted_for_the_adults(
    baby: Person, worker: Any, mash: Any, reviewing: Any
) -> None:
    made = _displays(baby, worker, mash, reviewing)
    around = f"{AROUND}:{baby.reference}"
    expected = {
        "api case file": ("api", "read", "child", NAMED),
        "chronology page": ("page", "read", "chronology", around),
        "chronology csv": ("page", "export", "chronology", around),
        "chronology docx": ("page", "export", "chronology", around),
        "triage page": ("page", "read", "triage", around),
    }
    for adult in (_person("F1"), _person("M1")):
        rows = {row["seq"]: row for row in disclosure.subject_access(adult)["seen_by"]}
        for display, (via, action, object_type, through) in expected.items():
            row = rows.get(made[display])
            assert row is not None, f"{display} is not counted for {adult.reference}"
            assert (row["via"], row["action"], row["object_type"], row["through"]) == (
                via,
                action,
                object_type,
                through,
            ), display
        assert made["refused triage"] not in rows  # a refusal showed nobody
    # the baby's own: every one of them, as its subject
    rows = {row["seq"]: row for row in seen_by(baby)}
    for display in expected:
        assert rows[made[display]]["through"] == "about", display
    assert rows[made["refused triage"]]["outcome"] == "denied"


def test_the_officer_reads_each_display_in_words(
    baby: Person, worker: Any, mash: Any, reviewing: Any
) -> None:
    _displays(baby, worker, mash, reviewing)
    father = _person("F1")
    officer = signed_in_client(make_user(Role.DATA_PROTECTION_OFFICER))
    page = officer.get("/subject-access/", {"reference": father.reference})
    text = html.unescape(page.content.decode())
    table = text[text.index('id="looks"') :]
    around = f"which shows the adults around child {baby.reference}"
    assert f"Looked at child {baby.reference} through the API, which named this person" in table
    assert f"Looked at chronology {baby.reference} on a page, {around}" in table
    assert table.count(f"Downloaded chronology {baby.reference} on a page, {around}") == 2
    assert "Looked at triage" in table and table.count(around) == 4
    for who in ("u-social_worker-SW1", "u-reviewer-QAV-CSC", "u-mash_practitioner-MA1"):
        assert who in table, who
    assert "u-health_visitor-HV1" not in table  # refused: shown nothing of him
    assert "Reviewer at Quarry Vale Children's Social Care" in text  # who has received it


def test_a_listing_of_search_results_counts_for_each_person_listed(baby: Person) -> None:
    officer = signed_in_client(make_user(Role.DATA_PROTECTION_OFFICER))
    assert officer.get("/subject-access/", {"surname": "Hollis"}).status_code == 200
    (search,) = AuditEvent.objects.filter(object_type="person_search")
    for listed in (_person("M1"), _person("B1")):
        (row,) = [r for r in seen_by(listed) if r["seq"] == search.seq]
        assert row["through"] in ("about", NAMED)
    assert search.seq not in [r["seq"] for r in seen_by(_person("F1"))]


def test_the_review_queue_listing_a_record_counts_for_its_person(
    family: dict[str, Person],
) -> None:
    run = LinkRun.objects.create(
        kind=LinkRun.Kind.BATCH,
        auto_link_threshold=0.99,
        review_threshold=0.5,
        started_at=clock.now(),
    )
    ids = {r.local_id: r.pk for r in SourceRecord.objects.all()}
    pair = CandidatePair.objects.create(
        record_l_id=ids["M1"],
        record_r_id=ids["P77"],
        match_probability=0.55,
        match_weight=0.3,
        band="review",
        run=run,
    )
    # as the review queue (page and API) records what it listed: the pairs, by id
    listing = record(
        user=None,
        action="read",
        via="api",
        purpose="mash_triage",
        object_type="review_queue",
        object_id="",
        disclosed={"pairs": [pair.pk + 1000, pair.pk], "fields": ["forename", "dob"]},
    )
    other = record(
        user=None,
        action="read",
        via="api",
        purpose="mash_triage",
        object_type="review_queue",
        object_id="",
        disclosed={"pairs": [pair.pk + 1000]},
    )
    for person in (family["M1"], family["P77"]):
        rows = {row["seq"]: row for row in seen_by(person)}
        assert rows[listing.seq]["through"] == LISTED
        assert other.seq not in rows
    assert listing.seq not in [row["seq"] for row in seen_by(family["B1"])]
