"""Children's social care, Early Help and leaving care: assessments, plans, conferences and
programmes. Each function writes one piece the way the procedures expect unless told otherwise,
so ordinary families get compliant support and scenarios ask for the one gap they plant."""

from __future__ import annotations

from datetime import date, timedelta

from seen.areas.models import Practitioner
from seen.synth.families import FamilyWriter, days
from seen.synth.household import CaseRecords, Household
from seen.synth.output import iso, joined
from seen.synth.partnership import Agency

Role = Practitioner.Role
ALL_INVITED = ("mother", "father", "gp", "health_visitor", "housing", "police", "social_worker")


def open_case(w: FamilyWriter, h: Household, agency: Agency, on: date) -> CaseRecords:
    """Record the household in a social-care agency (once), with the relationships to the
    child or, before the birth, to a pregnancy row of the agency's own."""
    born = h.baby is not None and h.plan.born_on is not None and h.plan.born_on <= on
    key = f"{agency.code}:{'child' if born else 'pregnancy'}"
    if key in h.cases:
        return h.cases[key]
    mother = w.record(h.mother, agency)
    for someone in h.men:
        w.record(someone, agency)
    carer = h.male_carer
    man = w.record(carer, agency) if carer is not None else ""
    child = pregnancy = ""
    if born and h.baby is not None:
        child = w.record(h.baby, agency)
        for sibling in h.siblings:
            w.record(sibling, agency)
        w.relate_household(h, agency, on, child=child)
    else:
        known = h.baby is not None and w.within(h.plan.born_on)
        pregnancy = w.out.add(
            "pregnancies", agency=agency.code, mother=mother,
            expected_date=iso(h.plan.expected), status="born" if known else "ongoing",
            child=w.record(h.baby, agency) if known and h.baby is not None else "",
        )
        h.pregnancies[agency.code] = pregnancy
        w.relate_household(h, agency, on, pregnancy=pregnancy)
    case = CaseRecords(agency, child, pregnancy, mother, man)
    h.cases[key] = case
    return case


def assessment(
    w: FamilyWriter, h: Household, case: CaseRecords, kind: str, start: date, *,
    father_involved: str | None = None, reason: str | None = None,
    father_checks: str | None = None, factors: tuple[str, ...] = (),
) -> str:
    """An assessment; by default the father or male carer is involved and checked."""
    rng = w.rng
    has_man = bool(case.man)
    involved = father_involved or ("yes" if has_man else "not_applicable")
    if reason is None:
        reason = "" if has_man else "Mother has not named the father; no male carer"
    role = Role.EARLY_HELP_KEY_WORKER if kind == "early_help" else Role.SOCIAL_WORKER
    completed = start + days(rng.randint(20, 40))
    return w.out.add(
        "assessments", agency=case.agency.code, started_on=iso(start), child=case.child,
        pregnancy=case.pregnancy, kind=kind,
        completed_on=iso(completed) if w.within(completed) else "",
        father_involved=involved, father_not_involved_reason=reason, mother_checks_done="yes",
        father_checks_done=father_checks or ("yes" if has_man else "not_applicable"),
        factors=joined(factors), practitioner=case.agency.practitioner(rng, role),
    )


def plan(
    w: FamilyWriter, case: CaseRecords, kind: str, start: date, *, end: date | None = None,
    lead: str = "", key_worker: str = "", review: bool = True, stepped_down_from: str = "",
    sharing: str = "yes", category: str = "",
) -> str:
    return w.out.add(
        "plans", agency=case.agency.code, start=iso(start), child=case.child,
        pregnancy=case.pregnancy, kind=kind, category_of_abuse=category,
        end=iso(end) if w.within(end) else "", lead_practitioner=lead, key_worker=key_worker,
        review_date=iso(start + timedelta(weeks=12)) if review else "",
        stepped_down_from=stepped_down_from, information_sharing_plan=sharing,
    )


