"""docs/rules.md, written from the rules themselves so it cannot drift from what they do:
`seen rules list --markdown > docs/rules.md` (a test fails if the file falls behind)."""

from __future__ import annotations

import inspect
import json

from seen.rules.base import Rule
from seen.rules.registry import RULES

INTRO = """\
# Rules: the partnership's procedures, as Seen applies them

Each rule below implements one procedure of the partnership (design.md §6) and the finding of
the national review behind it. A rule reads the facts every agency has sent and the graph of who
is around each baby (a man's history in another agency or area counts: linkage has already made
his records one person). When a rule finds something it raises an **alert about a child** (born,
or unborn while only a pregnancy is known) that names the rule, the facts and the people, and
says in one sentence why. There is no score.

- **Once per finding.** While a rule keeps finding the same thing it stays one alert, updated
  when its facts change. When new facts resolve it (the referral is made, the father is seen at
  the next contact) the alert closes itself as *resolved by new facts*. An alert a practitioner
  has closed is not raised again for the same facts unless it has worsened since: a finding
  carries a *stage* (a step that was due is now overdue), and a later stage than the closed
  alert's is raised afresh. With new facts (one missed appointment has become three) it is a
  new finding and raised afresh too.
- **When rules run.** When facts arrive (`seen ingest`, for the families the extract touched,
  after matching their people), on `seen rules run` (everything), and on `seen rules tick` (run
  on a schedule, at least daily: the rules that depend on time passing, marked *time-dependent*
  below, and escalation). "Now" can be set (`SEEN_NOW`), so replays and tests are
  deterministic.
- **Routing.** Each rule has a route: the kind of agency and the role that must answer, a
  severity and a deadline. The owner is the practitioner in that role with a legitimate
  relationship to the child (named midwife, health visitor, GP, social worker or lead
  practitioner, key worker, personal adviser, from the agencies' responsibilities); if there is
  none, the team of that kind of agency in the child's area; if there is no such agency, the
  area's safeguarding lead. Same-day alerts are due by 23:59 on the day they are raised.
  A partnership changes a route in the `Route` table (Django admin) and a threshold with
  `seen rules set RULE NAME VALUE --reason R`.
- **Lifecycle.** raised → seen → acknowledged → action recorded (referral made, escalated,
  strategy discussion, or no further action with its reason) → closed with its outcome. Every
  step records who and when. An alert not acknowledged by its deadline is escalated to the
  safeguarding lead (of the owning agency, else of the child's area), once, and that is recorded.
- `seen alerts` lists open alerts (filters: `--rule`, `--agency`, `--severity`, `--overdue`);
  `seen rules run --json` prints the alerts raised; `seen rules check-scenarios DIR` checks a
  synthetic partnership's planted scenarios.

Thresholds below are the defaults; `seen rules list` shows the values in force.
"""


def _what(rule: Rule) -> str:
    module = inspect.getmodule(type(rule))
    doc = inspect.getdoc(type(rule)) or (module.__doc__ if module else "") or ""
    return " ".join(doc.split())


def markdown() -> str:
    parts = [INTRO]
    for rule in RULES:
        route = rule.route
        deadline = (
            "the same day" if route.severity == "same_day" else f"{route.deadline_hours} hours"
        )
        lines = [
            f"## `{rule.id}` (version {rule.version})",
            "",
            f"**Procedure.** {rule.statement}",
            "",
            f"**Finding in the report.** {rule.finding}",
            "",
            f"**What it checks.** {_what(rule)}",
            "",
            f"**Who gets the alert.** {route.role.replace('_', ' ')} "
            f"({route.agency_kind.replace('_', ' ')}); "
            f"severity {route.severity.replace('_', ' ')}; due within {deadline}."
            + (
                " Time-dependent: re-evaluated by `seen rules tick`." if rule.time_dependent else ""
            ),
            "",
        ]
        if rule.defaults:
            lines += ["| threshold | default | meaning |", "|---|---|---|"]
            for name, value in rule.defaults.items():
                meaning = " ".join(rule.parameter_help.get(name, "").split())
                lines.append(f"| `{name}` | `{json.dumps(value)}` | {meaning} |")
            lines.append("")
        parts.append("\n".join(lines))
    return "\n".join(parts).rstrip() + "\n"
