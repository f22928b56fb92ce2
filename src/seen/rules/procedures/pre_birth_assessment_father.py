"""Every assessment of `assessment_kinds` (the pre-birth assessment) about a child or pregnancy,
as it stands: the father or male carer not involved and no reason recorded (or recorded as "not
applicable" with no reason while agencies know of a father or male carer); no background checks
on the father (a recorded reason excuses this only if `reason_excuses_father_checks`); no
background checks on the mother (if `require_mother_checks`). One alert per assessment, to the
social worker (else the children's social care team); it resolves when the assessment records
the father's involvement, or why not, and the checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seen.rules.base import Finding, RouteSpec, Rule, agency_name, describe_date
from seen.rules.world import Child, World

NOT_DONE = ("no", "not_known")


class PreBirthAssessmentFather(Rule):
    id = "pre-birth-assessment-father"
    version = 1
    defaults = {
        "assessment_kinds": ["pre_birth"],
        "require_mother_checks": True,
        "reason_excuses_father_checks": False,
    }
    parameter_help = {
        "assessment_kinds": "the assessments this rule applies to",
        "require_mother_checks": "background checks on the mother are required as well as on "
        "the father",
        "reason_excuses_father_checks": "a recorded reason for not involving the father also "
        "excuses not checking him (by default he is checked whether or not he takes part)",
    }
    route = RouteSpec("childrens_social_care", "social_worker", "medium", 72)

    def evaluate(self, world: World, child: Child, params: Mapping[str, Any]) -> list[Finding]:
        found = []
        men = child.men_around()
        for assessment in world.about(child, "assessment"):
            if assessment["kind"] not in params["assessment_kinds"]:
                continue
            if assessment.occurred_on > world.today:
                continue
            reason = str(assessment["father_not_involved_reason"] or "").strip()
            involved = assessment["father_involved"]
            checked = assessment["father_checks_done"]
            gaps = []
            if involved in NOT_DONE and not reason:
                gaps.append("did not involve the father or male carer (no reason recorded)")
            elif involved == "not_applicable" and not reason and men:
                gaps.append(
                    "recorded the father as not applicable without a reason, though agencies "
                    "know of a father or male carer"
                )
            excused = reason and params["reason_excuses_father_checks"]
            if checked in NOT_DONE and not excused:
                gaps.append("made no background checks on the father")
            elif checked == "not_applicable" and not reason and men:
                gaps.append("recorded background checks on the father as not applicable")
            if params["require_mother_checks"] and assessment["mother_checks_done"] in NOT_DONE:
                gaps.append("made no background checks on the mother")
            if not gaps:
                continue
            found.append(
                Finding(
                    child,
                    f"The {str(assessment['kind']).replace('_', '-')} assessment begun on "
                    f"{describe_date(assessment.occurred_on)} by "
                    f"{agency_name(world, assessment)} {_joined(gaps)}.",
                    facts=[assessment],
                    people=_people(child),
                    anchor=f"assessment:{assessment.id}",
                )
            )
        return found


def _people(child: Child) -> list[tuple[int, str]]:
    people: list[tuple[int, str]] = []
    if child.mother is not None:
        people.append((child.mother, "mother"))
    for adult in child.men_around():
        if all(adult.person != person for person, _ in people):
            people.append((adult.person, adult.kind))
    return people


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
