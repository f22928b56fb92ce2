"""The partnership procedures Seen applies (design.md §6), each with a stable identifier.

The identifiers are shared by the rules that implement the procedures and by the synthetic
partnership's manifest of planted scenarios, so that "this scenario should raise that alert" can
be checked without either knowing about the other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Procedure:
    id: str
    statement: str
    finding: str
    # Whether the synthetic partnership plants scenarios for it. A procedure about records Seen
    # itself keeps (a serious incident notification) has no agency extract to plant in; one the
    # synthetic partnership has no facts for yet (service referrals) is not planted either.
    planted: bool = True


PROCEDURES: tuple[Procedure, ...] = (
    Procedure(
        "non-mobile-injury",
        "Any bruise or injury on a non-mobile baby (under 6 months, or not yet mobile) needs a "
        "same-day referral to children's social care and a paediatric assessment.",
        "Policies and procedures 18",
    ),
    Procedure(
        "was-not-brought",
        "A baby (or pregnant mother) missing health appointments is followed up by the named "
        "practitioner; repeated, or with a plan in place, it is referred.",
        "Policies and procedures 20",
    ),
    Procedure(
        "pre-birth-assessment-father",
        "A pre-birth assessment involves the father/male carer and background checks on both "
        "parents, or records why not.",
        "Policies and procedures 19; Invisible fathers 23",
    ),
    Procedure(
        "care-leaver-parent",
        "A parent who is a care leaver is offered a pre-birth assessment and their personal "
        "adviser is informed, with roles clear.",
        "Policies and procedures 21; Additional features 33",
    ),
    Procedure(
        "man-with-relevant-history",
        "A man with a relevant history (domestic abuse or violence conviction, finding of fact, "
        "CP plan for another child, probation, MARAC) linked to a household with a baby or "
        "pregnancy, in any area, is brought to the lead practitioner and MASH.",
        "Information sharing 4-5; Domestic abuse 13; Invisible fathers 27-28; Recommendation 11",
    ),
    Procedure(
        "plan-child-at-ed",
        "A child on a CP, CIN or Early Help plan presenting at A&E or urgent care: the clinician "
        "sees the flag and whom to call, and the social worker is told.",
        "Children in Need 8",
    ),
    Procedure(
        "domestic-abuse-checks",
        "A police domestic-abuse incident where a baby lives or a mother is pregnant: MASH "
        "records the checks made with health, social care (all areas) and police before deciding.",
        "Information sharing 6",
    ),
    Procedure(
        "marac-baby",
        "A MARAC case with a baby or pregnancy in the household has a child-protection "
        "assessment and a safety plan linked.",
        "Domestic abuse 12",
    ),
    Procedure(
        "programme-engagement",
        "A programme in a plan (domestic-abuse perpetrator, parenting, mental health), or a "
        "service a parent is referred to while a plan is in force, missed, left or not completed "
        "is escalated as a risk factor; completion is evidenced before closure.",
        "Early Help 5; Children in Need 7; Domestic abuse 11; Recommendation 10",
    ),
    Procedure(
        "step-down",
        "Step-down from CIN to Early Help needs a key worker, an information-sharing plan and a "
        "review date.",
        "Early Help 4",
    ),
    Procedure(
        "father-seen-at-mandated-contact",
        "Mandated health-visiting contacts (new birth, 6-8 weeks) should see the father; if he "
        "was not seen, prompt to engage him (out-of-hours offer).",
        "Universal 1-2; Access to universal services 7-8; Recommendation 5",
    ),
    Procedure(
        "coping-with-crying",
        "Excessive crying, colic or feeding difficulty: coping-with-crying advice (ICON) to both "
        "parents.",
        "Additional features 29-30; Recommendation 4",
    ),
    Procedure(
        "conference-invitations",
        "A child protection conference invites the father, the GP and housing, and records who "
        "came.",
        "Child Protection 9-10; Invisible fathers 24",
    ),
    Procedure(
        "think-family-mental-health",
        "A father with known mental-health needs or adverse childhood experiences and a new baby: "
        "a think-family prompt to adult mental health and the health visitor.",
        "Adult mental health 14-17; Recommendation 12-13",
    ),
    # Last of the planted kind, so that planting it leaves the other procedures' draws alone.
    Procedure(
        "service-first-contact",
        "A parent referred to a service of the partnership's directory is contacted by it within "
        "the time the service states; a referral not taken up is followed up by whoever made it.",
        "Universal 1-2; Domestic abuse 11; Invisible fathers 26; Recommendation 9, 12",
    ),
    Procedure(
        "serious-incident-clock",
        "A serious incident notification is sent to the national panel within 5 working days of "
        "the local authority learning of the incident, and its rapid review completed within 15 "
        "working days (weekends and bank holidays in England not counted).",
        "Working Together to Safeguard Children, chapter 5 (notifiable incidents, rapid reviews)",
        planted=False,
    ),
)

PROCEDURE_IDS: frozenset[str] = frozenset(p.id for p in PROCEDURES)
PLANTED_IDS: frozenset[str] = frozenset(p.id for p in PROCEDURES if p.planted)

# each procedure's name as pages show it
TITLES: dict[str, str] = {
    "non-mobile-injury": "Injury to a non-mobile baby",
    "was-not-brought": "Not brought to appointments",
    "pre-birth-assessment-father": "Father missing from a pre-birth assessment",
    "care-leaver-parent": "A care leaver becoming a parent",
    "man-with-relevant-history": "A man around the baby with a relevant history",
    "plan-child-at-ed": "A child with a plan at the emergency department",
    "domestic-abuse-checks": "Domestic abuse in pregnancy or infancy",
    "marac-baby": "A MARAC case with a baby",
    "programme-engagement": "A programme not engaged with",
    "step-down": "Step-down not completed",
    "father-seen-at-mandated-contact": "Father not seen at mandated contacts",
    "coping-with-crying": "Coping with crying not given to the father",
    "conference-invitations": "Conference invitations and attendance",
    "think-family-mental-health": "Think family: a father's mental health",
    "service-first-contact": "A referral not taken up by the service",
    "serious-incident-clock": "Serious incident notification clock",
}


def title_of(procedure_id: str) -> str:
    """A procedure's name in words; an unknown identifier as it is, its hyphens spaces."""
    return TITLES.get(procedure_id, procedure_id.replace("-", " ").capitalize())
