"""The rules that follow a parent's referral to a service of the partnership's directory:
service-first-contact (a referral the service has not contacted the parent about within the days
it states, for the practitioner who referred) and programme-engagement (sessions missed, dropped
out of or declined while the child has a plan in force, for the plan's lead practitioner).

The first half builds worlds in memory (tests/rules/builder.py); the second ingests extracts
naming a service of the directory, as the partnership's agencies send them, and runs the engine
and `seen rules tick` with the clock set."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from django.core.management import call_command
from django.utils import timezone

from seen.areas.models import Practitioner
from seen.core import clock
from seen.core.procedures import PLANTED_IDS, PROCEDURE_IDS, title_of
from seen.directory.models import Service
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.people.models import SourceRecord
from seen.rules.base import Finding, Rule
from seen.rules.engine import evaluate
from seen.rules.models import Alert
from seen.rules.procedures.programme_engagement import ProgrammeEngagement
from seen.rules.procedures.service_first_contact import ServiceFirstContact
from seen.rules.registry import RULES_BY_ID
from seen.rules.world import Child, Fact, ServiceInfo
from tests.fixtures.partnership import partnership_tables
from tests.rules.builder import WorldBuilder

FIRST_CONTACT = ServiceFirstContact()
ENGAGEMENT = ProgrammeEngagement()
DADS = 7  # the directory's id of the fathers' parenting service in the worlds built here
REFERRED = date(2026, 3, 2)  # a Monday


def _findings(rule: Rule, w: WorldBuilder, **params: object) -> list[Finding]:
    world = w.build()
    world.services = {
        DADS: ServiceInfo("Dads Matter", "parenting", 10),
        8: ServiceInfo("Calm Minds", "mental_health", 5),
    }
    values = {**rule.defaults, **params}
    return [f for c in world.children.values() for f in rule.evaluate(world, c, values)]


def _family(w: WorldBuilder, *, unborn: bool = False) -> tuple[Child, int]:
    baby = w.child(expected=date(2026, 5, 1)) if unborn else w.child(dob=date(2026, 1, 10))
    return baby, w.adult(baby)


def _referral(
    w: WorldBuilder,
    child: Child,
    subject: int,
    *,
    on: date = REFERRED,
    service: int = DADS,
    referrer: int | None = 41,
) -> Fact:
    return w.fact(
        "servicereferral",
        child=child,
        subject=subject,
        service=service,
        referrer=referrer,
        occurred_on=on,
        basis="consent",
    )


def _step(w: WorldBuilder, child: Child, referral: Fact, status: str, on: date) -> Fact:
    return w.fact(
        "serviceuptake",
        child=child,
        subject=referral["subject"],
        referral=referral.id,
        status=status,
        occurred_on=on,
    )


# ---- service-first-contact, in memory ------------------------------------------------------


def test_a_referral_not_contacted_in_time_is_raised_for_the_referrer() -> None:
    w = WorldBuilder(REFERRED + timedelta(days=11))  # the service's 10 days have passed
    baby, father = _family(w)
    referral = _referral(w, baby, father)
    [finding] = _findings(FIRST_CONTACT, w)
    assert finding.explanation == (
        "The baby's father was referred to Dads Matter on 2 March 2026 and has not been "
        "contacted by it within the 10 days it states (by 12 March 2026)."
    )
    assert finding.owner == (41, "made the referral")
    assert finding.anchor == f"referral:{referral.id}"
    assert finding.facts == [referral]
    assert (father, "father") in finding.people and (baby.person, "child") in finding.people


def test_nothing_while_the_service_still_has_time() -> None:
    w = WorldBuilder(REFERRED + timedelta(days=10))  # the tenth day: still within it
    baby, father = _family(w)
    _referral(w, baby, father)
    assert _findings(FIRST_CONTACT, w) == []


@pytest.mark.parametrize("status", ["contacted", "offered", "declined", "dropped_out"])
def test_any_step_of_the_uptake_answers_it_however_late(status: str) -> None:
    w = WorldBuilder(REFERRED + timedelta(days=30))
    baby, father = _family(w)
    referral = _referral(w, baby, father)
    assert len(_findings(FIRST_CONTACT, w)) == 1
    _step(w, baby, referral, status, REFERRED + timedelta(days=25))  # late, but it came
    assert _findings(FIRST_CONTACT, w) == []


def test_a_step_of_another_referral_or_after_today_does_not_answer_it() -> None:
    w = WorldBuilder(REFERRED + timedelta(days=20))
    baby, father = _family(w)
    first = _referral(w, baby, father)
    second = _referral(w, baby, baby.mother or 0, service=8, on=REFERRED - timedelta(days=1))
    _step(w, baby, second, "contacted", REFERRED + timedelta(days=2))
    _step(w, baby, first, "contacted", REFERRED + timedelta(days=21))  # not yet known today
    [finding] = _findings(FIRST_CONTACT, w)
    assert finding.anchor == f"referral:{first.id}"


def test_each_service_has_its_own_time_and_the_mother_is_named_as_such() -> None:
    w = WorldBuilder(REFERRED + timedelta(days=6))
    baby, _ = _family(w)
    assert baby.mother is not None
    _referral(w, baby, baby.mother, service=8)  # Calm Minds contacts within 5 days
    [finding] = _findings(FIRST_CONTACT, w)
    assert finding.explanation.startswith("The baby's mother was referred to Calm Minds")
    assert "within the 5 days it states (by 7 March 2026)" in finding.explanation


def test_an_unborn_babys_male_carer_without_a_referrer_goes_to_the_default_route() -> None:
    w = WorldBuilder(REFERRED + timedelta(days=11))
    unborn = w.child(expected=date(2026, 6, 1))
    carer = w.adult(unborn, "male_carer")
    _referral(w, unborn, carer, referrer=None)
    [finding] = _findings(FIRST_CONTACT, w)
    assert finding.owner is None  # the rule's route: the child's health visitor
    assert FIRST_CONTACT.route.role == "health_visitor"
    assert finding.explanation.startswith("The unborn baby's male carer was referred")


def test_grace_and_working_days_are_the_partnerships_to_set() -> None:
    w = WorldBuilder(REFERRED + timedelta(days=13))
    baby, father = _family(w)
    _referral(w, baby, father)
    assert len(_findings(FIRST_CONTACT, w)) == 1
    assert _findings(FIRST_CONTACT, w, grace_days=3) == []
    [late] = _findings(FIRST_CONTACT, w, grace_days=2)
    assert "within the 10 days it states and 2 days of grace (by 14 March 2026)" in (
        late.explanation
    )
    # ten working days from Monday 2 March run to Monday 16 March
    assert _findings(FIRST_CONTACT, w, working_days=True) == []
    w.today = date(2026, 3, 17)
    [working] = _findings(FIRST_CONTACT, w, working_days=True)
    assert "within the 10 working days it states (by 16 March 2026)" in working.explanation


def test_the_rule_is_catalogued_planted_and_runs_on_tick() -> None:
    assert FIRST_CONTACT.time_dependent
    assert FIRST_CONTACT.id in PROCEDURE_IDS and FIRST_CONTACT.id in PLANTED_IDS
    assert isinstance(RULES_BY_ID[FIRST_CONTACT.id], ServiceFirstContact)
    assert title_of(FIRST_CONTACT.id) == "A referral not taken up by the service"


# ---- programme-engagement: a service referral under a plan, in memory ----------------------


def _plan(w: WorldBuilder, child: Child, *, end: date | None = None) -> Fact:
    csc = w.agency("childrens_social_care", name="Tallowby Children's Social Care")
    start = date(2026, 2, 1)
    return w.fact("plan", child=child, occurred_on=start, kind="child_in_need", end=end, agency=csc)


def test_missed_sessions_of_a_referral_under_a_plan_are_a_risk_factor() -> None:
    w = WorldBuilder(date(2026, 4, 1))
    baby, father = _family(w)
    plan = _plan(w, baby)
    referral = _referral(w, baby, father)
    _step(w, baby, referral, "contacted", date(2026, 3, 4))
    _step(w, baby, referral, "attended", date(2026, 3, 11))
    missed = [_step(w, baby, referral, "missed", date(2026, 3, d)) for d in (18, 25)]
    [finding] = _findings(ENGAGEMENT, w)
    assert finding.explanation == (
        "The baby's father, referred on 2 March 2026 to Dads Matter while the baby's child in "
        "need plan (Tallowby Children's Social Care, from 1 February 2026) is in force, missed 2 "
        "sessions (the last on 25 March 2026) and has not completed it: a risk factor for the "
        "plan's lead practitioner to act on."
    )
    assert finding.anchor == f"referral:{referral.id}"
    assert finding.owner is None  # the plan's lead practitioner, by the rule's route
    assert finding.facts == [plan, referral, *missed]
    assert _findings(ENGAGEMENT, w, missed_sessions=3) == []
    assert _findings(ENGAGEMENT, w, missed_sessions=0) == []


@pytest.mark.parametrize(
    ("status", "words"), [("dropped_out", "dropped out on"), ("declined", "declined it on")]
)
def test_dropping_out_or_declining_under_a_plan_is_a_risk_factor(status: str, words: str) -> None:
    w = WorldBuilder(date(2026, 4, 1))
    baby, father = _family(w)
    _plan(w, baby)
    referral = _referral(w, baby, father)
    _step(w, baby, referral, status, date(2026, 3, 9))
    [finding] = _findings(ENGAGEMENT, w)
    assert "Dads Matter while the baby's child in need plan" in finding.explanation
    assert f"{words} 9 March 2026: a risk factor" in finding.explanation
    assert _findings(ENGAGEMENT, w, withdrawal_counts=False) == []


def test_a_completed_referral_is_evidence_of_completion() -> None:
    w = WorldBuilder(date(2026, 4, 1))
    baby, father = _family(w)
    _plan(w, baby)
    referral = _referral(w, baby, father)
    _step(w, baby, referral, "missed", date(2026, 3, 9))
    assert len(_findings(ENGAGEMENT, w)) == 1
    _step(w, baby, referral, "completed", date(2026, 3, 30))
    assert _findings(ENGAGEMENT, w) == []


def test_without_a_plan_in_force_or_for_a_kind_not_watched_nothing_is_escalated() -> None:
    w = WorldBuilder(date(2026, 4, 1))
    baby, father = _family(w)
    referral = _referral(w, baby, father)
    _step(w, baby, referral, "dropped_out", date(2026, 3, 9))
    assert _findings(ENGAGEMENT, w) == []  # no plan
    _plan(w, baby, end=date(2026, 3, 20))
    assert _findings(ENGAGEMENT, w) == []  # the plan closed before today
    w2 = WorldBuilder(date(2026, 4, 1))
    baby2, father2 = _family(w2)
    _plan(w2, baby2)
    _step(w2, baby2, _referral(w2, baby2, father2), "dropped_out", date(2026, 3, 9))
    assert len(_findings(ENGAGEMENT, w2)) == 1
    assert _findings(ENGAGEMENT, w2, programmes=["domestic_abuse_perpetrator"]) == []


def test_a_programme_and_a_referral_are_two_alerts() -> None:
    w = WorldBuilder(date(2026, 4, 1))
    baby, father = _family(w)
    plan = _plan(w, baby)
    for status, day in (("referred", 3), ("missed", 10)):
        w.fact(
            "programmeevent",
            subject=father,
            plan=plan.id,
            agency=plan["agency"],
            programme_ref="P1",
            programme="domestic_abuse_perpetrator",
            status=status,
            occurred_on=date(2026, 3, day),
        )
    referral = _referral(w, baby, father)
    _step(w, baby, referral, "declined", date(2026, 3, 5))
    anchors = sorted(f.anchor for f in _findings(ENGAGEMENT, w))
    assert anchors == [f"programme:{plan['agency']}:P1", f"referral:{referral.id}"]


# ---- over the database: ingested referrals, the engine, `seen rules tick` ------------------

NOW = datetime(2025, 7, 11, 9, 0)
RULES = [RULES_BY_ID["service-first-contact"], RULES_BY_ID["programme-engagement"]]


def _on(day: datetime) -> None:
    clock.set_now(timezone.make_aware(day))


@pytest.fixture
def service() -> Service:
    return Service.objects.create(
        oruk_id=str(uuid4()),
        name="Dads Matter",
        organisation="Quarry Vale Family Hub",
        kind="parenting",
        contact_within_days=10,
    )


@pytest.fixture
def load(extract: Callable[..., Path], service: Service) -> Callable[..., None]:
    """The partnership around the baby (a child protection plan from 20 June 2025, SW1 the
    child's lead practitioner, HV1 its health visitor) with the father referred to Dads Matter
    on 20 June 2025 by HV2, a health visitor who does not hold the baby (unless `referrer` says
    otherwise), and the steps of its uptake given as (status, date)."""

    def loader(*steps: tuple[str, str], referrer: str = "HV2", plan: bool = True) -> None:
        tables: dict[str, Any] = partnership_tables()
        if plan:  # SW1 leads the plan: the child's lead practitioner
            tables["responsibilities"].append(
                {"agency": "QAV-CSC", "id": "RS2", "child": "CB1", "practitioner": "SW1",
                 "role": "lead_practitioner", "start": "2025-06-20"}
            )  # fmt: skip
        else:
            tables["plans"] = []
        tables["people"].append(
            {"agency": "QAV-HV", "id": "HF1", "forename": "Robert", "surname": "Tanner",
             "sex": "male"}
        )  # fmt: skip
        tables["relationships"].append(
            {"agency": "QAV-HV", "id": "HR1", "person": "HF1", "child": "HB1",
             "kind": "birth_father", "asserted_on": "2025-06-10"}
        )  # fmt: skip
        tables["service_referrals"] = [
            {"agency": "QAV-HV", "id": "SR1", "date": "2025-06-20", "subject": "HF1",
             "child": "HB1", "service": service.oruk_id, "referrer": referrer,
             "reason": "support as a new father", "basis": "consent"}
        ]  # fmt: skip
        tables["service_uptake"] = [
            {"agency": "QAV-HV", "id": f"SU{n}", "date": day, "referral": "SR1",
             "status": status}
            for n, (status, day) in enumerate(steps, 1)
        ]  # fmt: skip
        ingest_extract(extract(**tables))
        records = SourceRecord.objects.order_by("pk")
        for same in (["B1", "HB1"], ["B1", "CB1"]):
            pair = records.filter(local_id__in=same)
            persons = set(pair.values_list("person", flat=True))
            if len(persons) > 1 or None in persons:  # not yet one person
                decisions.confirm(*pair, user=None, reason="same baby")

    return loader


def _alerts(rule_id: str) -> list[Alert]:
    return list(Alert.objects.filter(rule_id=rule_id).order_by("pk"))


@pytest.mark.django_db
def test_an_ingested_referral_not_taken_up_is_owed_by_the_referrer(
    load: Callable[..., None],
) -> None:
    _on(NOW)  # 21 days after the referral
    load()
    evaluate(rules=RULES)
    [alert] = _alerts("service-first-contact")
    assert alert.owner_practitioner == Practitioner.objects.get(local_id="HV2")
    assert alert.routed_because == "made the referral"
    assert alert.explanation == (
        "The baby's father was referred to Dads Matter on 20 June 2025 and has not been "
        "contacted by it within the 10 days it states (by 30 June 2025)."
    )
    assert alert.key.endswith("|referral:" + str(alert.facts[0][1]))


@pytest.mark.django_db
def test_an_ingested_referral_without_a_referrer_goes_to_the_childs_health_visitor(
    load: Callable[..., None],
) -> None:
    _on(NOW)
    load(referrer="")
    evaluate(rules=RULES)
    [alert] = _alerts("service-first-contact")
    assert alert.owner_role == "health_visitor"
    assert alert.owner_practitioner == Practitioner.objects.get(local_id="HV1")
    assert alert.routed_because == "the child's named health visitor"


@pytest.mark.django_db
def test_contacted_in_time_raises_nothing(load: Callable[..., None]) -> None:
    _on(NOW)
    load(("contacted", "2025-06-25"), ("attended", "2025-07-02"))
    evaluate(rules=RULES)
    assert _alerts("service-first-contact") == []
    assert _alerts("programme-engagement") == []


@pytest.mark.django_db
def test_tick_raises_it_once_the_days_pass_and_a_late_contact_resolves_it(
    load: Callable[..., None],
) -> None:
    _on(datetime(2025, 6, 30, 9, 0))  # the tenth day: the service still has time
    load()

    def tick() -> dict[str, Any]:
        out = io.StringIO()
        call_command("rules", "tick", "--json", stdout=out)
        figures: dict[str, Any] = json.loads(out.getvalue())
        return figures

    tick()
    assert _alerts("service-first-contact") == []
    _on(datetime(2025, 7, 1, 9, 0))  # the day after: not contacted within 10 days
    tick()
    [alert] = _alerts("service-first-contact")
    assert alert.status == Alert.Status.RAISED
    _on(datetime(2025, 7, 8, 9, 0))
    load(("contacted", "2025-07-07"))  # contacted late: the step resolves it
    tick()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED and alert.outcome == "resolved by new facts"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("steps", "words"),
    [
        ((("contacted", "2025-06-23"), ("missed", "2025-06-30")), "missed a session"),
        ((("contacted", "2025-06-23"), ("dropped_out", "2025-07-03")), "dropped out on"),
        ((("declined", "2025-06-24"),), "declined it on 24 June 2025"),
    ],
)
def test_non_engagement_under_a_plan_goes_to_the_plans_lead_practitioner(
    load: Callable[..., None], steps: tuple[tuple[str, str], ...], words: str
) -> None:
    _on(NOW)
    load(*steps)
    evaluate(rules=RULES)
    assert _alerts("service-first-contact") == []  # the service did answer
    [alert] = _alerts("programme-engagement")
    assert alert.owner_practitioner == Practitioner.objects.get(local_id="SW1")
    assert "referred on 20 June 2025 to Dads Matter" in alert.explanation
    assert "child protection plan" in alert.explanation and words in alert.explanation
    assert "|referral:" in alert.key


@pytest.mark.django_db
def test_an_ingested_referral_completed_is_not_escalated(load: Callable[..., None]) -> None:
    _on(NOW)
    load(("contacted", "2025-06-23"), ("missed", "2025-06-30"), ("completed", "2025-07-09"))
    evaluate(rules=RULES)
    assert _alerts("programme-engagement") == []


@pytest.mark.django_db
def test_without_a_plan_a_missed_session_is_not_escalated(load: Callable[..., None]) -> None:
    _on(NOW)
    load(("contacted", "2025-06-23"), ("missed", "2025-06-30"), plan=False)
    evaluate(rules=RULES)
    assert _alerts("programme-engagement") == []
