"""A shielded address written into free text is shielded too (issue 13 finding 11): the mother's
refuge is shielded, and a referral about the baby gives its street and postcode in its reason
(and a referral of the father to a service, in its reason and a step's). For a viewer without
shielding clearance the reason shows with the address replaced on every face (the child page,
the API, the chronology, the subject-access report, the referral's page); a cleared viewer
reads it whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seen.access import services
from seen.access.models import Role, Shield
from seen.access.shielding import SHIELDED, ShieldedAddresses
from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.people.models import Person, SourceRecord
from tests.fixtures.partnership import NOW, make_user, partnership_tables, signed_in_client

pytestmark = pytest.mark.django_db

REFUGE = "12 Refuge Road, Northfield"
POSTCODE = "QA1 2BC"
# how a practitioner might write them: the street without the town, the postcode without a space
REASON = "Mother and baby have moved to 12 refuge road (qa12bc); ring before any visit."
GIVEN_AWAY = ("refuge road", "qa12bc", "qa1 2bc", "northfield")


@pytest.fixture
def baby(extract: Callable[..., Path]) -> Person:
    """The shared baby (tests.fixtures.partnership); the mother's refuge (her record and her
    residence) shielded; a referral about the baby naming it in its reason. It stands in for
    the shared `baby` in this module, for the incidents' fixtures too."""
    clock.set_now(NOW)
    tables = partnership_tables()
    for row in tables["people"]:
        if row["id"] == "M1":
            row["address"] = REFUGE
    tables["residences"] = [
        {
            "agency": "QAV-MAT",
            "id": "A1",
            "person": "M1",
            "address": REFUGE,
            "postcode": POSTCODE,
            "start": "2025-05-01",
        },
    ]
    tables["referrals"] = [
        {
            "agency": "QAV-MAT",
            "id": "RF1",
            "date": "2025-06-05",
            "child": "B1",
            "kind": "childrens_social_care",
            "reason": REASON,
        },
    ]
    ingest_extract(extract(**tables))
    records = SourceRecord.objects.order_by("pk")
    decisions.confirm(*records.filter(local_id__in=["B1", "HB1"]), user=None, reason="same baby")
    decisions.confirm(*records.filter(local_id__in=["B1", "CB1"]), user=None, reason="same baby")
    Shield.objects.create(
        record=SourceRecord.objects.get(local_id="M1"),
        scope=Shield.Scope.ADDRESS,
        reason=Shield.Reason.REFUGE,
        created_at=NOW,
    )
    person = SourceRecord.objects.get(local_id="B1").person
    assert person is not None
    return person


def _social_worker(baby: Person, *, cleared: bool = False) -> Any:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    if cleared:
        worker.staff_profile.shielding_clearance = True
        worker.staff_profile.save()
    services.record_basis(worker, baby, "direct_care", "consent")
    return worker


def assert_shielded(text: str) -> None:
    lowered = text.lower()
    assert "have moved to" in lowered, "the referral's reason is shown"
    for given in GIVEN_AWAY:
        assert given not in lowered, given
    assert "moved to [shielded] ([shielded])" in lowered


def test_the_child_page(baby: Person) -> None:
    page = signed_in_client(_social_worker(baby)).get(f"/children/{baby.reference}/")
    assert page.status_code == 200
    assert_shielded(page.content.decode())


def test_the_api(baby: Person) -> None:
    answer = signed_in_client(_social_worker(baby)).get(
        f"/api/children/{baby.reference}", HTTP_SEEN_PURPOSE="direct_care"
    )
    assert answer.status_code == 200
    assert_shielded(answer.content.decode())


def test_a_cleared_viewer_reads_the_reason_whole(baby: Person) -> None:
    page = signed_in_client(_social_worker(baby, cleared=True)).get(f"/children/{baby.reference}/")
    assert REASON in page.content.decode()


def test_the_chronology(reviewing: Any, baby: Person) -> None:
    client = signed_in_client(reviewing)
    url = f"/children/{baby.reference}/chronology/"
    page = client.get(url)
    assert page.status_code == 200
    assert_shielded(page.content.decode())
    sheet = client.get(url + "?format=csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(sheet)))
    [referral] = [r for r in rows if r["what"] == "Referral"]
    assert_shielded(referral["detail"])


@pytest.mark.parametrize("wanted", ["markdown", "html", "csv"])
def test_the_subject_access_report(baby: Person, wanted: str) -> None:
    dpo = signed_in_client(make_user(Role.DATA_PROTECTION_OFFICER))
    response = dpo.get("/subject-access/", {"reference": baby.reference, "format": wanted})
    assert response.status_code == 200
    text = response.content.decode()
    assert_shielded(text)


def test_postcodes_and_streets_are_found_however_they_are_written() -> None:
    found = ShieldedAddresses([POSTCODE, "Flat 3, 12 Refuge Road, Northfield"])
    assert found.redact("at QA12BC") == f"at {SHIELDED}"
    assert found.redact("at qa1  2bc.") == f"at {SHIELDED}."
    assert found.redact("12, Refuge  Road") == SHIELDED
    assert found.redact("off refuge road") == f"off {SHIELDED}"
    assert found.redact("flat 3 is dry") == "flat 3 is dry"  # a flat number alone places no one
    assert found.redact("XQA12BC and Refuge Roads") == "XQA12BC and Refuge Roads"


def test_a_referral_to_a_service(baby: Person) -> None:
    """A referral of the father to a service whose reason, and a step's, name the refuge: the
    referral's page and the API show them shielded; a cleared viewer reads them whole."""
    from seen.directory.models import Service
    from seen.facts.models import ServiceReferral, ServiceUptake

    group = Service.objects.create(
        oruk_id="0b3f6c2e-1a2b-4c3d-8e9f-001122334455",
        name="Dads' Group",
        organisation="Early Help",
        kind="parenting",
        audiences=["fathers"],
    )
    father = SourceRecord.objects.get(local_id="F1")
    child = SourceRecord.objects.get(local_id="B1")
    referral = ServiceReferral.objects.create(
        agency=child.agency,
        local_id="seen-r1",
        occurred_on=NOW.date(),
        subject=father,
        child=child,
        service=group,
        reason=REASON,
        basis="consent",
    )
    ServiceUptake.objects.create(
        agency=child.agency,
        local_id="seen-s1",
        occurred_on=NOW.date(),
        referral=referral,
        status="declined",
        reason=REASON,
        subject=father,
        child=child,
    )
    worker = _social_worker(baby)
    client = signed_in_client(worker)
    page = client.get(f"/referrals/{referral.local_id}/")
    assert page.status_code == 200
    assert_shielded(page.content.decode())
    answer = client.get(f"/api/referrals/{referral.local_id}", HTTP_SEEN_PURPOSE="direct_care")
    assert answer.status_code == 200
    body = answer.json()
    assert_shielded(body["reason"])
    assert_shielded(body["steps"][0]["reason"])
    worker.staff_profile.shielding_clearance = True
    worker.staff_profile.save()
    assert REASON in client.get(f"/referrals/{referral.local_id}/").content.decode()