def programme(
    w: FamilyWriter, agency: Agency, subject: str, plan_id: str, kind: str, start: date, *,
    sessions: int = 4, missed: int = 0, completes: bool = True,
) -> date:
    """A programme's steps, weekly from `start`; returns the date of the last step."""
    ref = f"{kind[:3].upper()}-{plan_id}-{subject}"
    steps = ["referred"]
    if missed:  # engagement starts, then falls away
        steps += ["attended"] + ["missed"] * missed + ["attended"] * (sessions - 1)
    else:
        steps += ["attended"] * sessions
    if completes:
        steps.append("completed")
    on = last = start
    for status in steps:
        if not w.within(on):
            break
        w.out.add("programme_events", agency=agency.code, date=iso(on), subject=subject,
                  plan=plan_id, programme_ref=ref, programme=kind, status=status)
        last = on
        on += timedelta(weeks=1)
    return last


def visits(w: FamilyWriter, h: Household, case: CaseRecords, kind: str, role: str,
           start: date, count: int) -> None:
    for n in range(count):
        on = start + days(14 + 21 * n + w.rng.randint(0, 6))
        if w.within(on):
            w.contact(h, case.agency, role, kind, on, child=case.child,
                      pregnancy=case.pregnancy)


# --- ordinary support, each run as the procedures expect --------------------------------------


def start_after_birth(w: FamilyWriter, h: Household) -> date:
    assert h.plan.born_on is not None
    latest = (w.window.last - h.plan.born_on).days - 49
    return h.plan.born_on + days(w.rng.randint(14, max(14, min(latest, 200))))


def referral(w: FamilyWriter, h: Household, to: Agency, kind: str, on: date,
             reason: str) -> None:
    """A referral by the health visitor (or, before the birth, the midwife)."""
    born = h.baby is not None and h.plan.born_on is not None and h.plan.born_on <= on
    source = h.area.health_visiting if born else h.area.midwifery
    if born and h.baby is not None:
        child, pregnancy = w.record(h.baby, source), ""
    else:
        child, pregnancy = "", h.pregnancies.get(source.code, "")
        if not pregnancy:
            return
    w.out.add("referrals", agency=source.code, date=iso(on), child=child, pregnancy=pregnancy,
              kind=kind, to_agency=to.code, reason=reason)


def early_help(w: FamilyWriter, h: Household, start: date | None = None) -> str:
    rng = w.rng
    start = start or start_after_birth(w, h)
    agency = h.area.early_help
    referral(w, h, agency, "early_help", start - days(21), "Family asked for support")
    case = open_case(w, h, agency, start)
    assessment(w, h, case, "early_help", start - days(14),
               factors=(rng.choice(("4B", "6B", "5B", "1B")),))
    worker = agency.practitioner(rng, Role.EARLY_HELP_KEY_WORKER)
    plan_id = plan(w, case, "early_help", start, lead=worker, key_worker=worker)
    w.out.add("responsibilities", agency=agency.code, child=case.child,
              pregnancy=case.pregnancy, practitioner=worker, role="key_worker",
              start=iso(start))
    if rng.random() < 0.5 and w.within(start + timedelta(weeks=7)):
        programme(w, agency, case.mother, plan_id, "parenting", start + days(7))
    visits(w, h, case, "early_help_visit", Role.EARLY_HELP_KEY_WORKER, start, 3)
    return plan_id


def child_in_need(
    w: FamilyWriter, h: Household, start: date | None = None, *, may_end: bool = True
) -> str:
    rng = w.rng
    start = start or start_after_birth(w, h)
    agency = h.area.social_care
    referral(w, h, agency, "childrens_social_care", start - days(42),
             "Concerns about the care of the baby")
    case = open_case(w, h, agency, start)
    assessment(w, h, case, "child_and_family", start - days(35),
               factors=(rng.choice(("4B", "2B", "1B", "16A")),))
    worker = agency.practitioner(rng, Role.SOCIAL_WORKER)
    end = start + timedelta(weeks=rng.randint(12, 26))
    ends = may_end and rng.random() < 0.5 and w.within(end)
    plan_id = plan(w, case, "child_in_need", start, end=end if ends else None, lead=worker)
    w.out.add("responsibilities", agency=agency.code, child=case.child,
              pregnancy=case.pregnancy, practitioner=worker, role="social_worker",
              start=iso(start), end=iso(end) if ends else "")
    visits(w, h, case, "social_work_visit", Role.SOCIAL_WORKER, start, 3)
    if ends and rng.random() < 0.6:  # a near miss: a step-down done properly
        key_worker = h.area.early_help.practitioner_ref(rng, Role.EARLY_HELP_KEY_WORKER, agency)
        plan(w, case, "early_help", end, lead=key_worker, key_worker=key_worker,
             stepped_down_from=plan_id)
    return plan_id


