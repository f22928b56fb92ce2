"""think-family-mental-health: a father (or male carer, or the mother's partner) known to adult
mental health, with a new baby or a pregnancy, prompts the health visitor and adult mental
health to think family."""

from __future__ import annotations

from datetime import date

from seen.rules.procedures.think_family_mental_health import ThinkFamilyMentalHealth
from tests.rules.builder import WorldBuilder, explanations

RULE = ThinkFamilyMentalHealth()
TODAY = date(2026, 3, 1)
BORN = date(2025, 12, 1)


def _record(
    w: WorldBuilder, person: int, kind: str, on: date, current: str, description: str = ""
) -> None:
    amh = w.agency("adult_mental_health", area=None, name="Partnership Adult Mental Health Trust")
    w.fact(
        "mentalhealth",
        subject=person,
        agency=amh,
        occurred_on=on,
        kind=kind,
        current=current,
        description=description,
    )


def test_a_father_with_aces_and_a_current_diagnosis_and_a_new_baby_fires() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    father = w.adult(baby)
    _record(w, father, "adverse_childhood_experiences", date(2019, 5, 1), "no")
    _record(w, father, "diagnosis", date(2025, 6, 1), "yes", "Depression")
    [why] = explanations(RULE, w)
    assert why.startswith("The baby's father is known to Partnership Adult Mental Health Trust")
    assert "a current diagnosis of depression recorded on 1 June 2025" in why
    assert "born on 1 December 2025" in why and "health visitor" in why


def test_a_mothers_partner_and_a_pregnancy() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 6, 1))
    partner = w.adult(unborn, "mothers_partner")
    _record(w, partner, "crisis", date(2026, 1, 3), "yes")
    [why] = explanations(RULE, w)
    assert "unborn baby's mother's partner" in why and "due on 1 June 2026" in why
    assert explanations(RULE, w, include_pregnancy=False) == []


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)  # the mother (not the father) known in pregnancy
    assert baby.mother is not None
    _record(w, baby.mother, "episode", date(2025, 8, 1), "yes", "Perinatal depression")
    other = w.child(dob=BORN)  # a father whose depression is past
    father = w.adult(other)
    _record(w, father, "diagnosis", date(2015, 1, 1), "no", "Depression")
    w.person()  # a man with a current diagnosis around no baby
    stranger = w.person()
    _record(w, stranger, "diagnosis", date(2025, 1, 1), "yes")
    older = w.child(dob=date(2024, 11, 1))  # the baby is over one
    old_father = w.adult(older)
    _record(w, old_father, "adverse_childhood_experiences", date(2020, 1, 1), "no")
    assert explanations(RULE, w) == []


def test_records_after_today_and_men_who_have_left_do_not_count() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    father = w.adult(baby)
    _record(w, father, "diagnosis", date(2026, 3, 5), "yes")
    gone = w.adult(baby, "mothers_partner", end=date(2026, 1, 1))
    _record(w, gone, "adverse_childhood_experiences", date(2020, 1, 1), "no")
    assert explanations(RULE, w) == []


def test_parameters_change_the_outcome() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    father = w.adult(baby)
    _record(w, father, "diagnosis", date(2015, 1, 1), "no", "PTSD")
    assert explanations(RULE, w) == []
    [why] = explanations(RULE, w, current_needs_only=False)
    assert "a past diagnosis of PTSD" in why
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 1, 10))  # thirteen months
    father = w.adult(baby)
    _record(w, father, "adverse_childhood_experiences", date(2020, 1, 1), "no")
    assert explanations(RULE, w) == []
    assert len(explanations(RULE, w, baby_under_days=730)) == 1
    assert explanations(RULE, w, baby_under_days=730, adverse_childhood_experiences=False) == []
