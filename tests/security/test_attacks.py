"""The attack suite: issue 13's findings as hostile requests against Seen under gunicorn, one
test per finding (parametrised over the requests where it is natural), on the world of
tests.security.world and the server of tests/security/conftest.py. See docs/security.md.

After every test, whatever it asserted itself, the suite checks every exchange it made: no
answer was a server error, and no request made without the right to see personal data was
answered 2xx with any (conftest.pytest_runtest_call).

The order matters a little: the password spraying attack, which locks its address out of
signing in, comes last but one, and the audit chain is verified once more at the very end."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from seen.access.models import BreakGlass, Notification, StaffProfile
from seen.api.main import api
from seen.audit.log import verify
from seen.audit.models import AuditEvent
from seen.ingest.models import IngestBatch
from seen.ingest.schema import FORMAT_NAME, FORMAT_VERSION, TABLES_BY_NAME
from seen.learning.measures import MEASURES
from seen.people.models import Person, SourceRecord
from tests.audit.conftest import raw, triggers_suspended
from tests.fixtures.forms import date_boxes
from tests.fixtures.partnership import write_extract
from tests.security.browser import Browser, Exchange, body_text
from tests.security.conftest import LOG, Server
from tests.security.routes import (
    Form,
    Route,
    child_and_person_routes,
    forms_of,
    routes,
    template_field_names,
)
from tests.security.world import (
    ACCOUNTS,
    BABY_NHS_NUMBER,
    FORMULA_REASON,
    HTML_FORENAME,
    HTML_SURNAME,
    PASSWORD,
    REFUGE_LINE,
    SHIELDED_ADDRESS,
    SHIELDED_VALUES,
    World,
)

PURPOSE = "Seen-Purpose"
LONG = "P" + "1" * 299  # 300 characters: longer than any column the audit log has for it
LONG_UNBORN = "U" + "1" * 299
MISSING = "P99999999"  # a well-formed reference Seen holds no child under
NUL = "\x00"
EXTRACTS = "/api/facts/extracts"
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
GOOD_REASON = "The mother rang the duty line in distress about the baby tonight."


def values_for(world: World, reference: str = "", person: str = "") -> dict[str, str]:
    """A value for every parameter a route may have: the world's own objects."""
    return {
        "reference": reference or world.baby,
        "person_reference": person or reference or world.mother,
        "alert_id": str(world.alert),
        "review_id": str(world.review),
        "case_pk": str(world.case),
        "excerpt_id": str(world.excerpt),
        "incident_id": str(world.incident),
        "decision_id": str(world.decision),
        "pair_id": "1",
        "fact_id": "1",
        "kind": "contact",
        "measure": MEASURES[0].slug,
    }


def fill(route: Route, world: World, reference: str = "", person: str = "") -> str:
    known = values_for(world, reference, person)
    return route.fill({name: known.get(name, "1") for name in route.parameters})


def refused(response: requests.Response) -> bool:
    """Not answered with what was asked for: a 4xx, or a redirect to sign in."""
    if 400 <= response.status_code < 500:
        return True
    return response.status_code in (301, 302, 303) and "/sign-in/" in response.headers.get(
        "Location", ""
    )


def described(response: requests.Response) -> str:
    text = response.text[:300].replace("\n", " ")
    where = f"{response.request.method} {response.request.path_url[:80]}"
    return f"{where} -> {response.status_code}: {text}"


def verified() -> Any:
    result = verify()
    assert result.ok, f"`seen audit verify` reports the chain broken: {result}"
    return result


# ================================================================================================
# Finding 1: an over-long or NUL reference, on every child and person address, cannot silence
# `seen audit verify` (the entry stored is the entry hashed).
# ================================================================================================


@pytest.mark.parametrize("route", child_and_person_routes(), ids=lambda r: r.template)
def test_finding_01_overlong_and_nul_references_leave_the_audit_chain_intact(
    route: Route, browsers: dict[str, Browser], world: World, database: None
) -> None:
    midwife = browsers["midwife"]  # a signed-in practitioner with no relationship
    for reference in (LONG, LONG_UNBORN, "P1%00", "U1%00"):
        path = fill(route, world, reference, reference)
        answers = [
            midwife.get(path, unauthorised=True),
            midwife.post(
                path, {"purpose": "direct_care", "reason": GOOD_REASON}, unauthorised=True
            ),
        ]
        for response in answers:  # refused, or sent back to the child's page: never shown
            assert 300 <= response.status_code < 500, described(response)
    verified()


# ================================================================================================
# Finding 2: an upload cannot sink the host: bounded by configuration, refused whole, nothing
# left behind.
# ================================================================================================