def child_protection(
    w: FamilyWriter, h: Household, start: date | None = None, *,
    invited: tuple[str, ...] = ALL_INVITED,
) -> str:
    rng = w.rng
    start = start or start_after_birth(w, h)
    agency = h.area.social_care
    referral(w, h, agency, "childrens_social_care", start - days(21),
             "Concerns about the care of the baby")
    case = open_case(w, h, agency, start)
    category = rng.choice(("Neglect", "Neglect", "Emotional Abuse", "Physical Abuse"))
    factor = {"Neglect": "16A", "Emotional Abuse": "17A", "Physical Abuse": "3A"}[category]
    assessment(w, h, case, "section_47", start - days(14), factors=(factor,))
    invited = _invitees(h, invited)
    attended = tuple(role for role in invited if role in ("mother", "father", "male_carer",
                                                          "social_worker", "health_visitor")
                     or rng.random() < 0.6)
    for kind, on in (("initial", start), ("review", start + days(90))):
        if w.within(on):
            w.out.add("conferences", agency=agency.code, date=iso(on), child=case.child,
                      pregnancy=case.pregnancy, kind=kind, invited=joined(invited),
                      attended=joined(attended))
    worker = agency.practitioner(rng, Role.SOCIAL_WORKER)
    plan_id = plan(w, case, "child_protection", start, lead=worker, category=category)
    w.out.add("responsibilities", agency=agency.code, child=case.child,
              pregnancy=case.pregnancy, practitioner=worker, role="social_worker",
              start=iso(start))
    visits(w, h, case, "social_work_visit", Role.SOCIAL_WORKER, start, 4)
    return plan_id


def _invitees(h: Household, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """Who a conference invites: "father" is the birth father, "male_carer" a partner."""
    roles = []
    for role in wanted:
        if role == "father":
            if h.father is not None:
                roles.append("father")
            if h.partner is not None:
                roles.append("male_carer")
        else:
            roles.append(role)
    return tuple(roles)


def care_leaver_status(w: FamilyWriter, h: Household, on: date) -> str:
    """The leaving-care service records the mother as a care leaver with a personal adviser."""
    agency = h.area.leaving_care
    adviser = agency.practitioner(w.rng, Role.PERSONAL_ADVISER)
    w.out.add("care_leaver_statuses", agency=agency.code, date=iso(on),
              subject=w.record(h.mother, agency), care_leaver="yes", personal_adviser=adviser)
    return adviser


def care_leaver_with_assessment(w: FamilyWriter, h: Household) -> None:
    """A care-leaver mother offered a pre-birth assessment, her adviser named for the
    pregnancy: the procedure followed."""
    noticed = h.booked_on + days(w.rng.randint(7, 21))
    adviser = care_leaver_status(w, h, noticed)
    agency = h.area.leaving_care
    pregnancy = w.out.add("pregnancies", agency=agency.code,
                          mother=w.record(h.mother, agency),
                          expected_date=iso(h.plan.expected), status="ongoing")
    w.out.add("responsibilities", agency=agency.code, pregnancy=pregnancy,
              practitioner=adviser, role="personal_adviser", start=iso(noticed))
    on = pre_birth_day(w, h)
    if on is not None:
        case = open_case(w, h, h.area.social_care, on)
        assessment(w, h, case, "pre_birth", on, factors=("21",))


def pre_birth_day(w: FamilyWriter, h: Household) -> date | None:
    """A day for a pre-birth assessment: about 20-26 weeks into the pregnancy, before the birth."""
    on = min(h.plan.lmp + timedelta(weeks=20, days=w.rng.randint(0, 42)), w.window.last)
    born = h.plan.born_on
    if born is not None and on >= born:
        on = max(h.booked_on + days(1), born - days(14))
        if on >= born:
            return None
    return on


def ordinary_support(w: FamilyWriter, h: Household) -> None:
    support = h.plan.support
    if support == "early_help":
        early_help(w, h)
    elif support == "child_in_need" or (support == "child_protection" and not h.male_carer):
        child_in_need(w, h)
    elif support == "child_protection":
        child_protection(w, h)
    elif support == "care_leaver":
        care_leaver_with_assessment(w, h)
