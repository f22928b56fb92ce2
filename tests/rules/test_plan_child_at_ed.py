"""plan-child-at-ed: a child on a CP, CIN or Early Help plan attends the emergency department;
the clinician sees whom to call and the plan's lead is told."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from seen.rules.procedures.plan_child_at_ed import PlanChildAtEd
from tests.rules.builder import WorldBuilder, anchored

RULE = PlanChildAtEd()
TODAY = date(2026, 3, 1)


def _ed(w: WorldBuilder) -> int:
    return w.agency("hospital_ed", name="Quay General Hospital Emergency Department")


def _attends(w: WorldBuilder, subject: object, on: date, ed: int) -> None:
    w.fact(
        "edattendance",
        subject=subject,
        occurred_on=on,
        agency=ed,
        injury="no",
        arrived_at=datetime(on.year, on.month, on.day, 3, 10),
        presenting_complaint="Fever",
    )


def test_a_child_on_a_cp_plan_at_ed_fires_naming_whom_to_call() -> None:
    w = WorldBuilder(TODAY)
    csc = w.agency("childrens_social_care", name="Quay Children's Social Care")
    w.agencies[csc] = replace(w.agencies[csc], duty_phone="01632 960123")
    baby = w.child(dob=date(2025, 10, 1))
    w.fact(
        "plan",
        child=baby,
        occurred_on=date(2025, 12, 1),
        kind="child_protection",
        end=None,
        agency=csc,
    )
    _attends(w, baby, date(2026, 2, 14), _ed(w))
    [(anchor, why)] = anchored(RULE, w)
    assert anchor.startswith("edattendance:")
    assert why == (
        "A child on a child protection plan (Quay Children's Social Care, since 1 December 2025) "
        "attended Quay General Hospital Emergency Department on 14 February 2026 with fever: the "
        "clinician should call Quay Children's Social Care on 01632 960123, and the social "
        "worker must be told."
    )


def test_an_early_help_plan_names_the_key_worker() -> None:
    w = WorldBuilder(TODAY)
    eh = w.agency("early_help", name="Quay Early Help")
    baby = w.child(dob=date(2025, 10, 1))
    w.fact(
        "plan",
        child=baby,
        occurred_on=date(2025, 12, 1),
        kind="early_help",
        end=date(2026, 3, 1),
        agency=eh,
    )
    _attends(w, baby, date(2026, 1, 20), _ed(w))
    [(_, why)] = anchored(RULE, w)
    assert "Early Help plan (Quay Early Help" in why and "Early Help key worker" in why
    assert anchored(RULE, w, plan_kinds=["child_protection", "child_in_need"]) == []


def test_near_misses_do_not_fire() -> None:
    w = WorldBuilder(TODAY)
    ed = _ed(w)
    no_plan = w.child(dob=date(2025, 6, 1))  # on no plan
    _attends(w, no_plan, date(2026, 1, 3), ed)
    ended = w.child(dob=date(2025, 6, 1))  # after the plan ended
    w.fact(
        "plan",
        child=ended,
        occurred_on=date(2025, 8, 1),
        kind="child_in_need",
        end=date(2025, 12, 1),
    )
    _attends(w, ended, date(2026, 1, 3), ed)
    before = w.child(dob=date(2025, 6, 1))  # before the plan began
    w.fact("plan", child=before, occurred_on=date(2026, 2, 1), kind="child_in_need", end=None)
    _attends(w, before, date(2026, 1, 3), ed)
    gp = w.child(dob=date(2025, 6, 1))  # seen somewhere other than an ED
    w.fact("plan", child=gp, occurred_on=date(2025, 8, 1), kind="child_in_need", end=None)
    _attends(w, gp, date(2026, 1, 3), w.agency("gp"))
    assert anchored(RULE, w) == []