def _zip(files: dict[str, bytes | str], *, stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _manifest(extract_id: str) -> str:
    return json.dumps(
        {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "extract_id": extract_id}
    )


PEOPLE_HEADER = ",".join(TABLES_BY_NAME["people"].column_names) + "\n"


def _person_row(local_id: str) -> str:
    values = {"agency": "QAV-MAT", "id": local_id, "forename": "Ada", "surname": "Upload",
              "sex": "female"}
    return ",".join(values.get(c, "") for c in TABLES_BY_NAME["people"].column_names) + "\n"


def _zip_bomb() -> bytes:
    # 30 MB of one row repeated: a few tens of kilobytes once compressed
    return _zip(
        {"manifest.json": _manifest("attack-bomb"),
         "people.csv": PEOPLE_HEADER + _person_row("BOMB1") * 400_000}
    )


def _over_size() -> bytes:
    # 1.5 MB that does not compress, over the 1 MB the server takes
    return _zip(
        {"manifest.json": _manifest("attack-size"), "people.csv": PEOPLE_HEADER,
         "padding.bin": os.urandom(1_500_000)},
        stored=True,
    )


def _over_rows() -> bytes:
    # 2,500 good rows, small, over the 2,000 a table may have
    rows = "".join(_person_row(f"ROWS{n}") for n in range(2_500))
    return _zip({"manifest.json": _manifest("attack-rows"), "people.csv": PEOPLE_HEADER + rows})


UPLOADS: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "zip bomb": (_zip_bomb, "BOMB", "attack-bomb"),
    "over the upload size": (_over_size, "SIZE", "attack-size"),
    "over the rows of a table": (_over_rows, "ROWS", "attack-rows"),
}


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def _upload(system: Browser, body: bytes, **kwargs: Any) -> requests.Response:
    return system.post(
        EXTRACTS,
        files={"extract": ("extract.zip", body, "application/zip")},
        headers={PURPOSE: "administration"},
        **kwargs,
    )


@pytest.mark.parametrize("attack", UPLOADS)
def test_finding_02_an_upload_over_its_bounds_is_refused_whole_and_leaves_nothing(
    attack: str,
    browsers: dict[str, Browser],
    server: Server,
    anonymous: Callable[[], Browser],
    database: None,
) -> None:
    build, prefix, extract_id = UPLOADS[attack]
    before = _files_under(server.var)
    started = time.monotonic()
    response = _upload(browsers["agency-system"], build())
    took = time.monotonic() - started
    assert response.status_code in (400, 413), described(response)
    assert took < 30, f"the refusal took {took:.0f} s"
    assert not SourceRecord.objects.filter(local_id__startswith=prefix).exists()
    assert not IngestBatch.objects.filter(
        extract_id=extract_id, status=IngestBatch.Status.COMPLETE
    ).exists()
    left = _files_under(server.var) - before
    assert not left, f"the refused upload left files behind: {sorted(map(str, left))}"
    assert anonymous().get("/sign-in/").status_code == 200  # the server still answers


def test_finding_02_an_upload_within_its_bounds_is_taken(
    browsers: dict[str, Browser], database: None
) -> None:
    """The control: the same endpoint takes a small extract, so the refusals above are the
    bounds' doing."""
    body = _zip(
        {"manifest.json": _manifest("attack-control"),
         "people.csv": PEOPLE_HEADER + _person_row("GOOD1")}
    )
    response = _upload(browsers["agency-system"], body)
    assert response.status_code == 200, described(response)
    assert SourceRecord.objects.filter(local_id="GOOD1").exists()


# ================================================================================================
# Finding 3: no side door to a child's chronology through recording a notification.
# ================================================================================================


def test_finding_03_a_lead_refused_the_child_cannot_reach_its_chronology(
    browsers: dict[str, Browser], world: World
) -> None:
    lead = browsers["lead-unrelated"]
    front = lead.get(f"/children/{world.baby}/", unauthorised=True)
    assert front.status_code == 403, described(front)
    lead.post(
        f"/children/{world.baby}/incidents/new/",
        {"purpose": "safeguarding", "occurred_on-day": "8", "occurred_on-month": "7",
         "occurred_on-year": "2025", "learned_on-day": "9", "learned_on-month": "7",
         "learned_on-year": "2025", "description": "Made up to open the chronology."},
        unauthorised=True,
    )
    for purpose in ("review", "safeguarding"):
        for wanted in ("", "csv", "docx"):
            params = {"purpose": purpose, **({"format": wanted} if wanted else {})}
            response = lead.get(
                f"/children/{world.baby}/chronology/", params=params, unauthorised=True
            )
            assert not 200 <= response.status_code < 300, described(response)


# ================================================================================================
# Finding 4: the administrator cannot make itself (or anyone) a social worker with shielding
# clearance alone, and every change of access is in Seen's audit chain.
# ================================================================================================


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _admin_form(admin: Browser, path: str, **changes: str) -> requests.Response:
    """An admin page's form submitted as the browser would, with `changes` typed in."""
    page = admin.get(path)
    forms = [
        f for f in forms_of(page.text)
        if f.method == "post" and not f.action.endswith("/logout/")
    ]
    if page.status_code != 200 or not forms:
        return page
    form = max(forms, key=lambda f: len(f.fields))
    return admin.post(form.action or path, form.as_sent(**changes, _save="Save"))


def _every_action(admin: Browser, changelist: str) -> None:
    """Every action the admin's list offers, on every row listed (approve among them)."""
    page = admin.get(changelist)
    if page.status_code != 200:
        return
    rows = re.findall(r'name="_selected_action" value="(\d+)"', page.text)
    select = page.text.split('name="action"', 1)[-1].split("</select>", 1)[0]
    for action in re.findall(r'<option value="([a-z_]+)"', select):
        admin.post(
            changelist,
            [("action", action), ("index", "0"), ("select_across", "0"),
             *(("_selected_action", row) for row in rows)],
        )


def _access_rows() -> int:
    """Rows of every table of the access app (profiles, grants, break glass, shares, …)."""
    return sum(model.objects.count() for model in apps.get_app_config("access").get_models())


def _profile(user_id: int) -> tuple[str, bool]:
    profile = StaffProfile.objects.get(user_id=user_id)
    return profile.role, profile.shielding_clearance


