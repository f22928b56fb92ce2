"""step-down: an Early Help plan stepped down from a child in need plan needs a key worker, an
information-sharing plan and a review date; the alert names what is missing."""

from __future__ import annotations

from datetime import date
from typing import Any

from seen.rules.procedures.step_down import StepDown
from seen.rules.world import Child
from tests.rules.builder import WorldBuilder, explanations

RULE = StepDown()
TODAY = date(2026, 3, 1)
ENDED = date(2026, 1, 15)


def _stepped_down(w: WorldBuilder, *, origin: str = "child_in_need", **early_help: Any) -> Child:
    baby = w.child(dob=date(2025, 9, 1))
    csc = w.agency("childrens_social_care", name="Tallowby Children's Social Care")
    w.fact(
        "plan",
        child=baby,
        agency=csc,
        local_id="PL1",
        occurred_on=date(2025, 10, 1),
        kind=origin,
        end=ENDED,
    )
    columns = {
        "key_worker": None,
        "information_sharing_plan": "no",
        "review_date": None,
        "end": None,
        **early_help,
    }
    w.fact(
        "plan",
        child=baby,
        agency=csc,
        local_id="PL2",
        occurred_on=ENDED,
        kind="early_help",
        stepped_down_from="PL1",
        **columns,
    )
    return baby


def test_a_step_down_missing_everything_fires_and_names_it() -> None:
    w = WorldBuilder(TODAY)
    _stepped_down(w)
    [why] = explanations(RULE, w)
    assert "stepped down from the baby's child in need plan" in why
    assert "ended 15 January 2026" in why
    assert "no key worker, no information-sharing plan and no review date" in why


def test_the_alert_names_only_what_is_still_missing() -> None:
    w = WorldBuilder(TODAY)
    _stepped_down(w, key_worker=12, information_sharing_plan="yes")
    [why] = explanations(RULE, w)
    assert "has no review date." in why and "key worker" not in why


def test_a_step_down_done_properly_is_a_near_miss() -> None:
    w = WorldBuilder(TODAY)
    _stepped_down(w, key_worker=12, information_sharing_plan="yes", review_date=date(2026, 4, 1))
    assert explanations(RULE, w) == []


def test_plans_that_are_not_step_downs_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    baby = w.child(dob=date(2025, 9, 1))
    w.fact(
        "plan",
        child=baby,
        occurred_on=date(2025, 12, 1),
        kind="early_help",
        stepped_down_from="",
        key_worker=None,
        information_sharing_plan="no",
        review_date=None,
    )
    assert explanations(RULE, w) == []


def test_a_step_down_from_another_kind_of_plan_is_a_parameter() -> None:
    w = WorldBuilder(TODAY)
    _stepped_down(w, origin="child_protection")
    assert explanations(RULE, w) == []
    assert len(explanations(RULE, w, from_plans=["child_in_need", "child_protection"])) == 1


def test_days_allowed_to_complete_the_step_down() -> None:
    w = WorldBuilder(date(2026, 1, 20))  # five days after the step-down
    _stepped_down(w)
    assert len(explanations(RULE, w)) == 1
    assert explanations(RULE, w, complete_within_days=10) == []


def test_a_closed_early_help_plan_and_a_future_one_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    _stepped_down(w, end=date(2026, 2, 20))
    assert explanations(RULE, w) == []
    w = WorldBuilder(date(2026, 1, 10))  # the step-down is recorded for a later date
    _stepped_down(w)
    assert explanations(RULE, w) == []
