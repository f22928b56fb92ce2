"""`seen alerts`: open alerts, filtered, most urgent first."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from seen.access.cli import add_identity_arguments, audit, require
from seen.access.policy import Action
from seen.core import clock
from seen.rules.inbox import audit_subject, owed_by
from seen.rules.models import Alert, Severity
from seen.rules.registry import RULES_BY_ID


class Command(BaseCommand):
    help = (
        "List the alerts you answer for (routed to you, to your team in your role, or escalated "
        "to you; a safeguarding lead sees all), most urgent first: open ones unless --status "
        "says otherwise. Filters: --rule, --agency (owning agency code), --severity, --overdue. "
        "Name yourself with --user and your purpose with --purpose."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--status",
            choices=["open", "all", *Alert.Status.values],
            default="open",
            help="open (default: every status but closed), all, or one status",
        )
        parser.add_argument("--rule", help="a rule id (seen rules list)")
        parser.add_argument("--agency", help="owning agency code")
        parser.add_argument("--severity", choices=Severity.values)
        parser.add_argument("--overdue", action="store_true", help="past their deadline only")
        parser.add_argument("--limit", type=int, default=200, help="at most this many (200)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        add_identity_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user, _ = require(options, Action.VIEW_OWN_ALERTS, object_type="alerts")
        alerts = owed_by(user.staff_profile).select_related(
            "owner_agency", "owner_practitioner", "escalated_to"
        )
        if options["status"] == "open":
            alerts = alerts.exclude(status=Alert.Status.CLOSED)
        elif options["status"] != "all":
            alerts = alerts.filter(status=options["status"])
        if options["rule"]:
            if options["rule"] not in RULES_BY_ID:
                raise CommandError(f"no rule {options['rule']!r}; `seen rules list` shows them")
            alerts = alerts.filter(rule_id=options["rule"])
        if options["agency"]:
            alerts = alerts.filter(owner_agency__code=options["agency"])
        if options["severity"]:
            alerts = alerts.filter(severity=options["severity"])
        if options["overdue"]:
            alerts = alerts.filter(deadline__lt=clock.now()).filter(
                Q(status=Alert.Status.RAISED) | Q(status=Alert.Status.SEEN)
            )
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        shown = list(alerts.order_by("deadline", "pk")[: options["limit"]])
        rows = [_row(a) for a in shown]
        subject, children = audit_subject(shown)
        audit(
            user,
            "read",
            options["purpose"],
            "alerts",
            subject=subject,
            disclosed={"alerts": [r["alert"] for r in rows], "children": children},
        )
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("no alerts")
        for row in rows:
            owner = row["owner"]["practitioner"] or row["owner"]["agency"] or "unrouted"
            escalated = f", escalated to {row['escalated_to']}" if row["escalated_to"] else ""
            self.stdout.write(
                f"#{row['alert']} {row['severity']:<8} due {row['deadline'][:16]} "
                f"[{row['rule']}] {row['status']} -> {owner}{escalated}\n    {row['explanation']}"
            )


def _row(alert: Alert) -> dict[str, Any]:
    return {
        "alert": alert.pk,
        "rule": alert.rule_id,
        "child": alert.child_key,
        "severity": alert.severity,
        "status": alert.status,
        "raised_at": alert.raised_at.isoformat(),
        "deadline": alert.deadline.isoformat(),
        "owner": {
            "agency": alert.owner_agency.code if alert.owner_agency else None,
            "role": alert.owner_role,
            "practitioner": alert.owner_practitioner.name if alert.owner_practitioner else None,
        },
        "escalated_to": alert.escalated_to.name if alert.escalated_to else None,
        "explanation": alert.explanation,
    }