def test_finding_04_the_administrator_cannot_grant_case_access_or_clearance_alone(
    browsers: dict[str, Browser],
    anonymous: Callable[[], Browser],
    world: World,
    database: None,
) -> None:
    rogue = browsers["admin-rogue"]
    me, accomplice = world.users["admin-rogue"], world.users["social-worker-accomplice"]
    own = StaffProfile.objects.get(user_id=me)
    theirs = StaffProfile.objects.get(user_id=accomplice)
    before_seq, before_rows = _last_seq(), _access_rows()
    before = (_profile(me), _profile(accomplice))

    # the profiles edited in place
    _admin_form(rogue, f"/admin/access/staffprofile/{own.pk}/change/",
                role="social_worker", shielding_clearance="on")
    _admin_form(rogue, f"/admin/access/staffprofile/{theirs.pk}/change/",
                shielding_clearance="on")
    # access asked for, then approved by the one who asked, with every action the list offers
    _admin_form(rogue, f"/admin/access/accessgrant/add/?user={me}",
                user=str(me), role="social_worker", agency=str(theirs.agency_id),
                practitioner="", shielding_clearance="on",
                reason="I cover the duty desk tonight and need to see the baby.")
    _admin_form(rogue, f"/admin/access/accessgrant/add/?user={accomplice}",
                user=str(accomplice), shielding_clearance="on",
                reason="She needs to see where the family is staying.")
    _every_action(rogue, "/admin/access/accessgrant/")
    # another administrator's password set, to approve as them
    new_password = "taken-over-" + os.urandom(8).hex()
    _admin_form(rogue, f"/admin/auth/user/{world.users['admin']}/password/",
                password1=new_password, password2=new_password)
    took_over = anonymous().sign_in("admin", new_password)
    assert took_over.status_code != 302, "the administrator took over another administrator"

    role, cleared = _profile(me)
    assert not (role == "social_worker" or cleared), (
        f"one administrator alone made itself {role}, clearance {cleared}"
    )
    assert not _profile(accomplice)[1], "one administrator alone granted shielding clearance"
    if _access_rows() != before_rows or (_profile(me), _profile(accomplice)) != before:
        asked = AuditEvent.objects.filter(seq__gt=before_seq, user_id=me)
        assert asked.exists(), "the administrator's changes of access are not in the audit chain"

    # whatever the admin said, nothing shielded (nor any case data) reaches the administrator
    baby = f"/children/{world.baby}/"
    rogue.post(baby + "break-glass/", {"purpose": "safeguarding", "reason": GOOD_REASON},
               unauthorised=True)
    rogue.post(baby + "basis/", {"purpose": "safeguarding", "basis": "consent"},
               unauthorised=True)
    seen_by_rogue = [
        rogue.get(baby, params={"purpose": "safeguarding"}, unauthorised=True),
        rogue.get(f"/api/children/{world.baby}", headers={PURPOSE: "safeguarding"},
                  unauthorised=True),
        rogue.get(f"/people/{world.mother}/", params={"purpose": "safeguarding"},
                  unauthorised=True),
    ]
    seen_by_accomplice = [
        browsers["social-worker-accomplice"].get(baby),
        browsers["social-worker-accomplice"].get(
            f"/api/children/{world.baby}", headers={PURPOSE: "direct_care"}
        ),
    ]
    # the address a clearance would show (the free text naming the refuge is finding 11's)
    for response in seen_by_rogue + seen_by_accomplice:
        assert SHIELDED_ADDRESS not in response.text, described(response)


# ================================================================================================
# Finding 5: an ED look-up on every face tells the child's lead practitioner.
# ================================================================================================

ED_FACES: dict[str, Callable[[Browser, World], requests.Response]] = {
    "check a child": lambda ed, w: ed.get(
        "/check/",
        params={"search": "1", "nhs_number": BABY_NHS_NUMBER, "purpose": "unscheduled_care"},
    ),
    "child page": lambda ed, w: ed.get(
        f"/children/{w.baby}/", params={"purpose": "unscheduled_care"}
    ),
    "case file API": lambda ed, w: ed.get(
        f"/api/children/{w.baby}", headers={PURPOSE: "unscheduled_care"}
    ),
    "flags API": lambda ed, w: ed.get(
        f"/api/children/{w.baby}/flags", headers={PURPOSE: "unscheduled_care"}
    ),
    "person page of the mother": lambda ed, w: ed.get(
        f"/people/{w.mother}/", params={"purpose": "unscheduled_care"}
    ),
}


@pytest.mark.parametrize("face", ED_FACES)
def test_finding_05_an_ed_look_up_tells_the_lead_practitioner(
    face: str, browsers: dict[str, Browser], world: World, database: None
) -> None:
    baby = Person.objects.get(reference=world.baby)
    before = Notification.objects.filter(child=baby).count()
    response = ED_FACES[face](browsers["ed-clinician"], world)
    assert response.status_code == 200, described(response)
    after = Notification.objects.filter(child=baby).count()
    assert after > before, f"the {face} showed the baby to ED and told no lead practitioner"


# ================================================================================================
# Finding 6: CSV exports neutralise every formula-leading character in every column.
# ================================================================================================

DATASET_HEADER = (
    "case_id,area,outcome,injuries,occasions,prognosis,male_relationship,child_sex,"
    "child_ethnicity,age_months,agency_involvement,criminal_proceedings,both_parents_charged,"
    "care_findings,parent_features,notes"
)
DATASET_REST = (
    "seriously_harmed,fracture,repeated,not_known,birth_father,male,{ethnicity},3,universal,"
    "no_charges,no,none,parent_under_22,{notes}"
)
FORMULA_ROWS = [
    ("\"=cmd|' /c calc'!a0\"", '"=hyperlink(""http://attacker.example"",""x"")"', "+1+1",
     "@sum(1+1)"),
    ("-2+3", "@sum(1+1)", "=1+1", "-1"),
    ("+cmd", "area 02", "white british", "\"=cmd|' /c calc'!a0\""),
]


