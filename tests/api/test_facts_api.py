"""The facts API: each record endpoint (written, the alerts raised, the prompts), every bad body
a 4xx with a message (422 for the schema, 400 with each field from the service, 403 from the
access decision, 404 for a child Seen does not hold), and an agency extract submitted as a zip
(loaded, bad rows quarantined with line and reason; a bad zip a 400)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.facts.models import Appointment, Assessment, Contact, Injury
from seen.ingest.models import IngestBatch
from seen.ingest.schema import TABLES_BY_NAME
from seen.people.models import Person, SourceRecord
from tests.api.extract_uploads import maternity_system, upload_extract, zip_extract
from tests.fixtures.partnership import make_user, signed_in_client, small_partnership, write_extract

pytestmark = pytest.mark.django_db


def _client(user: Any, purpose: str = "direct_care") -> Client:
    # signed_in_client declaring a purpose (the practitioner's, unless told), as the API asks of
    # every request
    return signed_in_client(user, purpose=purpose)


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/facts/{path}", json.dumps(body), content_type="application/json")


def _contact(baby: Person, **changes: Any) -> dict[str, Any]:
    body = {
        "child": baby.reference,
        "occurred_on": "2025-07-10",
        "kind": "new_birth",
        "mother_seen": "yes",
        "father": None,
        "father_seen": "no",
        "father_not_seen_reason": "at work",
    }
    body.update(changes)
    return body


def test_a_contact_is_recorded_with_its_prompt(baby: Person) -> None:
    client = _client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = _post(client, "contacts", _contact(baby))
    assert response.status_code == 201, response.content
    body = response.json()
    contact = Contact.objects.get(pk=body["fact"])
    assert body["child"] == baby.reference and body["local_id"] == contact.local_id
    assert contact.local_id.startswith("seen-") and contact.agency.code == "QAV-HV"
    [prompt] = body["prompts"]
    assert prompt["rule"] == "father-seen-at-mandated-contact" and prompt["alerts"] == []
    write = AuditEvent.objects.get(action="write", via="api")
    assert write.object_type == "contact" and write.subject == baby.reference


def test_an_assessment_returns_the_alert_it_raised(baby: Person) -> None:
    client = _client(make_user(Role.SOCIAL_WORKER, "SW1"))
    response = _post(
        client,
        "assessments",
        {
            "child": baby.reference,
            "occurred_on": "2025-05-20",
            "father_involved": "yes",
            "mother_checks_done": "no",
            "father_checks_done": "yes",
        },
    )
    assert response.status_code == 201, response.content
    [alert] = response.json()["alerts"]
    assert alert["rule"] == "pre-birth-assessment-father"
    assert "made no background checks on the mother" in alert["explanation"]
    assert Assessment.objects.get(pk=response.json()["fact"]).kind == "pre_birth"


def test_was_not_brought_and_an_injury(baby: Person) -> None:
    client = _client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = _post(
        client,
        "was-not-brought",
        {"child": baby.reference, "occurred_on": "2025-07-01", "service": "gp",
         "followed_up_on": "2025-07-02"},
    )
    assert response.status_code == 201, response.content
    appointment = Appointment.objects.get(pk=response.json()["fact"])
    assert appointment.outcome == "was_not_brought" and str(appointment.followed_up_on) == (
        "2025-07-02"
    )
    response = _post(
        client,
        "injuries",
        {"child": baby.reference, "occurred_on": "2025-07-10", "kind": "bruise",
         "body_site": "ear", "mobility": "non_mobile", "explanation": "none given"},
    )
    assert response.status_code == 201, response.content
    [alert] = response.json()["alerts"]
    assert alert["rule"] == "non-mobile-injury" and alert["severity"] == "same_day"
    assert Injury.objects.filter(pk=response.json()["fact"]).exists()


@pytest.mark.parametrize(
    ("changes", "status", "said"),
    [
        ({"father_not_seen_reason": ""}, 400, "father_not_seen_reason"),
        ({"occurred_on": "2031-01-01"}, 400, "today or in the past"),
        ({"kind": "antenatal"}, 400, "antenatal contact is the mother's"),
        ({"father": "P424242"}, 400, "a man recorded around this child"),
        ({"kind": "party"}, 422, "kind"),
        ({"father_seen": "perhaps"}, 422, "father_seen"),
        ({"occurred_on": "10/07/2025"}, 422, "occurred_on"),
        ({"child": "B1"}, 422, "child"),
        # a NUL anywhere in a request is refused before any operation (seen.web.hostile_input)
        ({"father_not_seen_reason": "a\x00b"}, 400, "NUL character"),
        # refused as a child without a relationship is (a 404 "no child" before issue 13)
        ({"child": "P99999999"}, 403, "no legitimate relationship"),
    ],
)
def test_a_bad_contact_is_a_4xx_with_a_message(
    baby: Person,
    changes: dict[str, Any],
    status: int,
    said: str,
) -> None:
    client = _client(make_user(Role.HEALTH_VISITOR, "HV1"))
    response = _post(client, "contacts", _contact(baby, **changes))
    assert response.status_code == status, response.content
    assert said in response.content.decode()
    assert not Contact.objects.filter(local_id__startswith="seen-").exists()


def test_bodies_missing_or_not_json_are_422(baby: Person) -> None:
    client = _client(make_user(Role.HEALTH_VISITOR, "HV1"))
    for path in ("contacts", "assessments", "was-not-brought", "injuries"):
        assert _post(client, path, {}).status_code == 422, path
        response = client.post(f"/api/facts/{path}", "{", content_type="application/json")
        assert response.status_code in (400, 422), path


def test_refusals(baby: Person) -> None:
    other = _client(make_user(Role.HEALTH_VISITOR, "HV2"))
    response = _post(other, "contacts", _contact(baby))
    assert response.status_code == 403 and "no legitimate relationship" in response.json()["detail"]
    no_purpose = _client(make_user(Role.HEALTH_VISITOR, "HV1"), purpose="")
    assert _post(no_purpose, "contacts", _contact(baby)).status_code == 403
    signed_out = Client(headers={"Seen-Purpose": "direct_care"})
    assert _post(signed_out, "contacts", _contact(baby)).status_code == 401
    assert not Contact.objects.filter(local_id__startswith="seen-").exists()
    assert AuditEvent.objects.filter(outcome="denied", via="api").count() == 2


def test_an_injury_for_an_unborn_child_is_a_400(baby: Person) -> None:
    from seen.people.models import Pregnancy

    client = _client(make_user(Role.HEALTH_VISITOR, "HV1"))
    mother = SourceRecord.objects.get(local_id="M1")
    from datetime import date

    pregnancy = Pregnancy.objects.create(
        agency=mother.agency, local_id="PR9", mother=mother, expected_date=date(2026, 5, 1)
    )
    response = _post(
        client,
        "injuries",
        {"child": f"U{pregnancy.pk}", "occurred_on": "2025-07-10", "kind": "bruise",
         "body_site": "ear", "mobility": "non_mobile", "explanation": "none"},
    )
    assert response.status_code == 403  # no relationship with that unborn child


# --- extracts -----------------------------------------------------------------------------------


def test_an_agency_system_submits_its_extract_and_bad_rows_are_quarantined(
    tmp_path: Path,
) -> None:
    tables = small_partnership()
    tables["people"].append(
        {"agency": "QAV-MAT", "id": "X1", "forename": "Bad", "surname": "Number",
         "nhs_number": "12345", "sex": "male"}
    )
    folder = write_extract(tmp_path / "extract", tables)
    client = maternity_system(tmp_path)
    response = upload_extract(client, zip_extract(folder, nested=True))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] > 5
    # the reference tables are refused whole; the police's rows are not the maternity system's
    assert {f["file"] for f in body["refused_files"]} == {
        "areas.csv",
        "postcode_districts.csv",
        "agencies.csv",
    }
    reasons = {(q["file"], q["line"], q["field"]): q["reason"] for q in body["quarantined"]}
    assert "NHS number" in reasons[("people.csv", 6, "nhs_number")]
    assert reasons[("people.csv", 5, "agency")] == "this system sends rows of agency QAV-MAT only"
    assert {key[0] for key in reasons if key[2] == "agency"} == {
        "people.csv",
        "residences.csv",
        "convictions.csv",
    }
    assert body["linked_on_arrival"] is None  # no linkage model yet: the first `seen link` does it
    assert IngestBatch.objects.get(pk=body["batch"]).status == "complete"
    assert SourceRecord.objects.filter(local_id="F1").exists()
    assert not SourceRecord.objects.filter(local_id="P77").exists()
    assert AuditEvent.objects.get(action="write", object_type="extract").object_id == str(
        body["batch"]
    )
    # the same extract again: nothing changes
    again = upload_extract(client, zip_extract(folder)).json()
    assert again["accepted"] == 0 and again["unchanged"] == body["accepted"]


def test_a_bad_zip_is_a_400_and_a_bad_row_is_quarantined(
    tmp_path: Path, extract: Callable[..., Path]
) -> None:
    client = maternity_system(tmp_path)
    response = upload_extract(client, b"not a zip at all")
    assert response.status_code == 400 and "not a zip" in response.json()["detail"]
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("people.csv", "agency,id\n")
    response = upload_extract(client, empty.getvalue())
    assert response.status_code == 400 and "manifest.json" in response.json()["detail"]
    wrong = io.BytesIO()
    with zipfile.ZipFile(wrong, "w") as archive:
        archive.writestr("manifest.json", '{"format": "seen-extract", "format_version": "9"}')
    response = upload_extract(client, wrong.getvalue())
    assert response.status_code == 400 and "format version 1" in response.json()["detail"]
    assert "/tmp/seen-extract" not in response.content.decode()
    sneaky = io.BytesIO()
    with zipfile.ZipFile(sneaky, "w") as archive:
        for path in sorted(extract().iterdir()):
            archive.write(path, path.name)
        archive.writestr("../../escape.csv", "x\n")
    assert upload_extract(client, sneaky.getvalue()).status_code == 200
    assert not (tmp_path.parent / "escape.csv").exists()
    huge = io.BytesIO()
    with zipfile.ZipFile(huge, "w") as archive:
        archive.writestr(
            "manifest.json", '{"format": "seen-extract", "format_version": "1"}'
        )
        columns = TABLES_BY_NAME["people"].column_names
        cells = ["QAV-MAT", "H1", '"' + "a" * 200_000 + '"'] + [""] * (len(columns) - 3)
        archive.writestr("people.csv", ",".join(columns) + "\n" + ",".join(cells) + "\n")
    # a value beyond the csv module's own limit: its row quarantined with the reason, not a 500
    response = upload_extract(client, huge.getvalue())
    assert response.status_code == 200
    (row,) = response.json()["quarantined"]
    assert (row["file"], row["line"]) == ("people.csv", 2) and "200000 characters" in row["reason"]
    response = client.post("/api/facts/extracts", {})
    assert response.status_code == 400 and "form field 'extract'" in response.json()["detail"]


def test_only_an_agency_system_submits_extracts(tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "extract", small_partnership())
    for role in (
        Role.HEALTH_VISITOR,
        Role.MASH_PRACTITIONER,
        Role.DATA_PROTECTION_OFFICER,
        Role.SYSTEM_ADMINISTRATOR,
    ):
        client = _client(make_user(role, agency="none"))
        response = upload_extract(client, zip_extract(folder))
        assert response.status_code == 403, role
    assert upload_extract(Client(), zip_extract(folder)).status_code == 401
    assert not SourceRecord.objects.exists()
