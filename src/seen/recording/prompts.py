"""What a recorded fact prompts: for each partnership procedure it touches, the procedure's
statement in its own wording (from the catalogue, through the rule), what to do next, and the
explanations of the open alerts the rules raised on the fact."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from seen.casefile.subjects import Subject
from seen.rules.models import Alert
from seen.rules.parameters import parameters_for
from seen.rules.registry import RULES_BY_ID
from seen.rules.world import fact_type

# What to do, for each procedure a recorded fact can touch (the procedure's statement comes from
# the catalogue, seen.core.procedures, through the rule).
WHAT_TO_DO = {
    "father-seen-at-mandated-contact": (
        "See the father or male carer at the next contact (offer a time out of hours if he "
        "works) and record who he is."
    ),
    "pre-birth-assessment-father": (
        "Involve the father or male carer in the assessment and make background checks on both "
        "parents (police, children's social care in every area, probation), or record why not."
    ),
    "was-not-brought": (
        "Follow the missed appointment up within {follow_up_within_days} days; if the baby has "
        "missed appointments before, or is on a plan, refer."
    ),
    "non-mobile-injury": (
        "Refer to children's social care and for a paediatric assessment today, and tell the MASH."
    ),
}


@dataclass(frozen=True)
class Prompt:
    rule: str
    statement: str  # the procedure, in its own wording
    what_to_do: str
    alerts: tuple[str, ...] = ()  # the explanations of the open alerts it raised on this fact


def resting_on(fact: Any, subject: Subject) -> list[Alert]:
    ref = [fact_type(type(fact)), fact.pk]
    about = Q(pregnancy_id__in=[p.pk for p in subject.pregnancies])
    if subject.person is not None:
        about |= Q(child_id=subject.person.pk)
    alerts = Alert.objects.filter(about).exclude(status=Alert.Status.CLOSED).order_by("pk")
    return [a for a in alerts if ref in a.facts]


def prompts_for(rule_ids: list[str], alerts: list[Alert]) -> list[Prompt]:
    """The prompts of these procedures (each with its alerts' explanations), then one for each
    alert of a procedure the fact does not obviously touch."""
    prompts = []
    for rule_id in rule_ids:
        rule = RULES_BY_ID.get(rule_id)
        if rule is None:
            continue
        todo = WHAT_TO_DO[rule_id].format(**parameters_for(rule))
        explained = tuple(a.explanation for a in alerts if a.rule_id == rule_id)
        prompts.append(Prompt(rule_id, rule.statement, todo, explained))
    for alert in alerts:  # an alert of a procedure the fact does not obviously touch
        if alert.rule_id not in {p.rule for p in prompts} and alert.rule_id in RULES_BY_ID:
            rule = RULES_BY_ID[alert.rule_id]
            prompts.append(
                Prompt(
                    alert.rule_id,
                    rule.statement,
                    WHAT_TO_DO.get(alert.rule_id, ""),
                    (alert.explanation,),
                )
            )
    return prompts