def _formula_dataset() -> bytes:
    lines = [DATASET_HEADER]
    for case_id, area, ethnicity, notes in FORMULA_ROWS:
        lines.append(f"{case_id},{area}," + DATASET_REST.format(ethnicity=ethnicity, notes=notes))
    return ("\n".join(lines) + "\n").encode()


def _formula_cells(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text)))
    return [cell for row in rows[1:] for cell in row if cell[:1] in FORMULA_LEADS]


def test_finding_06_the_review_dataset_csv_neutralises_formulas(
    browsers: dict[str, Browser], world: World
) -> None:
    reviewer = browsers["reviewer"]
    stored = reviewer.post(
        f"/reviews/{world.review}/dataset/",
        {"purpose": "review"},
        files={"dataset": ("cases.csv", _formula_dataset(), "text/csv")},
    )
    assert stored.status_code in (200, 303), described(stored)
    export = reviewer.get(f"/reviews/{world.review}/dataset.csv", params={"purpose": "review"})
    assert export.status_code == 200, described(export)
    assert "cmd|" in export.text, "the formula rows were not stored: the attack proves nothing"
    assert not _formula_cells(export.text)


def test_finding_06_the_chronology_csv_neutralises_formulas_in_every_column(
    browsers: dict[str, Browser], world: World
) -> None:
    export = browsers["lead"].get(
        f"/children/{world.baby}/chronology/", params={"purpose": "review", "format": "csv"}
    )
    assert export.status_code == 200, described(export)
    # the agency's name (a column not neutralised before) and the referral's reason are there
    assert "HYPERLINK" in export.text and FORMULA_REASON[1:] in export.text
    assert not _formula_cells(export.text)


# ================================================================================================
# Finding 7: secure headers on every kind of response; the OpenAPI document behind sign-in.
# ================================================================================================

RESPONSE_KINDS: dict[str, Callable[[dict[str, Browser], Callable[[], Browser], World], Any]] = {
    "child page": lambda b, anon, w: b["social-worker"].get(f"/children/{w.baby}/"),
    "case file JSON": lambda b, anon, w: b["social-worker"].get(
        f"/api/children/{w.baby}", headers={PURPOSE: "direct_care"}
    ),
    "chronology CSV": lambda b, anon, w: b["lead"].get(
        f"/children/{w.baby}/chronology/", params={"purpose": "review", "format": "csv"}
    ),
    "chronology DOCX": lambda b, anon, w: b["lead"].get(
        f"/children/{w.baby}/chronology/", params={"purpose": "review", "format": "docx"}
    ),
    "subject-access Markdown": lambda b, anon, w: b["dpo"].get(
        "/subject-access/", params={"reference": w.mother, "format": "markdown"}
    ),
    "subject-access HTML": lambda b, anon, w: b["dpo"].get(
        "/subject-access/", params={"reference": w.mother, "format": "html"}
    ),
    "refusal page": lambda b, anon, w: b["midwife"].get(
        f"/children/{w.baby}/", unauthorised=True
    ),
    "API refusal": lambda b, anon, w: anon().get(f"/api/children/{w.baby}", unauthorised=True),
    "sign-in page": lambda b, anon, w: anon().get("/sign-in/"),
}


def _script_sources(policy: str) -> str:
    directives = {
        part.strip().split(" ", 1)[0]: part.strip()
        for part in policy.split(";")
        if part.strip()
    }
    return directives.get("script-src") or directives.get("default-src") or ""


@pytest.mark.parametrize("kind", RESPONSE_KINDS)
def test_finding_07_every_kind_of_response_carries_the_secure_headers(
    kind: str,
    browsers: dict[str, Browser],
    anonymous: Callable[[], Browser],
    world: World,
) -> None:
    response = RESPONSE_KINDS[kind](browsers, anonymous, world)
    assert response.status_code < 500, described(response)
    headers = response.headers
    missing = []
    if "no-store" not in headers.get("Cache-Control", ""):
        missing.append(f"Cache-Control: no-store (got {headers.get('Cache-Control')!r})")
    policy = headers.get("Content-Security-Policy", "")
    scripts = _script_sources(policy)
    if not scripts or "'unsafe-inline'" in scripts:
        missing.append(f"a Content-Security-Policy without inline script (got {policy!r})")
    if "Permissions-Policy" not in headers:
        missing.append("Permissions-Policy")
    if "Server-Timing" in headers:
        missing.append(f"no Server-Timing (got {headers['Server-Timing']!r})")
    assert not missing, f"{kind} ({response.status_code}) lacks: " + "; ".join(missing)


def test_finding_07_the_openapi_document_is_not_served_to_the_anonymous(
    anonymous: Callable[[], Browser], browsers: dict[str, Browser]
) -> None:
    response = anonymous().get("/api/openapi.json", unauthorised=True)
    assert refused(response), described(response)
    signed_in = browsers["social-worker"].get("/api/openapi.json")  # the control
    assert signed_in.status_code == 200 and '"paths"' in signed_in.text, described(signed_in)


# ================================================================================================
# Finding 8: a NUL character, or a huge value, anywhere a request carries text is a 4xx with a
# message, never a server error.
# ================================================================================================


