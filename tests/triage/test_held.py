"""What Seen already holds for each check of a triage: each agency's facts about the child and
the adults around the child, its records of them, and whom to call there; shielded records and
addresses never shown; only at the household level."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from seen.access.models import Shield
from seen.access.policy import Action, Decision, Level, decide
from seen.areas.models import Agency, Practitioner
from seen.casefile.subjects import Subject
from seen.core import clock
from seen.core.errors import Refused
from seen.facts.models import Conviction, EDAttendance, MentalHealth, ProbationSupervision
from seen.people.models import SourceRecord
from seen.triage import services
from seen.triage.held import Held, HeldFact, Holdings, holdings
from seen.triage.models import Triage, TriageCheck

pytestmark = pytest.mark.django_db


def _decision(mash: Any, subject: Subject) -> Decision:
    return decide(mash, Action.DECIDE_TRIAGE, "mash_triage", subject.ref)


def _father_known_to(code: str, local_id: str) -> SourceRecord:
    """A record of the father at another agency, linked to him."""
    father = SourceRecord.objects.get(local_id="F1")
    return SourceRecord.objects.create(
        agency=Agency.objects.get(code=code),
        local_id=local_id,
        person_id=father.person_id,
        forename="Robert",
        surname="Tanner",
        dob=date(1995, 11, 2),
    )


def _history() -> None:
    """The father on probation (PB1 his officer) and known to adult mental health."""
    Agency.objects.filter(code="POL").update(duty_phone="01632 960123")
    Agency.objects.filter(code="PROB").update(duty_phone="020 7946 0001")
    Agency.objects.create(
        code="AMH",
        name="Partnership Mental Health",
        kind="adult_mental_health",
        duty_phone="01632 960777",
    )
    on_probation = _father_known_to("PROB", "PF1")
    ProbationSupervision.objects.create(
        agency=on_probation.agency,
        local_id="PS1",
        occurred_on=date(2024, 2, 1),
        subject=on_probation,
        order="community order",
        risk_of_serious_harm="high",
        practitioner=Practitioner.objects.get(local_id="PB1"),
    )
    known = _father_known_to("AMH", "MH-F")
    MentalHealth.objects.create(
        agency=known.agency,
        local_id="MH1",
        occurred_on=date(2023, 5, 1),
        subject=known,
        kind="crisis",
        description="crisis team contact",
        current="no",
    )


def _held(mash: Any, subject: Subject) -> tuple[Triage, Holdings]:
    triage = services.open_triage(mash, subject)
    checks = services.checks_of(triage)
    return triage, holdings(subject, _decision(mash, subject), mash, checks)


def _check(triage: Triage, kind: str, area: str | None = None) -> TriageCheck:
    return (
        triage.checks.get(agency_kind=kind, area__name=area)
        if area
        else triage.checks.get(agency_kind=kind, area__isnull=True)
    )


def _text(held: Held) -> str:
    lines = [f"{r.who} {r.name} {r.agency}" for r in held.records]
    lines += [f"{f.what} {f.about} {f.detail} {f.agency}" for f in held.facts]
    lines += [f"{c.name} {c.role} {c.agency} {c.phone}" for c in held.call]
    return "\n".join(lines)


def test_each_check_holds_what_its_agency_sent(subject: Subject, mash: Any) -> None:
    _history()
    triage, found = _held(mash, subject)
    police = found.of(_check(triage, "police"))
    conviction = next(f for f in police.facts if f.what == "Conviction")
    assert conviction.about == "the father" and "domestic abuse" in conviction.detail.lower()
    assert conviction.on == date(2021, 3, 4) and conviction.agency == "Partnership Police"
    assert [(r.who, r.name) for r in police.records] == [("the father", "Bob Taner")]
    probation = found.of(_check(triage, "probation"))
    assert [f.what for f in probation.facts] == ["Probation"]
    assert "community order" in probation.facts[0].detail
    assert "high" in probation.facts[0].detail
    mental_health = found.of(_check(triage, "adult_mental_health"))
    assert "crisis team contact" in mental_health.facts[0].detail
    care = found.of(_check(triage, "childrens_social_care", "Quarry Vale"))
    plan = next(f for f in care.facts if f.what == "Plan")
    assert plan.about == "the child" and "child protection plan" in plan.detail
    midwifery = found.of(_check(triage, "midwifery", "Quarry Vale"))
    assert {r.who for r in midwifery.records} == {"the child", "the mother", "the father"}
    assert any(f.what == "Contact" for f in midwifery.facts)
    # Quillbrook: the father lived there, but no agency there holds anything
    assert not found.of(_check(triage, "gp", "Quillbrook")).anything


def test_each_check_says_whom_to_call_and_the_number(subject: Subject, mash: Any) -> None:
    _history()
    triage, found = _held(mash, subject)
    police = found.of(_check(triage, "police")).call
    assert ("Duty line", "Partnership Police", "01632 960123") in [
        (c.name, c.agency, c.phone) for c in police
    ]
    probation = [(c.name, c.phone) for c in found.of(_check(triage, "probation")).call]
    # the father's probation officer first (the fixture gives no number of their own: the
    # agency's), then the duty line
    assert probation == [("Pip Probation", "020 7946 0001"), ("Duty line", "020 7946 0001")]
    care = [c.name for c in found.of(_check(triage, "childrens_social_care", "Quarry Vale")).call]
    assert care[0] == "Sol Worker"  # leads the child protection plan
    visiting = [c.name for c in found.of(_check(triage, "health_visiting", "Quarry Vale")).call]
    assert "Hana Visitor" in visiting  # the child's named health visitor
    midwifery = found.of(_check(triage, "midwifery", "Quarry Vale")).call
    # the midwife of the new-birth contact, on her own number; Seen holds none for the unit
    assert [(c.name, c.phone) for c in midwifery] == [
        ("Ann Midwife", "01632 960001"),
        ("Duty line", ""),
    ]
    # no health visiting service in Quillbrook: no one to name
    assert found.of(_check(triage, "health_visiting", "Quillbrook")).call == []


def test_a_shielded_record_is_never_shown(subject: Subject, mash: Any) -> None:
    police = SourceRecord.objects.get(local_id="P77")
    Shield.objects.create(
        record=police,
        scope=Shield.Scope.RECORD,
        reason=Shield.Reason.DOMESTIC_ABUSE_RISK,
        created_at=clock.now(),
    )
    triage, found = _held(mash, subject)
    held = found.of(_check(triage, "police"))
    text = _text(held)
    assert "Taner" not in text and "Bob" not in text and "1995" not in text
    assert [r.name for r in held.records] == ["[shielded]"] and held.records[0].dob is None
    assert [f.detail for f in held.facts] == ["[shielded] (a shielded record)"]
    assert "Taner" not in held.summary(5000) and "domestic" not in held.summary(5000)


def test_a_shielded_address_is_not_written_even_in_free_text(subject: Subject, mash: Any) -> None:
    mother = SourceRecord.objects.get(local_id="M1")
    Shield.objects.create(
        record=mother,
        scope=Shield.Scope.ADDRESS,
        reason=Shield.Reason.REFUGE,
        created_at=clock.now(),
    )
    police = SourceRecord.objects.get(local_id="P77")
    Conviction.objects.create(
        agency=police.agency,
        local_id="CV2",
        occurred_on=date(2024, 1, 5),
        subject=police,
        offence_category="violence_against_the_person",
        description="assault at qa1 2bc",
    )
    _, found = _held(mash, subject)
    text = "\n".join(_text(h) for h in found.by_check.values())
    assert "assault at [shielded]" in text
    assert "qa1 2bc" not in text.lower() and "qa12bc" not in text.lower()


def test_what_no_check_covers_is_still_shown(subject: Subject, mash: Any) -> None:
    baby = SourceRecord.objects.get(local_id="B1")
    ed = Agency.objects.get(code="QAV-ED")
    EDAttendance.objects.create(
        agency=ed,
        local_id="ED9",
        occurred_on=date(2025, 7, 1),
        subject=baby,
        arrived_at=timezone.make_aware(datetime(2025, 7, 1, 22, 0)),
        injury="yes",
        presenting_complaint="bruise to the cheek",
    )
    _, found = _held(mash, subject)
    assert [(f.what, f.about, f.agency) for f in found.elsewhere] == [
        ("ED attendance", "the child", "Quarry Vale Hospital ED")
    ]
    assert f"edattendance:{found.elsewhere[0].fact[1]}" in found.disclosed()["facts"]


def test_the_disclosure_names_every_fact_record_and_contact(subject: Subject, mash: Any) -> None:
    _history()
    _, found = _held(mash, subject)
    disclosed = found.disclosed()
    conviction = Conviction.objects.get(local_id="CV1")
    assert f"conviction:{conviction.pk}" in disclosed["facts"]
    assert SourceRecord.objects.get(local_id="P77").pk in disclosed["records"]
    assert "Pip Probation, Partnership Probation" in disclosed["contacts"]


def test_only_at_the_household_level(subject: Subject, mash: Any) -> None:
    triage = services.open_triage(mash, subject)
    flag = Decision(True, Level.FLAG, "flag only")
    with pytest.raises(Refused):
        holdings(subject, flag, mash, services.checks_of(triage))
    with pytest.raises(Refused):
        holdings(subject, Decision(False, Level.NONE, "no"), mash, services.checks_of(triage))


def test_the_result_is_filled_in_within_its_bound() -> None:
    fact = HeldFact(date(2021, 3, 4), "Conviction", "x" * 60, "the father", "Police", ("c", 1))
    held = Held(facts=[fact] * 200)
    summary = held.summary(1000)
    assert summary.startswith("Seen holds:\n- 4 March 2021, conviction (the father): xxx")
    assert len(summary) <= 1000 and summary.endswith("more held in Seen")
    shown = summary.count("conviction")
    assert summary.endswith(f"- and {200 - shown} more held in Seen")
    assert Held(facts=[fact]).summary(1000).count("\n") == 1
    assert Held().summary(1000) == ""
