"""pre-birth-assessment-father: a pre-birth assessment involves the father/male carer and
background checks on both parents, or records why not."""

from __future__ import annotations

from datetime import date

from seen.rules.procedures.pre_birth_assessment_father import PreBirthAssessmentFather
from tests.rules.builder import WorldBuilder, explanations

RULE = PreBirthAssessmentFather()
TODAY = date(2026, 3, 1)


def _assessment(w: WorldBuilder, child: object, **columns: object) -> None:
    row = {
        "kind": "pre_birth",
        "father_involved": "yes",
        "father_not_involved_reason": "",
        "mother_checks_done": "yes",
        "father_checks_done": "yes",
    }
    w.fact("assessment", child=child, occurred_on=date(2026, 1, 10), **{**row, **columns})


def test_father_not_involved_no_reason_no_checks_fires() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))
    w.adult(unborn, "birth_father")
    _assessment(w, unborn, father_involved="no", father_checks_done="no")
    [why] = explanations(RULE, w)
    assert "did not involve the father or male carer (no reason recorded)" in why
    assert "no background checks on the father" in why
    assert "10 January 2026" in why


def test_checks_missing_alone_fires() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))
    w.adult(unborn, "mothers_partner")
    _assessment(w, unborn, father_checks_done="no")
    [why] = explanations(RULE, w)
    assert "did not involve" not in why and "no background checks on the father" in why


def test_mother_checks_are_required_unless_the_partnership_says_not() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))
    w.adult(unborn, "birth_father")
    _assessment(w, unborn, mother_checks_done="no")
    assert "no background checks on the mother" in explanations(RULE, w)[0]
    assert explanations(RULE, w, require_mother_checks=False) == []


def test_a_recorded_reason_excuses_involvement_but_not_checks() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))
    w.adult(unborn, "birth_father")
    reason = "Father in custody; declined to take part"
    _assessment(
        w, unborn, father_involved="no", father_not_involved_reason=reason, father_checks_done="no"
    )
    [why] = explanations(RULE, w)
    assert "did not involve" not in why and "no background checks on the father" in why
    assert explanations(RULE, w, reason_excuses_father_checks=True) == []


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    involved = w.child(expected=date(2026, 5, 1))  # father involved and checked
    w.adult(involved, "birth_father")
    _assessment(w, involved)
    no_father = w.child(expected=date(2026, 6, 1))  # no father named, reason recorded
    _assessment(
        w,
        no_father,
        father_involved="not_applicable",
        father_not_involved_reason="Mother has not named the father; no male carer",
        father_checks_done="not_applicable",
    )
    other_kind = w.child(dob=date(2026, 1, 1))  # not a pre-birth assessment
    w.adult(other_kind, "birth_father")
    _assessment(w, other_kind, kind="child_and_family", father_involved="no")
    future = w.child(expected=date(2026, 7, 1))  # dated after today
    w.fact(
        "assessment",
        child=future,
        occurred_on=date(2026, 3, 10),
        kind="pre_birth",
        father_involved="no",
        father_not_involved_reason="",
        mother_checks_done="no",
        father_checks_done="no",
    )
    assert explanations(RULE, w) == []


def test_not_applicable_with_no_reason_while_a_man_is_known_fires() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))
    w.adult(unborn, "mothers_partner")
    _assessment(w, unborn, father_involved="not_applicable", father_checks_done="not_applicable")
    [why] = explanations(RULE, w)
    assert "not applicable without a reason" in why


def test_an_updated_assessment_resolves_the_finding() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))
    w.adult(unborn, "birth_father")
    _assessment(w, unborn, father_involved="no", father_checks_done="no")
    assert len(explanations(RULE, w)) == 1
    w.facts[-1].row.update(father_involved="yes", father_checks_done="yes")
    assert explanations(RULE, w) == []