def _explicit_nul_attacks(world: World) -> dict[str, tuple[str, Callable[[Browser], Any]]]:
    slug = MEASURES[0].slug
    return {
        "check a child, NHS number": ("ed-clinician", lambda b: b.get(
            "/check/", params={"search": "1", "nhs_number": "999" + NUL,
                               "purpose": "unscheduled_care"})),
        "check a child, details": ("ed-clinician", lambda b: b.get(
            "/check/", params={"search": "1", "forename": "Leo" + NUL, "surname": "Hol" + NUL,
                               **date_boxes("dob", "2025-06-01"), "postcode": "QA1" + NUL,
                               "purpose": "unscheduled_care"})),
        "child page, NUL in the path": ("social-worker", lambda b: b.get("/children/P1%00/")),
        "triage, NUL in the path": ("mash", lambda b: b.post(
            "/children/P1%00/triage/", {"purpose": "mash_triage", "step": "open"})),
        "alert step on its page": ("social-worker", lambda b: b.post(
            f"/alerts/{world.alert_for_steps}/",
            {"purpose": "direct_care", "step": "acknowledge" + NUL, "note": "seen"})),
        "alert step through the API": ("social-worker", lambda b: b.post(
            f"/api/alerts/{world.alert_for_steps}/acknowledge",
            json={"note": "seen" + NUL}, headers={PURPOSE: "direct_care"})),
        "leader's statement, its area": ("strategic", lambda b: b.post(
            "/learning/statements/new/",
            {"purpose": "strategic", "measure": slug, "area": "QAV" + NUL, "period": "",
             "statement": "We think fathers are seen more often now."})),
        "extract id": ("agency-system", lambda b: _upload(b, _zip(
            {"manifest.json": _manifest("nul" + NUL + "id"), "people.csv": PEOPLE_HEADER}))),
        "deeply nested manifest": ("agency-system", lambda b: _upload(b, _zip(
            {"manifest.json": "[" * 200_000 + "]" * 200_000, "people.csv": PEOPLE_HEADER}))),
        "200,000-character area name": ("reviewer", lambda b: b.post(
            f"/reviews/{world.review}/", {"purpose": "review", "area": "a" * 200_000})),
        "sign-in": ("", lambda b: b.post(
            "/sign-in/", {"username": "ann" + NUL, "password": "x" + NUL})),
    }


EXPLICIT_NUL = [
    "check a child, NHS number",
    "check a child, details",
    "child page, NUL in the path",
    "triage, NUL in the path",
    "alert step on its page",
    "alert step through the API",
    "leader's statement, its area",
    "extract id",
    "deeply nested manifest",
    "200,000-character area name",
    "sign-in",
]


@pytest.mark.parametrize("attack", EXPLICIT_NUL)
def test_finding_08_each_reported_server_error_is_now_a_4xx(
    attack: str,
    browsers: dict[str, Browser],
    anonymous: Callable[[], Browser],
    world: World,
) -> None:
    who, send = _explicit_nul_attacks(world)[attack]
    response = send(browsers[who] if who else anonymous())
    if attack == "sign-in":  # a refused sign-in is the form again, as Django answers it
        assert response.status_code in (200, 400, 429), described(response)
    else:
        assert 400 <= response.status_code < 500, described(response)


def test_finding_08_seen_ingest_refuses_a_nul_extract_id_and_a_nested_manifest(
    tmp_path: Path, database: None
) -> None:
    for name, manifest in (
        ("nul", _manifest("cli" + NUL + "id")),
        ("nested", "[" * 200_000 + "]" * 200_000),
    ):
        folder = write_extract(tmp_path / name, {"people": []})
        (folder / "manifest.json").write_text(manifest)
        with pytest.raises(CommandError):
            call_command("ingest", str(folder), "--no-link", stdout=io.StringIO())


# --- the sweeps: every route, every form, every API body ---------------------------------------

PAGE_ACCOUNTS = {
    "child-break-glass": "midwife-sweep",
    "person-links": "mash",
    "person-merge": "mash",
    "triage": "mash",
    "review-pair": "mash",
    "review-pair-detail": "mash",
    "review-decisions": "mash",
    "review-decision": "mash",
    "partnership-alerts": "lead",
    "subject-access": "dpo",
    "break-glass-reviews": "lead",
    "loaded": "admin",
    "check-child": "ed-clinician",
    "chronology": "lead",
    "chronologies": "lead",
    "child-incident-new": "lead",
    "recorded": "health-visitor",
    # the FHIR face: searches for unscheduled care, an ED clinician's (seen.fhir)
    "fhir-careteam": "ed-clinician",
    "fhir-auditevent": "ed-clinician",
    "fhir-metadata": "ed-clinician",
    "fhir-codesystem": "ed-clinician",
    "fhir-base": "ed-clinician",
    "fhir-unsupported": "ed-clinician",
}


def account_for(route: Route) -> str | None:
    """Who may use a route (so that the attack reaches its forms); None: not to be swept."""
    name, template = route.name, route.template
    if name == "sign-out":
        return None
    if name == "sign-in":
        return ""
    if route.api:
        for part, who in (("facts/extracts", "agency-system"), ("facts/", "health-visitor"),
                          ("aggregates", "strategic"), ("alerts", "social-worker"),
                          ("links", "mash")):
            if part in template:
                return who
        return "social-worker"
    if name in PAGE_ACCOUNTS:
        return PAGE_ACCOUNTS[name]
    for prefix, who in (("record-", "health-visitor"), ("thematic", "reviewer"),
                        ("incident", "lead"), ("learning", "strategic")):
        if name.startswith(prefix):
            return who
    return "social-worker"


