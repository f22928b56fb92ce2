"""A mother (or, if `include_fathers`, a birth father) recorded by a leaving-care service as a
care leaver before the baby's birth, when no assessment of `assessment_kinds` (the pre-birth
assessment) has been recorded for the child by any agency, or no personal adviser is named on
the care-leaver status (if `require_personal_adviser`). One alert per care-leaver parent and
child, to the personal adviser (else the leaving-care team); it resolves when a pre-birth
assessment is recorded and an adviser is named. The extract records the adviser on the
care-leaver status; whether the adviser was "informed" beyond being named is not modelled."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Child, Fact, World


class CareLeaverParent(Rule):
    id = "care-leaver-parent"
    version = 1
    defaults = {
        "assessment_kinds": ["pre_birth"],
        "include_fathers": True,
        "require_personal_adviser": True,
    }
    parameter_help = {
        "assessment_kinds": "assessments that count as the pre-birth assessment offered",
        "include_fathers": "a birth father who is a care leaver counts as well as the mother",
        "require_personal_adviser": "a care leaver with no personal adviser named is raised "
        "even when the assessment was done",
    }
    route = RouteSpec("leaving_care", "personal_adviser", "medium", 120)

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        parents: list[tuple[int, str]] = []
        if child.mother is not None:
            parents.append((child.mother, "mother"))
        if params["include_fathers"]:
            for father in child.fathers():
                if all(father.person != p for p, _ in parents):
                    parents.append((father.person, "father"))
        assessed = [
            a
            for a in world.about(child, "assessment")
            if a["kind"] in params["assessment_kinds"] and a.occurred_on <= today
        ]
        found = []
        for person, role in parents:
            status = _latest_status(world, person, today)
            if status is None or status["care_leaver"] != "yes":
                continue
            # known as a care leaver before the birth: a pre-birth assessment was still possible
            if child.dob is not None and status.occurred_on > child.dob:
                continue
            gaps = []
            if not assessed:
                gaps.append("no pre-birth assessment has been recorded by any agency")
            if params["require_personal_adviser"] and status["personal_adviser"] is None:
                gaps.append("no personal adviser is named")
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


def _expecting(child: Child) -> str:
    if child.dob is not None:
        return f"a baby was born on {describe_date(child.dob)}"
    if child.expected is not None:
        return f"a baby is due on {describe_date(child.expected)}"
    return "a baby is expected"
