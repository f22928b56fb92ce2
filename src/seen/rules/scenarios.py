"""Compare the alerts in the database with a synthetic extract's planted scenarios.

Each planted scenario names a family and a procedure: it is found when an alert of that rule is
about that family's child (or pregnancy). Every other alert is a false alert, counted per 1,000
births. Families are read from the extract's ground truth (`truth/`), which the rules never see."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seen.people.models import Pregnancy, SourceRecord
from seen.rules.models import Alert


@dataclass
class ScenarioReport:
    births: int
    scenarios: list[dict[str, Any]] = field(default_factory=list)  # with "found"
    false_alerts: list[dict[str, Any]] = field(default_factory=list)
    alerts: int = 0

    @property
    def missing(self) -> list[dict[str, Any]]:
        return [s for s in self.scenarios if not s["found"]]

    @property
    def false_per_1000_births(self) -> float:
        return round(1000 * len(self.false_alerts) / max(self.births, 1), 2)

    def as_json(self) -> dict[str, Any]:
        by_rule: Counter[str] = Counter(a["rule"] for a in self.false_alerts)
        found_by_procedure: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for s in self.scenarios:
            found_by_procedure[s["procedure"]][0] += int(s["found"])
            found_by_procedure[s["procedure"]][1] += 1
        return {
            "births": self.births,
            "alerts": self.alerts,
            "scenarios": len(self.scenarios),
            "found": len(self.scenarios) - len(self.missing),
            "missing": [
                {k: s[k] for k in ("scenario_id", "procedure", "family_id", "description")}
                for s in self.missing
            ],
            "recall_by_procedure": {
                p: f"{found}/{total}" for p, (found, total) in sorted(found_by_procedure.items())
            },
            "false_alerts": len(self.false_alerts),
            "false_alerts_per_1000_births": self.false_per_1000_births,
            "false_alerts_by_rule": dict(sorted(by_rule.items())),
        }


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def compare(extract: Path) -> ScenarioReport:
    truth = extract / "truth"
    person_of = {
        (r["agency"], r["record_id"]): r["person_id"] for r in _read_csv(truth / "records.csv")
    }
    persons = _read_csv(truth / "persons.csv")
    family_of = {p["person_id"]: p["family_id"] for p in persons}
    births = sum(1 for p in persons if p["role"] == "baby")
    scenarios = json.loads((truth / "scenarios.json").read_text(encoding="utf-8"))

    def family_of_record(record: SourceRecord) -> str | None:
        person = person_of.get((record.agency.code, record.local_id))
        return family_of.get(person or "")

    alert_families: list[tuple[Alert, set[str]]] = []
    alerts = Alert.objects.select_related("pregnancy__mother__agency")
    for alert in alerts:
        families: set[str] = set()
        if alert.child_id is not None:
            for record in SourceRecord.objects.filter(person_id=alert.child_id).select_related(
                "agency"
            ):
                family = family_of_record(record)
                if family:
                    families.add(family)
        if alert.pregnancy_id is not None:
            pregnancy: Pregnancy = alert.pregnancy  # type: ignore[assignment]
            family = family_of_record(pregnancy.mother)
            if family:
                families.add(family)
        alert_families.append((alert, families))
    report = ScenarioReport(births=births, alerts=len(alert_families))
    planted = {(s["family_id"], s["procedure"]) for s in scenarios}
    raised = {(family, alert.rule_id) for alert, families in alert_families for family in families}
    for scenario in scenarios:
        report.scenarios.append(
            {**scenario, "found": (scenario["family_id"], scenario["procedure"]) in raised}
        )
    for alert, families in alert_families:
        if not any((family, alert.rule_id) in planted for family in families):
            report.false_alerts.append(
                {
                    "alert": alert.pk,
                    "rule": alert.rule_id,
                    "families": sorted(families),
                    "explanation": alert.explanation,
                }
            )
    return report
