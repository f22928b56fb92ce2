"""An attendance at an emergency department (`attendance_agency_kinds`) by a child on a plan of
`plan_kinds` whose period covers the day. One alert per attendance, to the child's social worker
(else the children's social care team), naming the plan, the agency that holds it and the duty
number the clinician should call, and who must be told: the social worker, or for an Early Help
plan the Early Help key worker (one rule has one route, so the key worker is named in the alert
rather than routed to). Nothing in the facts records that the plan's lead was told, so the alert
is answered through its own lifecycle."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, describe_date
from seen.rules.world import Child, Fact, World

PLAN_NAMES = {
    "child_protection": ("a child protection plan", "social worker"),
    "child_in_need": ("a child in need plan", "social worker"),
    "early_help": ("an Early Help plan", "Early Help key worker"),
    "looked_after": ("a looked-after plan", "social worker"),
    "pre_birth": ("a pre-birth plan", "social worker"),
}
# the most serious plan names whom to call when several cover the attendance
PRECEDENCE = ("child_protection", "looked_after", "child_in_need", "pre_birth", "early_help")


class PlanChildAtEd(Rule):
    id = "plan-child-at-ed"
    version = 1
    defaults = {
        "plan_kinds": ["child_protection", "child_in_need", "early_help"],
        "attendance_agency_kinds": ["hospital_ed"],
    }
    parameter_help = {
        "plan_kinds": "plans whose children are flagged when they attend",
        "attendance_agency_kinds": "services whose attendances count (the emergency department; "
        "add others for urgent care)",
    }
    route = RouteSpec("childrens_social_care", "social_worker", "high", 24)

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        plans = [
            p
            for p in world.about(child, "plan")
            if p["kind"] in params["plan_kinds"] and p.occurred_on <= today
        ]
        if not plans:
            return []
        found = []
        for attendance in world.about(child, "edattendance"):
            on = attendance.occurred_on
            if on > today:
                continue
            place = world.agency(attendance["agency"])
            if place.kind not in params["attendance_agency_kinds"]:
                continue
            covering = [p for p in plans if _covers(p, on)]
            if not covering:
                continue
            plan = min(covering, key=lambda p: _rank(p["kind"]))
            plan_name, lead = PLAN_NAMES.get(plan["kind"], ("a plan", "lead practitioner"))
            owner = world.agency(plan["agency"])
            phone = f" on {owner.duty_phone}" if owner.duty_phone else ""
            complaint = str(attendance["presenting_complaint"] or "").strip()
            why = f" with {complaint[0].lower()}{complaint[1:]}" if complaint else ""
            found.append(
                Finding(
                    child,
                    f"A child on {plan_name} ({owner.name}, since "
                    f"{describe_date(plan.occurred_on)}) attended {place.name} on "
                    f"{describe_date(on)}{why}: the clinician should call {owner.name}{phone}, "
                    f"and the {lead} must be told.",
                    facts=[attendance, *covering],
                    people=[(child.person, "child")] if child.person else [],
                    anchor=f"edattendance:{attendance.id}",
                )
            )
        return found


def _covers(plan: Fact, on: date) -> bool:
    end = plan["end"]
    return bool(plan.occurred_on <= on and (end is None or on <= end))


def _rank(kind: str) -> int:
    return PRECEDENCE.index(kind) if kind in PRECEDENCE else len(PRECEDENCE)