def _browser(who: str, browsers: dict[str, Browser], anonymous: Callable[[], Browser]) -> Browser:
    return browsers[who] if who else anonymous()


SENT_AS_IS = {"submit", "button", "image", "reset", "file"}


def _nul_variants(form: Form) -> list[tuple[str, dict[str, str]]]:
    """(what, body): every field NUL at once; then each field NUL in turn, every other as the
    page gave it (a hidden step, a chosen option), so that the NUL reaches the service."""
    names = [n for n, _, k in form.fields if n != "csrfmiddlewaretoken" and k not in SENT_AS_IS]
    variants = [("every field NUL", {n: NUL for n in names})]
    for name in dict.fromkeys(names):
        variants.append((f"{name} NUL", form.as_sent(**{name: f"x{NUL}y"})))
    return variants


def test_finding_08_nul_in_every_form_of_every_page_is_a_4xx(
    browsers: dict[str, Browser], anonymous: Callable[[], Browser], world: World
) -> None:
    seen_forms: set[tuple[str, tuple[str, ...]]] = set()
    posted, wrong = 0, []
    for route in routes():
        who = account_for(route)
        if who is None or route.api:
            continue
        browser = _browser(who, browsers, anonymous)
        path = fill(route, world)
        page = browser.get(path)
        if page.status_code != 200 or "html" not in page.headers.get("Content-Type", ""):
            continue
        for form in forms_of(page.text):
            action = form.action or path
            if form.method != "post" or action.startswith("/sign-out"):
                continue
            key = (action.split("?")[0], tuple(sorted(n for n, _, _ in form.fields)))
            if key in seen_forms:
                continue
            seen_forms.add(key)
            for variant, body in _nul_variants(form):
                body.pop("csrfmiddlewaretoken", None)  # the browser adds its own
                response = browser.post(action, body)
                posted += 1
                sign_in = action.startswith("/sign-in")
                if not (400 <= response.status_code < 500 or (sign_in and response.ok)):
                    wrong.append(f"{who} {variant}: {described(response)}")
    assert posted >= 20, f"only {posted} forms were attacked: the sweep found too few"
    assert not wrong, "NUL accepted (or not refused with a 4xx):\n" + "\n".join(wrong)


def test_finding_08_nul_in_the_query_of_every_route_is_never_a_server_error(
    browsers: dict[str, Browser], anonymous: Callable[[], Browser], world: World
) -> None:
    names = sorted(template_field_names() | {"format", "purpose", "show", "limit", "reference"})
    for route in routes():
        who = account_for(route)
        if who is None:
            continue
        browser = _browser(who, browsers, anonymous)
        headers = {PURPOSE: "direct_care"} if route.api else None
        browser.get(fill(route, world), params={n: f"x{NUL}" for n in names}, headers=headers)
    # the global check (no 5xx) is the assertion


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _is_text(schema: dict[str, Any], document: dict[str, Any]) -> bool:
    schema = _resolve(schema, document)
    options = [_resolve(s, document) for s in schema.get("anyOf", [schema])]
    return any(o.get("type") == "string" for o in options)


def _json_value(name: str, schema: dict[str, Any], document: dict[str, Any], world: World) -> Any:
    """A value the operation would take for the property, as far as the document says."""
    schema = _resolve(schema, document)
    if "anyOf" in schema:
        options = [_resolve(s, document) for s in schema["anyOf"]]
        if any(o.get("type") == "null" for o in options):
            return None
        schema = options[0]
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if schema.get("format") == "date":
        return "2025-07-01"
    if name in ("child", "reference"):
        return world.baby
    pattern = schema.get("pattern", "")
    if choice := re.match(r"^\^\((\w+)\|", pattern):
        return choice[1]
    return "Seen at home with both parents."


def test_finding_08_nul_in_every_api_body_is_a_4xx(
    browsers: dict[str, Browser], anonymous: Callable[[], Browser], world: World
) -> None:
    document = api.get_openapi_schema(path_prefix="/api/")
    wrong, sent = [], 0
    for path, operations in document["paths"].items():
        post = operations.get("post")
        content = (post or {}).get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        schema = _resolve(content["application/json"]["schema"], document)
        who = account_for(Route(path.lstrip("/"), ""))
        assert who is not None
        browser = _browser(who, browsers, anonymous)
        address = re.sub(r"\{(\w+)\}", lambda m: values_for(world).get(m[1], "1"), path)
        valid = {
            name: _json_value(name, prop, document, world)
            for name, prop in schema.get("properties", {}).items()
        }
        texts = [n for n, prop in schema.get("properties", {}).items()
                 if _is_text(prop, document)]
        bodies = [{**valid, **{n: NUL for n in texts}}]  # every text NUL at once
        bodies += [{**valid, n: f"x{NUL}y"} for n in texts]  # then each in turn
        for body in bodies if texts else []:
            response = browser.post(address, json=body, headers={PURPOSE: "direct_care"})
            sent += 1
            if not 400 <= response.status_code < 500:
                wrong.append(f"{who}: {json.dumps(body)[:120]} {described(response)}")
    assert sent >= 10
    assert not wrong, "NUL in a JSON body not refused with a 4xx:\n" + "\n".join(wrong)


# ================================================================================================
# Finding 9: a purpose the role may not declare is refused, on the pages and the API.
# ================================================================================================

PURPOSE_CASES = [
    (who, purpose, face)
    for who in ("health-visitor", "social-worker")
    for purpose in ("direct_care", "strategic", "administration", "audit", "review")
    for face in ("page", "api")
]


