"""conference-invitations: a child protection conference invites the father (or male carer), the
GP and housing, and records who came; the alert names who was not invited."""

from __future__ import annotations

from datetime import date

from seen.rules.procedures.conference_invitations import ConferenceInvitations
from seen.rules.world import Child
from tests.rules.builder import WorldBuilder, explanations

RULE = ConferenceInvitations()
TODAY = date(2026, 3, 1)
BORN = date(2025, 10, 1)
HELD = date(2026, 1, 12)


def _conference(
    w: WorldBuilder,
    child: Child,
    invited: list[str],
    attended: list[str] | None = None,
    kind: str = "initial",
    on: date = HELD,
) -> None:
    csc = w.agency("childrens_social_care", name="Wrenmoor Children's Social Care")
    w.fact(
        "conference",
        child=child,
        agency=csc,
        occurred_on=on,
        kind=kind,
        invited=invited,
        attended=["mother", "social_worker"] if attended is None else attended,
    )


def test_a_conference_without_father_gp_or_housing_fires_and_names_them() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    w.adult(baby)
    _conference(w, baby, ["mother", "social_worker", "health_visitor", "police"])
    [why] = explanations(RULE, w)
    assert why == (
        "The initial child protection conference held by Wrenmoor Children's Social Care on "
        "12 January 2026 did not invite the baby's father or male carer, the GP or housing."
    )


def test_only_those_not_invited_are_named() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    w.adult(baby, "mothers_partner")
    _conference(w, baby, ["mother", "male_carer", "gp", "social_worker"], kind="review")
    [why] = explanations(RULE, w)
    assert "review child protection conference" in why and "did not invite housing." in why


def test_a_pre_birth_conference_and_unrecorded_attendance() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))
    w.adult(unborn)
    _conference(w, unborn, ["mother", "father", "gp", "housing"], attended=[], kind="pre_birth")
    [why] = explanations(RULE, w)
    assert "pre-birth child protection conference" in why and "no record of who attended" in why
    assert "did not invite" not in why


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)  # everyone invited, attendance recorded
    w.adult(baby)
    _conference(w, baby, ["mother", "father", "gp", "housing", "health_visitor", "social_worker"])
    alone = w.child(dob=BORN)  # no man known around the baby: no father to invite
    _conference(w, alone, ["mother", "gp", "housing", "social_worker"])
    future = w.child(dob=BORN)  # a conference not yet held
    w.adult(future)
    _conference(w, future, ["mother"], on=date(2026, 3, 10))
    recent = w.child(dob=BORN)  # held yesterday: attendance not yet due
    w.adult(recent)
    _conference(w, recent, ["mother", "father", "gp", "housing"], attended=[], on=date(2026, 2, 28))
    assert explanations(RULE, w) == []


def test_parameters_change_the_outcome() -> None:
    w = WorldBuilder(TODAY)
    alone = w.child(dob=BORN)
    _conference(w, alone, ["mother", "gp", "housing", "social_worker"])
    assert explanations(RULE, w) == []
    [why] = explanations(RULE, w, father_only_when_known=False)
    assert "father or male carer" in why
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    w.adult(baby)
    _conference(w, baby, ["mother", "father", "gp", "social_worker"])
    assert len(explanations(RULE, w)) == 1
    assert explanations(RULE, w, must_invite=["father", "gp"]) == []


def test_invitees_held_as_text_are_read() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=BORN)
    w.adult(baby)
    csc = w.agency("childrens_social_care")
    w.fact(
        "conference",
        child=baby,
        agency=csc,
        occurred_on=HELD,
        kind="initial",
        invited="mother;father;gp;housing",
        attended="mother;father",
    )
    assert explanations(RULE, w) == []
