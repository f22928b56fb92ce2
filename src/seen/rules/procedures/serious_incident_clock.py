"""The statutory clock of a serious incident notification (Working Together to Safeguard
Children): the local authority notifies the national Child Safeguarding Practice Review Panel
within 5 working days of learning of the incident, and the safeguarding partners complete a
rapid review within 15 working days. Working days leave out weekends and England's bank
holidays, substitute and one-off days included (seen.core.working_days).

One alert per incident and step still to do, once the step is due within `due_within_working_days`
working days, or overdue (the alert is updated to say so, with the working days it is late), to
the local authority's safeguarding lead. It resolves when the step is recorded as done.
Time-dependent: a step becomes due, then overdue, with time alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seen.core.working_days import add_working_days, working_days_between
from seen.incidents.models import NOTIFY_WITHIN_WORKING_DAYS, RAPID_REVIEW_WITHIN_WORKING_DAYS
from seen.rules.base import Finding, RouteSpec, Rule, describe_date
from seen.rules.world import Child, World

STEPS = (
    ("notification", "notify the national panel", NOTIFY_WITHIN_WORKING_DAYS),
    ("rapid_review", "complete the rapid review", RAPID_REVIEW_WITHIN_WORKING_DAYS),
)


def _days(n: int) -> str:
    return f"{n} working day{'s' if n != 1 else ''}"


class SeriousIncidentClock(Rule):
    id = "serious-incident-clock"
    version = 1
    defaults = {"due_within_working_days": 2}
    parameter_help = {
        "due_within_working_days": "a step still to do is raised once its due day is this many "
        "working days away or fewer (and stays raised, saying so, once overdue)",
    }
    route = RouteSpec("childrens_social_care", "safeguarding_lead", "high", 24)
    time_dependent = True  # due, then overdue, with time alone

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        warn = int(params["due_within_working_days"])
        found = []
        for incident in world.incidents.get(child.key, []):
            done = {"notification": incident.notified_on, "rapid_review": incident.rapid_review_on}
            for step, doing, within in STEPS:
                if done[step] is not None:
                    continue
                due = add_working_days(incident.learned_on, within)
                left = working_days_between(world.today, due)
                if left > warn:
                    continue
                learned = describe_date(incident.learned_on)
                if left < 0:
                    when = f"was due on {describe_date(due)} and is overdue by {_days(-left)}"
                elif left == 0:
                    when = f"is due today, {describe_date(due)}"
                else:
                    when = f"is due on {describe_date(due)}, in {_days(left)}"
                found.append(
                    Finding(
                        child,
                        f"Serious incident notification {incident.id}: the local authority "
                        f"learned of it on {learned}; the duty to {doing} within "
                        f"{_days(within)} {when}.",
                        anchor=f"incident:{incident.id}:{step}",
                        stage=1 if left < 0 else 0,  # overdue is raised again once closed as due
                    )
                )
        return found