@pytest.mark.parametrize(("who", "purpose", "face"), PURPOSE_CASES)
def test_finding_09_a_purpose_the_role_may_not_declare_is_refused(
    who: str, purpose: str, face: str, browsers: dict[str, Browser], world: World
) -> None:
    browser = browsers[who]
    allowed = purpose == "direct_care"  # the control: the relationship itself is there
    if face == "page":
        response = browser.get(
            f"/children/{world.baby}/", params={"purpose": purpose}, unauthorised=not allowed
        )
    else:
        response = browser.get(
            f"/api/children/{world.baby}", headers={PURPOSE: purpose}, unauthorised=not allowed
        )
    expected = 200 if allowed else 403
    assert response.status_code == expected, described(response)


# ================================================================================================
# Finding 10: break glass needs a real reason, a child, a lawful purpose; within bounds.
# ================================================================================================

BREAK_GLASS_ATTEMPTS: dict[str, Callable[[World], tuple[str, dict[str, str]]]] = {
    "ten letters": lambda w: (w.baby, {"purpose": "direct_care", "reason": "a" * 10}),
    "a 2 MB reason": lambda w: (w.baby, {"purpose": "direct_care",
                                          "reason": "The baby. " * 200_000}),
    "an adult's reference": lambda w: (w.mother, {"purpose": "direct_care",
                                                  "reason": GOOD_REASON}),
    "an invalid purpose": lambda w: (w.baby, {"purpose": "bogus", "reason": GOOD_REASON}),
    "a purpose the role may not declare": lambda w: (
        w.baby, {"purpose": "strategic", "reason": GOOD_REASON}),
}


def _sessions_of(world: World, who: str) -> int:
    return BreakGlass.objects.filter(user_id=world.users[who]).count()


@pytest.mark.parametrize("attempt", BREAK_GLASS_ATTEMPTS)
def test_finding_10_break_glass_is_refused(
    attempt: str, browsers: dict[str, Browser], world: World, database: None
) -> None:
    reference, form = BREAK_GLASS_ATTEMPTS[attempt](world)
    before = _last_seq()
    response = browsers["midwife-glass"].post(
        f"/children/{reference}/break-glass/", form, unauthorised=True
    )
    assert 400 <= response.status_code < 500, described(response)
    assert _sessions_of(world, "midwife-glass") == 0, f"break glass opened on {attempt}"
    for event in AuditEvent.objects.filter(seq__gt=before):
        size = len(event.reason) + len(json.dumps(event.disclosed))
        assert size < 10_000, f"audit entry {event.seq} holds {size} characters of the request"


def test_finding_10_break_glass_from_the_command_line_refuses_an_invalid_purpose(
    world: World, database: None
) -> None:
    with pytest.raises(CommandError):
        call_command(
            "access", "break-glass", world.baby, "--reason", GOOD_REASON,
            "--user", "midwife-glass", "--purpose", "bogus", stdout=io.StringIO(),
        )
    assert _sessions_of(world, "midwife-glass") == 0


def test_finding_10_break_glass_with_a_real_reason_opens(
    browsers: dict[str, Browser], world: World, database: None
) -> None:
    """The control: the same form opens break glass when the request is sound."""
    response = browsers["midwife-glass"].post(
        f"/children/{world.baby}/break-glass/", {"purpose": "direct_care", "reason": GOOD_REASON}
    )
    assert response.status_code == 303, described(response)
    assert _sessions_of(world, "midwife-glass") == 1


# ================================================================================================
# Finding 11: a shielded refuge address named in free text reaches no uncleared viewer.
# ================================================================================================

Request = tuple[str, dict[str, str], dict[str, str]]  # path, query, headers
UNCLEARED_FACES: dict[str, tuple[str, Callable[[World], Request]]] = {
    "child page": ("social-worker", lambda w: (f"/children/{w.baby}/", {}, {})),
    "case file API": ("social-worker", lambda w: (
        f"/api/children/{w.baby}", {}, {PURPOSE: "direct_care"})),
    "chronology": ("lead", lambda w: (
        f"/children/{w.baby}/chronology/", {"purpose": "review"}, {})),
    "chronology CSV": ("lead", lambda w: (
        f"/children/{w.baby}/chronology/", {"purpose": "review", "format": "csv"}, {})),
    "chronology DOCX": ("lead", lambda w: (
        f"/children/{w.baby}/chronology/", {"purpose": "review", "format": "docx"}, {})),
    "subject access of the baby": ("dpo", lambda w: (
        "/subject-access/", {"reference": w.baby}, {})),
    "subject access of the baby, Markdown": ("dpo", lambda w: (
        "/subject-access/", {"reference": w.baby, "format": "markdown"}, {})),
    "subject access of the baby, HTML": ("dpo", lambda w: (
        "/subject-access/", {"reference": w.baby, "format": "html"}, {})),
}


def test_finding_11_the_refuge_named_in_free_text_is_shown_to_the_cleared(
    browsers: dict[str, Browser], world: World
) -> None:
    """The control: the referral's free text is on the page, for a viewer with clearance."""
    response = browsers["social-worker-cleared"].get(f"/children/{world.baby}/")
    assert response.status_code == 200 and REFUGE_LINE in response.text, described(response)


@pytest.mark.parametrize("face", UNCLEARED_FACES)
def test_finding_11_the_refuge_named_in_free_text_reaches_no_uncleared_viewer(
    face: str, browsers: dict[str, Browser], world: World
) -> None:
    who, request = UNCLEARED_FACES[face]
    path, params, headers = request(world)
    response = browsers[who].get(path, params=params or None, headers=headers or None)
    assert response.status_code == 200, described(response)
    shown = [v for v in SHIELDED_VALUES if v in body_text(response)]
    assert not shown, f"{face} shows the shielded {shown} to {who}, who has no clearance"


