"""The codes the FHIR face speaks: the NHS number's identifier system, the SNOMED CT categories
CP-IS gives its CareTeams, and Seen's own CodeSystem for every flag Seen shows (CP-IS has no code
for a child in need plan, Early Help, an adult around the child with a relevant history or an
open safeguarding alert). A flag's kind is the words seen.casefile.flags gives it; here each
kind has its Seen code and, where CP-IS has one, its SNOMED CT concept."""

from __future__ import annotations

from dataclasses import dataclass

from seen.casefile.flags import ADULT_HISTORY, OPEN_ALERT, PLAN_FLAGS
from seen.facts.models import Plan

NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
SNOMED = "http://snomed.info/sct"
FHIR_VERSION = "4.0.1"
# the id Seen's CodeSystem is read under (its canonical url is where it is published)
FLAG_CODE_SYSTEM_ID = "seen-flag"


@dataclass(frozen=True)
class Concept:
    code: str
    display: str
    definition: str


# CP-IS's categories (SNOMED CT, UK edition), as its CareTeam examples give them
CHILD_PROTECTION_PLAN = Concept(
    "342191000000101",
    "Subject to child protection plan",
    "The child is the subject of a child protection plan.",
)
LOOKED_AFTER = Concept(
    "764841000000100",
    "Looked after child",
    "The child is looked after by a local authority.",
)
UNBORN_ON_A_PLAN = Concept(
    "818901000000100",
    "Unborn child subject to child protection plan",
    "An unborn child on a plan, held against the mother's NHS number.",
)

# Seen's own codes, one for every kind of flag Seen shows (seen.casefile.flags), keyed by it
FLAG_CONCEPTS: dict[str, Concept] = {
    PLAN_FLAGS[Plan.Kind.CHILD_PROTECTION]: Concept(
        "child-protection-plan",
        "Child protection plan",
        "The child, or the unborn child, has a current child protection plan.",
    ),
    PLAN_FLAGS[Plan.Kind.LOOKED_AFTER]: Concept(
        "looked-after", "Looked after", "The child is looked after by a local authority."
    ),
    PLAN_FLAGS[Plan.Kind.PRE_BIRTH]: Concept(
        "pre-birth-plan",
        "Pre-birth plan",
        "Children's social care hold a current plan made before the child's birth.",
    ),
    PLAN_FLAGS[Plan.Kind.CHILD_IN_NEED]: Concept(
        "child-in-need-plan",
        "Child in need plan",
        "The child, or the unborn child, has a current child in need plan (Children Act 1989, "
        "section 17).",
    ),
    PLAN_FLAGS[Plan.Kind.EARLY_HELP]: Concept(
        "early-help-plan",
        "Early Help plan",
        "The child, or the unborn child, has a current Early Help plan.",
    ),
    ADULT_HISTORY: Concept(
        "adult-relevant-history",
        "An adult around this child has a relevant history",
        "An adult around the child has a history relevant to the child's safety (a "
        "conviction, domestic abuse, a MARAC referral, mental health). The history itself is "
        "never shown: call the practitioner named.",
    ),
    OPEN_ALERT: Concept(
        "open-safeguarding-alert",
        "Open safeguarding alert",
        "A safeguarding alert about the child is open in Seen. Its finding is never shown: "
        "call the practitioner named.",
    ),
}


def snomed_for(kind: str, *, unborn: bool) -> Concept | None:
    """The CP-IS category of a plan of this kind (Plan.Kind), or None where CP-IS has none.
    Before birth a child protection or pre-birth plan is CP-IS's "unborn child on a plan"."""
    if unborn:
        on_a_plan = kind in (Plan.Kind.CHILD_PROTECTION, Plan.Kind.PRE_BIRTH)
        return UNBORN_ON_A_PLAN if on_a_plan else None
    if kind == Plan.Kind.CHILD_PROTECTION:
        return CHILD_PROTECTION_PLAN
    if kind == Plan.Kind.LOOKED_AFTER:
        return LOOKED_AFTER
    return None


def coding(system: str, concept: Concept) -> dict[str, str]:
    return {"system": system, "code": concept.code, "display": concept.display}
