"""`seen rules`: run the partnership's procedures over the linked facts, tick for deadlines,
list the rules and their thresholds, set a threshold, and check a synthetic extract's scenarios."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from seen.core import clock
from seen.core.progress import progress_bar
from seen.rules.engine import Outcome, evaluate
from seen.rules.lifecycle import escalate_overdue
from seen.rules.models import Alert, RuleParameter
from seen.rules.parameters import BadParameter, check, parameters_for
from seen.rules.registry import RULES, RULES_BY_ID
from seen.rules.routing import route_for


def _alert_json(alert: Alert) -> dict[str, Any]:
    return {
        "alert": alert.pk,
        "rule": alert.rule_id,
        "child": alert.child_key,
        "severity": alert.severity,
        "deadline": alert.deadline.isoformat(),
        "owner": {
            "agency": alert.owner_agency.code if alert.owner_agency else None,
            "role": alert.owner_role,
            "practitioner": alert.owner_practitioner.name if alert.owner_practitioner else None,
            "because": alert.routed_because,
        },
        "explanation": alert.explanation,
        "facts": alert.facts,
        "people": alert.people,
        "status": alert.status,
    }


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "children": outcome.children,
        "raised": [_alert_json(a) for a in outcome.raised],
        "updated": [a.pk for a in outcome.updated],
        "resolved": [a.pk for a in outcome.resolved],
    }


class Command(BaseCommand):
    help = (
        "Safeguarding procedures as rules. `run` evaluates every rule over the partnership and "
        "prints the alerts raised; `replay --from D --to D [--every N]` runs them as a schedule "
        "would have over a period (each run sees the facts known by its day); `tick` "
        "re-evaluates what depends on time passing and "
        "escalates alerts not acknowledged by their deadline; `list` shows each rule with its "
        "thresholds and route; `set RULE NAME VALUE --reason R` sets a threshold for this "
        "partnership; `check-scenarios DIR` loads a synthetic extract into a fresh database and "
        "says which planted scenarios were found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=[
                "run",
                "tick",
                "replay",
                "list",
                "set",
                "check-scenarios",
                "compare-scenarios",
            ],
        )
        parser.add_argument(
            "operands", nargs="*", help="set: RULE NAME VALUE; check-scenarios: DIR"
        )
        parser.add_argument("--reason", default="", help="why a threshold was set")
        parser.add_argument("--from", dest="start", help="replay: first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", help="replay: last day (YYYY-MM-DD)")
        parser.add_argument("--every", type=int, default=7, help="replay: days between runs (7)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--markdown", action="store_true", help="list: the catalogue docs/rules.md holds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        handler = getattr(self, "_" + action.replace("-", "_"))
        handler(list(options["operands"]), options)

    def _run(self, args: list[str], options: dict[str, Any]) -> None:
        with progress_bar(enabled=not options["json"]) as progress:
            outcome = evaluate(progress=progress)
        self._print_outcome(outcome, options)

    def _tick(self, args: list[str], options: dict[str, Any]) -> None:
        timed = [rule for rule in RULES if rule.time_dependent]
        outcome = evaluate(rules=timed)
        escalated = escalate_overdue()
        if options["json"]:
            figures = _outcome_json(outcome) | {"escalated": [a.pk for a in escalated]}
            self.stdout.write(json.dumps(figures, indent=2, default=str))
            return
        self._print_outcome(outcome, options)
        self.stdout.write(f"escalated to a safeguarding lead: {len(escalated)}")

    def _replay(self, args: list[str], options: dict[str, Any]) -> None:
        """Run the rules as a scheduled tick would have, day by day over a period: each run sees
        the facts dated up to its day, so alerts are raised, and resolved, when they would
        have been."""
        try:
            start = date.fromisoformat(options["start"] or "")
            end = date.fromisoformat(options["end"] or "")
        except ValueError:
            raise CommandError("replay needs --from and --to as YYYY-MM-DD") from None
        if end < start or options["every"] < 1:
            raise CommandError("replay: --to must not be before --from, and --every >= 1")
        days = [start + timedelta(days=n) for n in range(0, (end - start).days, options["every"])]
        days.append(end)
        totals = {"runs": 0, "raised": 0, "updated": 0, "resolved": 0, "escalated": 0}
        try:
            with progress_bar(enabled=not options["json"]) as progress:
                for number, day in enumerate(days):
                    if progress:
                        progress(f"replay: {day}", number, len(days))
                    clock.set_now(datetime.combine(day, time(23, 0), tzinfo=UTC))
                    outcome = evaluate()
                    totals["runs"] += 1
                    totals["raised"] += len(outcome.raised)
                    totals["updated"] += len(outcome.updated)
                    totals["resolved"] += len(outcome.resolved)
                    totals["escalated"] += len(escalate_overdue())
        finally:
            clock.set_now(None)
        if options["json"]:
            self.stdout.write(json.dumps(totals, indent=2))
        else:
            self.stdout.write(" ".join(f"{k} {v}" for k, v in totals.items()))

    def _print_outcome(self, outcome: Outcome, options: dict[str, Any]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(_outcome_json(outcome), indent=2, default=str))
            return
        self.stdout.write(
            f"children and unborn children: {outcome.children}; alerts raised "
            f"{len(outcome.raised)}, updated {len(outcome.updated)}, resolved "
            f"{len(outcome.resolved)}"
        )
        # the alerts raised by rule; each in full with -v 2 (`seen alerts` lists them later)
        for rule, count in sorted(Counter(a.rule_id for a in outcome.raised).items()):
            self.stdout.write(f"  {rule:<40} {count:>6}")
        if options["verbosity"] >= 2:
            for alert in outcome.raised:
                self.stdout.write(f"  [{alert.rule_id}] {alert.explanation}")
        elif outcome.raised:
            self.stdout.write("each alert in full: -v 2, or `seen alerts` as its owner")

    def _list(self, args: list[str], options: dict[str, Any]) -> None:
        if options["markdown"]:
            from seen.rules.catalogue import markdown

            self.stdout.write(markdown(), ending="")
            return
        catalogue: list[dict[str, Any]] = []
        for rule in RULES:
            route = route_for(rule)
            catalogue.append(
                {
                    "rule": rule.id,
                    "version": rule.version,
                    "statement": rule.statement,
                    "finding": rule.finding,
                    "parameters": dict(parameters_for(rule)),
                    "route": {
                        "agency_kind": route.agency_kind,
                        "role": route.role,
                        "severity": route.severity,
                        "deadline_hours": route.deadline_hours,
                    },
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(catalogue, indent=2))
            return
        for entry in catalogue:
            self.stdout.write(f"{entry['rule']} v{entry['version']}: {entry['statement']}")
            for name, value in entry["parameters"].items():
                self.stdout.write(f"    {name} = {json.dumps(value)}")

    def _set(self, args: list[str], options: dict[str, Any]) -> None:
        if len(args) != 3:
            raise CommandError("usage: seen rules set RULE NAME VALUE --reason R")
        rule_id, name, text = args
        rule = RULES_BY_ID.get(rule_id)
        if rule is None:
            raise CommandError(f"no rule {rule_id!r}; `seen rules list` shows them")
        if not options["reason"].strip():
            raise CommandError("say why with --reason: thresholds are the partnership's decision")
        try:
            value = check(rule, name, json.loads(text))
        except json.JSONDecodeError:
            raise CommandError(f'{text!r} is not a value: write 14, true or ["a", "b"]') from None
        except BadParameter as error:
            raise CommandError(str(error)) from None
        with transaction.atomic():
            RuleParameter.objects.update_or_create(
                rule_id=rule.id, name=name, defaults={"value": value, "reason": options["reason"]}
            )
        self.stdout.write(f"{rule.id}.{name} = {json.dumps(value)}")

    def _compare_scenarios(self, args: list[str], options: dict[str, Any]) -> None:
        from seen.rules.scenarios import compare

        if len(args) != 1:
            raise CommandError("usage: seen rules compare-scenarios DIR")
        report = compare(Path(args[0]))
        self.stdout.write(json.dumps(report.as_json(), indent=2))

    def _check_scenarios(self, args: list[str], options: dict[str, Any]) -> None:
        if len(args) != 1:
            raise CommandError("usage: seen rules check-scenarios DIR")
        extract = Path(args[0])
        manifest = extract / "manifest.json"
        if not (extract / "truth" / "scenarios.json").is_file() or not manifest.is_file():
            raise CommandError(
                f"{extract} is not a synthetic extract with its ground truth "
                "(manifest.json and truth/scenarios.json); make one with `seen synth`"
            )
        created = json.loads(manifest.read_text(encoding="utf-8")).get("created") or ""
        try:
            end = datetime.fromisoformat(created).date()
        except ValueError:
            raise CommandError(f"{manifest}: 'created' is not a date-time: {created!r}") from None
        with tempfile.TemporaryDirectory(prefix="seen-scenarios-") as folder:
            env = os.environ | {
                "DATABASE_URL": f"sqlite:///{folder}/seen.sqlite3",
                "SEEN_LINK_MODEL": f"{folder}/model.json",
                "SEEN_NOW": created,
            }
            steps = [
                ("fresh database", ["migrate", "--noinput"]),
                ("ingest", ["ingest", str(extract), "--no-link"]),
                ("link", ["link", "--json"]),
                # the year the extract covers, replayed a fortnight at a time: alerts are raised
                # when their facts arrive and resolved when later facts answer them
                (
                    "rules",
                    [
                        "rules",
                        "replay",
                        "--json",
                        "--from",
                        str(end - timedelta(days=365)),
                        "--to",
                        str(end),
                        "--every",
                        "14",
                    ],
                ),
                ("compare", ["rules", "compare-scenarios", str(extract)]),
            ]
            output = ""
            for label, command in steps:
                self.stderr.write(f"check-scenarios: {label}")
                done = subprocess.run(
                    [sys.executable, "-m", "seen", *command],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    raise CommandError(f"{label} failed:\n{done.stderr.strip()[-2000:]}")
                output = done.stdout
        report = json.loads(output)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self.stdout.write(
                f"planted scenarios found: {report['found']} of {report['scenarios']}; false "
                f"alerts {report['false_alerts']} ({report['false_alerts_per_1000_births']} per "
                f"1,000 births; {report['births']} births)"
            )
            for procedure, ratio in report["recall_by_procedure"].items():
                self.stdout.write(f"  {procedure:<34} {ratio}")
            for missing in report["missing"]:
                self.stdout.write(
                    f"  MISSING {missing['scenario_id']} {missing['procedure']} "
                    f"family {missing['family_id']}: {missing['description']}"
                )
            for rule, count in report["false_alerts_by_rule"].items():
                self.stdout.write(f"  false alerts from {rule}: {count}")
        if report["missing"]:
            raise CommandError(f"{len(report['missing'])} planted scenario(s) raised no alert")