def _uncleared(exchange: Exchange) -> bool:
    account = ACCOUNTS.get(exchange.who)
    # the accounts the administrator's attack (finding 4) may have cleared are its own concern
    return exchange.who == "anonymous" or (
        account is not None
        and not account.cleared
        and exchange.who not in ("admin-rogue", "social-worker-accomplice")
    )


def test_finding_11_no_answer_of_the_whole_suite_showed_an_uncleared_viewer_the_refuge() -> None:
    leaks = [
        f"{e.who} {e.method} {e.path}: {[v for v in SHIELDED_VALUES if v in e.text]}"
        for e in LOG.exchanges
        if _uncleared(e) and any(v in e.text for v in SHIELDED_VALUES)
    ]
    assert not leaks, "shielded values shown without clearance:\n" + "\n".join(leaks[:30])


# ================================================================================================
# Finding 12: the rest of the report.
# ================================================================================================


def _normalised(text: str, *references: str) -> str:
    for reference in references:
        text = text.replace(reference, "REFERENCE")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return text


@pytest.mark.parametrize("route", child_and_person_routes(), ids=lambda r: r.template)
def test_finding_12_a_refusal_does_not_tell_whether_a_reference_exists(
    route: Route, browsers: dict[str, Browser], world: World
) -> None:
    midwife = browsers["midwife"]
    person = "person_reference" in route.parameters
    existing = world.mother if person else world.baby
    headers = {PURPOSE: "direct_care"} if route.api else None
    there = midwife.get(fill(route, world, existing, existing), headers=headers,
                        unauthorised=True)
    missing = midwife.get(fill(route, world, MISSING, MISSING), headers=headers,
                          unauthorised=True)
    assert there.status_code == missing.status_code, (
        f"{described(there)}\n  against\n{described(missing)}"
    )
    assert _normalised(there.text, existing) == _normalised(missing.text, MISSING), (
        "the refusals differ in their text"
    )


@pytest.mark.parametrize("wanted", ["markdown", "html"])
def test_finding_12_the_subject_access_report_escapes_html_in_names(
    wanted: str, browsers: dict[str, Browser], world: World
) -> None:
    response = browsers["dpo"].get(
        "/subject-access/", params={"reference": world.html_man, "format": wanted}
    )
    assert response.status_code == 200, described(response)
    assert "onerror" in response.text and "alert(2)" in response.text, "the names are missing"
    for raw_html in (HTML_FORENAME, HTML_SURNAME, "<img", "<script"):
        assert raw_html not in response.text, f"{raw_html!r} is in the {wanted} report as HTML"


def test_finding_12_an_extract_id_in_seens_own_namespace_is_refused(
    browsers: dict[str, Browser], database: None
) -> None:
    body = _zip(
        {"manifest.json": _manifest("seen-contact"),
         "people.csv": PEOPLE_HEADER + _person_row("OWNNS1")}
    )
    response = _upload(browsers["agency-system"], body)
    assert 400 <= response.status_code < 500, described(response)
    assert not SourceRecord.objects.filter(local_id="OWNNS1").exists()


def _deploy_check(server: Server, secret: str | None) -> subprocess.CompletedProcess[str]:
    # as a deployment starts: without the test run's own switches (the end-to-end tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which the deployment check rightly refuses)
    dropped = ("SEEN_SECRET_KEY", "SEEN_INSECURE_HTTP", "SEEN_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["SEEN_VAR_DIR"] = str(server.var)
    if secret is not None:
        env["SEEN_SECRET_KEY"] = secret
    return subprocess.run(
        [sys.executable, "-m", "seen", "check", "--deploy"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_finding_12_https_mode_refuses_the_default_secret_key(server: Server) -> None:
    default = _deploy_check(server, None)
    assert default.returncode != 0, "Seen accepts the demo's secret key over https"
    assert "SEEN_SECRET_KEY" in default.stdout + default.stderr
    own = _deploy_check(server, "k" + os.urandom(40).hex())
    assert own.returncode == 0, own.stdout + own.stderr


def test_finding_12_one_password_across_many_usernames_is_throttled(
    anonymous: Callable[[], Browser],
) -> None:
    """Password spraying from one address: 20 usernames, one password. Last of the attacks
    over HTTP: it locks this address out of signing in."""
    sprayer = anonymous()
    usernames = [*list(ACCOUNTS)[:8], *(f"nobody-{n}" for n in range(12))]
    answers = [sprayer.sign_in(name, "Summer2025!") for name in usernames]
    statuses = [a.status_code for a in answers]
    assert 429 in statuses, f"20 usernames, one password, one address: {statuses}"
    # and, locked out, the address cannot sign in even with a right password
    assert sprayer.sign_in("midwife", PASSWORD).status_code == 429


# ================================================================================================
# Finding 1, at the very end: after every attack the chain verifies, and a tampering of a late
# entry is still reported.
# ================================================================================================


def test_finding_01_after_every_attack_the_chain_verifies_and_late_tampering_is_reported(
    database: None,
) -> None:
    verified()
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    with triggers_suspended():
        raw(f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE seq = %s",
            ["nothing happened here", last.seq])
    try:
        tampered = verify()
        assert not tampered.ok and str(last.seq) in str(tampered), (
            f"entry {last.seq} was altered and verify says: {tampered}"
        )
    finally:
        with triggers_suspended():
            raw(f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE seq = %s",
                [last.reason, last.seq])
    verified()
