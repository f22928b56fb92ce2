"""programme-engagement: a programme in a plan missed, withdrawn from, not completed in time, or
open when the plan closes is escalated as a risk factor to the plan's lead practitioner."""

from __future__ import annotations

from datetime import date, timedelta

from seen.rules.procedures.programme_engagement import ProgrammeEngagement
from seen.rules.world import Child, Fact
from tests.rules.builder import WorldBuilder, explanations

RULE = ProgrammeEngagement()
TODAY = date(2026, 3, 1)
START = date(2025, 12, 1)


def _family(w: WorldBuilder, *, end: date | None = None) -> tuple[Child, int, Fact]:
    baby = w.child(dob=date(2025, 10, 1))
    father = w.adult(baby)
    csc = w.agency("childrens_social_care", name="Tallowby Children's Social Care")
    plan = w.fact("plan", child=baby, occurred_on=START, kind="child_in_need", end=end, agency=csc)
    return baby, father, plan


def _steps(
    w: WorldBuilder, subject: int, plan: Fact, statuses: list[str], *, kind: str = "parenting"
) -> None:
    for week, status in enumerate(statuses):
        w.fact(
            "programmeevent",
            subject=subject,
            plan=plan.id,
            agency=plan["agency"],
            programme_ref=f"P-{plan.id}-{subject}",
            programme=kind,
            status=status,
            occurred_on=START + timedelta(days=7 * (week + 1)),
        )


def test_missed_sessions_without_completion_fire() -> None:
    w = WorldBuilder(TODAY)
    _, father, plan = _family(w)
    statuses = ["referred", "attended", "missed", "missed"]
    _steps(w, father, plan, statuses, kind="domestic_abuse_perpetrator")
    [why] = explanations(RULE, w)
    assert "father" in why and "domestic-abuse perpetrator programme" in why
    assert "missed 2 sessions" in why and "Tallowby Children's Social Care" in why


def test_completion_resolves_and_a_completed_programme_is_a_near_miss() -> None:
    w = WorldBuilder(TODAY)
    _, father, plan = _family(w)
    _steps(w, father, plan, ["referred", "attended", "missed", "attended"])
    assert len(explanations(RULE, w)) == 1
    w.fact(
        "programmeevent",
        subject=father,
        plan=plan.id,
        agency=plan["agency"],
        programme_ref=f"P-{plan.id}-{father}",
        programme="parenting",
        status="completed",
        occurred_on=date(2026, 1, 20),
    )
    assert explanations(RULE, w) == []
    # the near miss of ordinary families: a parenting programme attended and completed
    w2 = WorldBuilder(TODAY)
    baby2, _, plan2 = _family(w2)
    assert baby2.mother is not None
    _steps(w2, baby2.mother, plan2, ["referred", "attended", "attended", "completed"])
    assert explanations(RULE, w2) == []


def test_a_programme_running_well_does_not_fire_until_its_window_passes() -> None:
    w = WorldBuilder(TODAY)
    _, father, plan = _family(w)
    _steps(w, father, plan, ["referred", "attended", "attended"])
    assert explanations(RULE, w) == []
    [why] = explanations(RULE, w, complete_within_days=56)  # the partnership allows 8 weeks
    assert "has not completed it after 8 weeks" in why


def test_a_plan_closed_without_completion_fires() -> None:
    w = WorldBuilder(TODAY)
    _, father, plan = _family(w, end=date(2026, 2, 1))
    _steps(w, father, plan, ["referred", "attended", "attended"])
    [why] = explanations(RULE, w)
    assert "the plan closed on 1 February 2026 without completion evidenced" in why


def test_withdrawal_fires_unless_the_partnership_says_otherwise() -> None:
    w = WorldBuilder(TODAY)
    _, father, plan = _family(w)
    _steps(w, father, plan, ["referred", "attended", "withdrawn"])
    [why] = explanations(RULE, w)
    assert "withdrew" in why
    assert explanations(RULE, w, withdrawal_counts=False) == []


def test_missed_sessions_threshold_is_a_parameter() -> None:
    w = WorldBuilder(TODAY)
    _, father, plan = _family(w)
    _steps(w, father, plan, ["referred", "attended", "missed", "attended"])
    assert len(explanations(RULE, w)) == 1
    assert explanations(RULE, w, missed_sessions=2) == []
    assert explanations(RULE, w, missed_sessions=0) == []


def test_steps_after_today_and_programmes_of_other_plans_are_ignored() -> None:
    w = WorldBuilder(date(2025, 12, 20))  # before the sessions were missed
    _, father, plan = _family(w)
    _steps(w, father, plan, ["referred", "attended", "missed", "missed"])
    assert explanations(RULE, w) == []
    w2 = WorldBuilder(TODAY)
    _, father2, _ = _family(w2)
    other = w2.fact(
        "plan", child=w2.child(dob=date(2025, 9, 1)), occurred_on=START, kind="child_in_need"
    )
    _steps(w2, father2, other, ["referred", "missed", "missed"])  # not a plan of the man's baby
    assert len(explanations(RULE, w2)) == 0


def test_an_unborn_baby_on_a_pre_birth_plan() -> None:
    w = WorldBuilder(TODAY)
    unborn = w.child(expected=date(2026, 5, 1))
    father = w.adult(unborn)
    plan = w.fact("plan", child=unborn, occurred_on=START, kind="child_protection")
    _steps(w, father, plan, ["referred", "missed"], kind="domestic_abuse_perpetrator")
    [why] = explanations(RULE, w)
    assert "unborn baby's father" in why and "child protection plan" in why
