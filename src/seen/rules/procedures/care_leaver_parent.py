"""A mother (or, if `include_fathers`, a birth father) recorded by a leaving-care service as a
care leaver before the baby's birth. Her personal adviser must be named for the pregnancy (a
personal-adviser responsibility for the unborn child or the baby: the adviser informed, with
roles clear) within `adviser_named_within_days` of the pregnancy and the care-leaver status
both being known; and a pre-birth assessment (`assessment_kinds`) must have begun by
`assessment_by_weeks` weeks of pregnancy, or by the birth if that came first. One alert per
care-leaver parent and child, to the personal adviser (else the leaving-care team), naming what
is missing; it resolves when the adviser is named for the pregnancy and the assessment is
recorded. Time-dependent: both are deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Child, Fact, World


class CareLeaverParent(Rule):
    id = "care-leaver-parent"
    version = 1
    defaults = {
        "assessment_kinds": ["pre_birth"],
        "assessment_by_weeks": 28,
        "adviser_named_within_days": 14,
        "include_fathers": True,
        "pregnancy_days": 280,
    }
    parameter_help = {
        "assessment_kinds": "assessments that count as the pre-birth assessment offered",
        "assessment_by_weeks": "weeks of pregnancy by which the pre-birth assessment must have "
        "begun (or the birth, if earlier)",
        "adviser_named_within_days": "days after the pregnancy and the care-leaver status are "
        "both known by which the personal adviser must be named for the pregnancy",
        "include_fathers": "a birth father who is a care leaver counts as well as the mother",
        "pregnancy_days": "the pregnancy is taken to begin this many days before the expected "
        "date (40 weeks)",
    }
    route = RouteSpec("leaving_care", "personal_adviser", "medium", 120)
    time_dependent = True  # the adviser and the assessment each have a deadline

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        parents: list[tuple[int, str]] = []
        if child.mother is not None:
            parents.append((child.mother, "mother"))
        if params["include_fathers"]:
            for father in child.fathers():
                if all(father.person != p for p, _ in parents):
                    parents.append((father.person, "father"))
        statuses = [(p, role, _latest_status(world, p, today)) for p, role in parents]
        leavers = [(p, role, s) for p, role, s in statuses if s and s["care_leaver"] == "yes"]
        if not leavers:
            return []
        assessed = [
            a
            for a in world.about(child, "assessment")
            if a["kind"] in params["assessment_kinds"] and a.occurred_on <= today
        ]
        adviser_since = _adviser_named(world, child, today)
        found = []
        for person, role, status in leavers:
            assert status is not None
            # known as a care leaver before the birth: a pre-birth assessment was still possible
            if child.dob is not None and status.occurred_on > child.dob:
                continue
            gaps = []
            known = max(status.occurred_on, _pregnancy_known(world, child, status))
            adviser_due = known + timedelta(days=params["adviser_named_within_days"])
            if adviser_since is None and today > adviser_due:
                gaps.append(f"no personal adviser has been named for the {_pregnancy(child)}")
            assessment_due = _assessment_due(child, params)
            if not assessed and assessment_due is not None and today > assessment_due:
                gaps.append(
                    "no pre-birth assessment had begun by "
                    f"{_deadline_text(child, assessment_due, params)}"
                )
            elif not assessed and gaps:
                gaps.append("no pre-birth assessment has been recorded yet")
            if not gaps:
                continue
            found.append(
                Finding(
                    child,
                    f"The {role} is recorded as a care leaver by {agency_name(world, status)} "
                    f"(since {describe_date(status.occurred_on)}) and {_expecting(child)}, "
                    f"but {' and '.join(gaps)}.",
                    facts=[status, *assessed],
                    people=[(person, role)],
                    anchor=f"care-leaver:{person}",
                )
            )
        return found


def _latest_status(world: World, person: int, today: date) -> Fact | None:
    statuses = [
        s
        for s in world.of_person(person, "careleaverstatus", column="subject")
        if s.occurred_on <= today
    ]
    return statuses[-1] if statuses else None


def _pregnancy_known(world: World, child: Child, status: Fact) -> date:
    """When agencies first knew of the pregnancy: the earliest fact about the child (the
    antenatal booking, usually), else the care-leaver status itself."""
    facts = world.about(child)
    return facts[0].occurred_on if facts else status.occurred_on


def _assessment_due(child: Child, params: Mapping[str, Any]) -> date | None:
    due = child.expected or child.dob
    if due is None:
        return None
    by_weeks = due - timedelta(days=params["pregnancy_days"] - 7 * params["assessment_by_weeks"])
    return min(by_weeks, child.dob) if child.dob else by_weeks


def _deadline_text(child: Child, due: date, params: Mapping[str, Any]) -> str:
    if child.dob is not None and due == child.dob:
        return f"the birth ({describe_date(due)})"
    return f"{params['assessment_by_weeks']} weeks of pregnancy ({describe_date(due)})"


def _pregnancy(child: Child) -> str:
    return "baby" if child.dob is not None else "pregnancy"


def _expecting(child: Child) -> str:
    if child.dob is not None:
        return f"a baby was born on {describe_date(child.dob)}"
    if child.expected is not None:
        return f"a baby is due on {describe_date(child.expected)}"
    return "a baby is expected"


def _adviser_named(world: World, child: Child, today: date) -> date | None:
    """The first day a personal adviser was named for this child or pregnancy, up to today."""
    starts = [d.start for d in child.duties if d.role == "personal_adviser" and d.start <= today]
    return min(starts) if starts else None
