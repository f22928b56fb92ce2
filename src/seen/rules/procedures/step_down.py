"""Step-down from a child in need plan to Early Help needs a key worker, an information-sharing
plan and a review date.

The Early Help plan names the plan it stepped down from (`stepped_down_from`, that plan's local
id). The alert says what is missing, and closes when the plan records all three."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Child, Fact, World

PLAN_NAMES = {
    "early_help": "Early Help plan",
    "child_in_need": "child in need plan",
    "child_protection": "child protection plan",
    "looked_after": "looked-after plan",
    "pre_birth": "pre-birth plan",
}


class StepDown(Rule):
    id = "step-down"
    version = 1
    defaults = {
        "from_plans": ["child_in_need"],
        "to_plans": ["early_help"],
        "complete_within_days": 0,
    }
    parameter_help = {
        "from_plans": "kinds of plan a step-down comes from (a plan whose origin is not held "
        "by Seen is checked too)",
        "to_plans": "kinds of plan a child is stepped down to",
        "complete_within_days": "days after the step-down within which the key worker, "
        "information-sharing plan and review date must be recorded (0: at the step-down)",
    }
    route = RouteSpec("early_help", "early_help_key_worker", "medium", 120)
    time_dependent = True  # the days allowed to complete the step-down pass

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        plans = [p for p in world.about(child, "plan") if p.occurred_on <= today]
        found = []
        for plan in plans:
            origin_id = plan.get("stepped_down_from") or ""
            if not origin_id or plan["kind"] not in params["to_plans"]:
                continue
            if plan.get("end") is not None and plan["end"] <= today:
                continue  # the Early Help plan itself has closed
            due = plan.occurred_on + timedelta(days=params["complete_within_days"])
            if due > today:
                continue
            origin = _origin(plans, plan, origin_id)
            if origin is not None and origin["kind"] not in params["from_plans"]:
                continue
            missing = []
            if not plan.get("key_worker"):
                missing.append("no key worker")
            if plan.get("information_sharing_plan") != "yes":
                missing.append("no information-sharing plan")
            if not plan.get("review_date"):
                missing.append("no review date")
            if not missing:
                continue
            baby = "unborn baby" if child.unborn else "baby"
            if origin is not None:
                ended = origin.get("end")
                source = (
                    f"the {baby}'s {PLAN_NAMES.get(origin['kind'], 'plan')} "
                    f"({agency_name(world, origin)}"
                    + (f", ended {describe_date(ended)})" if ended else ")")
                )
            else:
                source = f"plan {origin_id}"
            text = (
                f"The {PLAN_NAMES.get(plan['kind'], 'plan')} that began on "
                f"{describe_date(plan.occurred_on)} ({agency_name(world, plan)}), stepped down "
                f"from {source}, has {_join(missing)}."
            )
            found.append(
                Finding(
                    child,
                    text,
                    facts=[plan, *([origin] if origin is not None else [])],
                    people=[(child.person, "child")] if child.person else [],
                    anchor=f"plan:{plan.id}",
                )
            )
        return found


def _origin(plans: list[Fact], plan: Fact, local_id: str) -> Fact | None:
    """The plan stepped down from: by its local id, in the same agency if there is one."""
    matches = [p for p in plans if p.get("local_id") == local_id and p.id != plan.id]
    same_agency = [p for p in matches if p["agency"] == plan["agency"]]
    chosen = same_agency or matches
    return chosen[0] if chosen else None


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
