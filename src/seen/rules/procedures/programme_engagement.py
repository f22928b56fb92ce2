"""A programme in a plan (domestic-abuse perpetrator, parenting, mental health, ...) missed or not
completed is escalated as a risk factor to the plan's lead practitioner; completion is evidenced
before the plan closes.

Programme events name the adult on the programme (`subject`) and the plan (`plan`, a Plan fact);
the steps of one programme share the agency and `programme_ref`. A programme is about a child when
its plan is one of the child's plans and its subject an adult around the child.

A parent's referral to a service of the partnership's directory (a service referral and the steps
of its uptake the service sends) counts in the same way while the child has a plan in force: the
parent missing sessions, dropping out or declining it is escalated to the plan's lead
practitioner, one alert per referral; the service's kind must be one of the programmes watched,
and the referral completed is the evidence of completion."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.procedures.service_referrals import (
    ENDED_WITHOUT_COMPLETION,
    Uptake,
    baby_word,
    joined,
    parent_named,
    referrals_of,
    role_of,
)
from seen.rules.world import Child, Fact, World

PLAN_NAMES = {
    "early_help": "Early Help plan",
    "child_in_need": "child in need plan",
    "child_protection": "child protection plan",
    "looked_after": "looked-after plan",
    "pre_birth": "pre-birth plan",
}
PROGRAMME_NAMES = {
    "domestic_abuse_perpetrator": "domestic-abuse perpetrator programme",
    "parenting": "parenting programme",
    "mental_health": "mental-health programme",
    "substance_misuse": "substance-misuse programme",
    "other": "programme",
}


class ProgrammeEngagement(Rule):
    id = "programme-engagement"
    version = 2  # 2: service referrals under a plan in force count too
    defaults = {
        "missed_sessions": 1,
        "complete_within_days": 182,
        "withdrawal_counts": True,
        "programmes": [
            "domestic_abuse_perpetrator",
            "parenting",
            "mental_health",
            "substance_misuse",
            "other",
        ],
    }
    parameter_help = {
        "missed_sessions": "missed sessions that escalate a programme not yet completed as a "
        "risk factor (1: any missed session; 0: missed sessions alone do not)",
        "complete_within_days": "days from the referral within which the programme should be "
        "completed; after that, a programme not completed is escalated (26 weeks)",
        "withdrawal_counts": "a programme withdrawn from without completion, or a service "
        "referral dropped out of or declined, is escalated",
        "programmes": "the programme kinds the rule watches",
    }
    route = RouteSpec("childrens_social_care", "social_worker", "high", 72)
    time_dependent = True  # the completion window and plan closure pass with time

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        today = world.today
        plans = {p.id: p for p in world.about(child, "plan") if p.occurred_on <= today}
        # the programme's subject is an adult around the child (the same person in any agency)
        adults = {a.person for a in child.adults} | ({child.mother} if child.mother else set())
        steps: dict[int, Fact] = {}
        for person in adults:
            for event in world.of_person(person, "programmeevent", column="subject"):
                if (
                    event.get("plan") in plans
                    and event.occurred_on <= today
                    and event["programme"] in params["programmes"]
                ):
                    steps[event.id] = event
        programmes: dict[tuple[int, str], list[Fact]] = defaultdict(list)
        for event in sorted(steps.values(), key=lambda f: (f.occurred_on, f.id)):
            programmes[(event["agency"], event["programme_ref"])].append(event)
        found = []
        for (agency, ref), events in sorted(programmes.items()):
            finding = self._programme(world, child, plans, events, params)
            if finding is not None:
                finding.anchor = f"programme:{agency}:{ref}"
                found.append(finding)
        return found + self._service_referrals(world, child, plans, params)

    def _programme(
        self,
        world: World,
        child: Child,
        plans: dict[int, Fact],
        events: list[Fact],
        params: Mapping[str, Any],
    ) -> Finding | None:
        today = world.today
        if any(e["status"] == "completed" for e in events):
            return None  # completion evidenced
        plan = plans[events[-1]["plan"]]
        referred = next((e for e in events if e["status"] == "referred"), events[0])
        missed = [e for e in events if e["status"] == "missed"]
        withdrawn = [e for e in events if e["status"] == "withdrawn"]
        actions = []
        if params["missed_sessions"] and len(missed) >= params["missed_sessions"]:
            sessions = "a session" if len(missed) == 1 else f"{len(missed)} sessions"
            actions.append(
                f"missed {sessions} (the last on {describe_date(missed[-1].occurred_on)})"
            )
        if withdrawn and params["withdrawal_counts"]:
            actions.append(f"withdrew on {describe_date(withdrawn[-1].occurred_on)}")
        overdue = referred.occurred_on + timedelta(days=params["complete_within_days"]) <= today
        plan_end = plan.get("end")
        closed = plan_end is not None and plan_end <= today
        if not (actions or overdue or closed):
            return None
        weeks = params["complete_within_days"] // 7
        actions.append(
            f"has not completed it after {weeks} weeks" if overdue else "has not completed it"
        )
        subject = referred.persons.get("subject")
        role = role_of(child, subject)
        baby = baby_word(child)
        who = parent_named(child, subject, "An adult in the plan")
        text = (
            f"{who}, referred on {describe_date(referred.occurred_on)} to a "
            f"{PROGRAMME_NAMES.get(referred['programme'], 'programme')} under the {baby}'s "
            f"{PLAN_NAMES.get(plan['kind'], 'plan')} ({agency_name(world, plan)}, from "
            f"{describe_date(plan.occurred_on)}), {joined(actions)}"
        )
        if closed:
            text += (
                f", yet the plan closed on {describe_date(plan_end)} without completion evidenced"
            )
        text += ": a risk factor for the plan's lead practitioner to act on."
        people = [(p, r) for p, r in ((subject, role or "programme participant"),) if p]
        if child.person:
            people.append((child.person, "child"))
        return Finding(
            child,
            text,
            facts=[plan, referred, *missed, *withdrawn],
            people=people,
        )

    def _service_referrals(
        self, world: World, child: Child, plans: dict[int, Fact], params: Mapping[str, Any]
    ) -> list[Finding]:
        """The child's service referrals not engaged with, while a plan is in force today."""
        today = world.today
        in_force = [p for p in plans.values() if p.get("end") is None or p["end"] > today]
        if not in_force:
            return []
        plan = max(in_force, key=lambda p: (p.occurred_on, p.id))  # the latest plan
        found = []
        for uptake in referrals_of(world, child):
            kind = uptake.service.kind if uptake.service else "other"
            if kind not in params["programmes"] or uptake.with_status("completed"):
                continue  # not watched, or completion evidenced
            finding = self._referral(world, child, plan, uptake, params)
            if finding is not None:
                finding.anchor = f"referral:{uptake.referral.id}"
                found.append(finding)
        return found

    def _referral(
        self,
        world: World,
        child: Child,
        plan: Fact,
        uptake: Uptake,
        params: Mapping[str, Any],
    ) -> Finding | None:
        missed = uptake.with_status("missed")
        if not (params["missed_sessions"] and len(missed) >= params["missed_sessions"]):
            missed = []  # too few to count (or missed sessions alone do not)
        ended = uptake.with_status(*ENDED_WITHOUT_COMPLETION) if params["withdrawal_counts"] else []
        actions = []
        if missed:
            sessions = "a session" if len(missed) == 1 else f"{len(missed)} sessions"
            actions.append(
                f"missed {sessions} (the last on {describe_date(missed[-1].occurred_on)})"
            )
        for step in ended:
            doing = "declined it" if step["status"] == "declined" else "dropped out"
            actions.append(f"{doing} on {describe_date(step.occurred_on)}")
        if not actions:
            return None
        if not ended:
            actions.append("has not completed it")
        referral = uptake.referral
        subject = referral.persons.get("subject")
        baby = baby_word(child)
        text = (
            f"{parent_named(child, subject)}, referred on {describe_date(referral.occurred_on)} "
            f"to {uptake.service_name} while the {baby}'s {PLAN_NAMES.get(plan['kind'], 'plan')} "
            f"({agency_name(world, plan)}, from {describe_date(plan.occurred_on)}) is in force, "
            f"{joined(actions)}: a risk factor for the plan's lead practitioner to act on."
        )
        people = [(subject, role_of(child, subject) or "parent referred")] if subject else []
        if child.person:
            people.append((child.person, "child"))
        return Finding(child, text, facts=[plan, referral, *missed, *ended], people=people)
