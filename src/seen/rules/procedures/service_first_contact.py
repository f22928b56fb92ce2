"""A parent referred to a service of the partnership's directory is contacted by it within the
time the service states (the directory's `contact_within_days`, 10 days unless the service says
otherwise).

A referral with no step of its uptake (contacted, offered, a session, completed, declined,
dropped out: any step at all) once that time, plus the partnership's grace, has passed since the
referral raises one alert per referral, for the practitioner who made the referral; a referral
naming no referrer goes to the child's health visitor. The first step the service sends resolves
it, however late. The days are calendar days, as the service states them to the families it
serves; a partnership may count them as working days instead. Time-dependent: a referral becomes
overdue with time alone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from seen.core.working_days import add_working_days
from seen.rules.base import Finding, RouteSpec, Rule, describe_date
from seen.rules.procedures.service_referrals import parent_named, referrals_of, role_of
from seen.rules.world import Child, World

# the directory's own default, for a referral whose service it no longer holds
CONTACT_WITHIN_DAYS = 10


class ServiceFirstContact(Rule):
    id = "service-first-contact"
    version = 1
    defaults = {"grace_days": 0, "working_days": False}
    parameter_help = {
        "grace_days": "days allowed beyond the service's stated time to first contact before a "
        "referral it has not taken up is raised (0: none)",
        "working_days": "count the service's days and the grace as working days in England "
        "(weekends and bank holidays left out) rather than calendar days",
    }
    route = RouteSpec("health_visiting", "health_visitor", "medium", 120)
    time_dependent = True  # a referral becomes overdue with time alone

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        found = []
        for uptake in referrals_of(world, child):
            if uptake.steps:
                continue  # the service has answered: any step at all
            referral = uptake.referral
            within = uptake.service.contact_within_days if uptake.service else CONTACT_WITHIN_DAYS
            days = within + int(params["grace_days"])
            unit = "working days" if params["working_days"] else "days"
            if params["working_days"]:
                due = add_working_days(referral.occurred_on, days)
            else:
                due = referral.occurred_on + timedelta(days=days)
            if world.today <= due:
                continue
            subject = referral.persons.get("subject")
            grace = f" and {params['grace_days']} {unit} of grace" if params["grace_days"] else ""
            text = (
                f"{parent_named(child, subject)} was referred to {uptake.service_name} on "
                f"{describe_date(referral.occurred_on)} and has not been contacted by it within "
                f"the {within} {unit} it states{grace} (by {describe_date(due)})."
            )
            people = [(subject, role_of(child, subject) or "parent referred")] if subject else []
            if child.person:
                people.append((child.person, "child"))
            referrer = referral.get("referrer")
            found.append(
                Finding(
                    child,
                    text,
                    facts=[referral],
                    people=people,
                    anchor=f"referral:{referral.id}",
                    owner=(referrer, "made the referral") if referrer else None,
                )
            )
        return found
