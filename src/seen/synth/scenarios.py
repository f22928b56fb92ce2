"""Planted scenarios: for each procedure in seen.core.procedures, families whose facts clearly
call for it (design.md section 6). Each planter adds the few facts that make the procedure apply
to a family otherwise built as an ordinary one, and says which child and people are involved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from seen.areas.models import Practitioner
from seen.synth import care, noise
from seen.synth.directory import Directory
from seen.synth.families import FamilyWriter, days
from seen.synth.household import Household
from seen.synth.output import iso
from seen.synth.partnership import Area
from seen.synth.population import FEMALE, MALE, People, Person, birthday, new_address
from seen.synth.referrals import refer_without_contact

Role = Practitioner.Role


@dataclass
class Planted:
    description: str
    people: list[tuple[Person, str]]  # (person, role)
    pregnancy: tuple[str, str] | None = None  # (agency code, pregnancy id)


@dataclass
class Context:
    writer: FamilyWriter
    people: People
    areas: list[Area] = field(default_factory=list)
    directory: Directory | None = None

    def day_after_birth(self, h: Household, low_days: int, high_days: int) -> date:
        """A day `low_days`-`high_days` into the baby's life, inside the window."""
        assert h.plan.born_on is not None
        latest = min(high_days, (self.writer.window.last - h.plan.born_on).days)
        return h.plan.born_on + days(self.writer.rng.randint(min(low_days, latest), latest))

    def day_in_pregnancy(self, h: Household) -> date:
        """A day after booking, before the birth and inside the window."""
        end = min(h.plan.born_on or h.plan.expected, self.writer.window.last + days(1))
        span = max(1, (end - h.booked_on).days - 1)
        return h.booked_on + days(self.writer.rng.randint(1, span))


def _parents(h: Household) -> list[tuple[Person, str]]:
    around = [(h.mother, "mother")]
    if h.father is not None:
        around.append((h.father, "birth_father"))
    if h.partner is not None:
        around.append((h.partner, "mothers_partner"))
    return around


def _maternity_pregnancy(h: Household) -> tuple[str, str]:
    code = h.area.midwifery.code
    return (code, h.pregnancies[code])


def _role_of(h: Household, man: Person) -> str:
    return "birth_father" if man is h.father else "mothers_partner"


def _other_area(ctx: Context, h: Household) -> Area | None:
    """A neighbouring area for a past life; outside the partnership when there is only one."""
    others = [area for area in ctx.areas if area is not h.area]
    return ctx.writer.rng.choice(others) if others else None


# --- one planter per procedure -----------------------------------------------------------------


def non_mobile_injury(ctx: Context, h: Household) -> Planted:
    w, rng = ctx.writer, ctx.writer.rng
    assert h.baby is not None and h.plan.born_on is not None
    on = ctx.day_after_birth(h, 42, 150)
    agency, role = ((h.area.health_visiting, Role.HEALTH_VISITOR) if rng.random() < 0.7
                    else (h.gp, Role.GP))
    site = rng.choice(("cheek", "ear", "upper arm", "chest", "forehead", "thigh"))
    w.out.add(
        "injuries", agency=agency.code, date=iso(on), child=w.record(h.baby, agency),
        kind="bruise", body_site=site, mobility="non_mobile",
        explanation=rng.choice(("Parents unsure how it happened",
                                "Mother thinks an older child may have knocked the baby",
                                "Father says the baby rolled against the cot side", "")),
        practitioner=agency.practitioner(rng, role),
    )
    weeks = (on - h.plan.born_on).days // 7
    return Planted(
        f"A {weeks}-week-old non-mobile baby seen with a bruise to the {site} at "
        f"{agency.name}; no referral to children's social care that day.",
        _parents(h),
    )


def was_not_brought(ctx: Context, h: Household) -> Planted:
    w, rng = ctx.writer, ctx.writer.rng
    assert h.baby is not None and h.plan.born_on is not None
    child = w.record(h.baby, h.gp)
    missed = 0
    for week in (8, 12, 16):
        on = h.plan.born_on + timedelta(weeks=week, days=rng.randint(0, 6))
        if not w.within(on):
            continue
        outcome = "attended" if week == 16 and missed >= 2 and rng.random() < 0.5 else (
            "was_not_brought")
        missed += outcome == "was_not_brought"
        w.appointment(h.gp, child, "immunisation", on, outcome=outcome)
    return Planted(
        f"Baby not brought to {missed} immunisation appointments at {h.gp.name}, none "
        "followed up.",
        _parents(h),
    )


def pre_birth_assessment_father(ctx: Context, h: Household) -> Planted:
    w = ctx.writer
    on = care.pre_birth_day(w, h) or ctx.day_in_pregnancy(h)
    case = care.open_case(w, h, h.area.social_care, on)
    care.assessment(w, h, case, "pre_birth", on, father_involved="no", reason="",
                    father_checks="no", factors=("4B",))
    return Planted(
        "A pre-birth assessment by children's social care that did not involve the father, "
        "recorded no reason and made no background checks on him.",
        _parents(h), (case.agency.code, case.pregnancy),
    )


def care_leaver_parent(ctx: Context, h: Household) -> Planted:
    w = ctx.writer
    care.care_leaver_status(w, h, min(h.booked_on + days(w.rng.randint(7, 21)),
                                      w.window.last))
    return Planted(
        "A pregnant care leaver with a personal adviser, and no pre-birth assessment offered.",
        [(h.mother, "mother")], _maternity_pregnancy(h),
    )


def man_with_relevant_history(ctx: Context, h: Household) -> Planted:
    w, rng = ctx.writer, ctx.writer.rng
    man = h.partner or h.father
    assert man is not None
    before = _other_area(ctx, h)
    old_home = new_address(rng, before)
    moved_on = h.booked_on - days(rng.randint(30, 400))
    police = w.partnership.police
    forename, surname = noise.differently_spelled(rng, man.forename, man.surname)
    dob = noise.noisy_dob(rng, man.dob, 0.3, 0.2)
    w.record(man, police, home=old_home, override={
        "forename": forename, "surname": surname, "middle_names": "", "nhs_number": "",
        "dob": iso(dob),
    })
    ex = ctx.people.new(
        sex=FEMALE,
        dob=birthday(rng, max(18, man.age_on(moved_on) - rng.randint(0, 5)), moved_on),
        role="ex_partner", family_id=h.plan.id, heritage=man.heritage, home=old_home,
    )
    convicted = moved_on - days(rng.randint(60, 900))
    incident = convicted - days(rng.randint(30, 150))
    w.out.add("police_incidents", agency=police.code, date=iso(incident),
              kind="domestic_abuse", perpetrator=man.by_agency[police.code],
              victim=w.record(ex, police), child_present="no",
              dash_level=rng.choice(("medium", "high")), postcode=old_home.postcode)
    w.out.add("convictions", agency=police.code, date=iso(convicted),
              subject=man.by_agency[police.code], offence_category="domestic_abuse",
              description="Assault by beating of a former partner")
    if rng.random() < 0.35:
        probation = w.partnership.probation
        w.out.add("probation_supervisions", agency=probation.code, start=iso(convicted),
                  subject=w.record(man, probation, home=old_home),
                  end=iso(convicted + days(365)), order="Community order",
                  risk_of_serious_harm="medium",
                  practitioner=probation.practitioner(rng, Role.PROBATION_OFFICER))
    if before is not None:  # his old tenancy: a residence in the other area
        housing = before.housing
        w.record(man, housing, home=old_home)
        w.residence(man, housing, old_home, moved_on - days(rng.randint(200, 900)), moved_on)
        if rng.random() < 0.3:  # and a family court's finding about him, held there
            social_care = before.social_care
            w.out.add("findings_of_fact", agency=social_care.code,
                      date=iso(min(convicted + days(rng.randint(30, 200)), w.window.last)),
                      subject=w.record(man, social_care, home=old_home),
                      category_of_abuse="Physical Abuse",
                      summary="Found to have caused bruising to a former partner's child")
    where = before.name if before else "outside the partnership"
    now = "a new baby" if h.baby is not None and w.within(h.plan.born_on) else "a pregnancy"
    return Planted(
        f"The {_role_of(h, man).replace('_', ' ')} has a domestic-abuse conviction held by the "
        f"police as {forename} {surname} with no NHS number, from when he lived in {where}; "
        f"he is now in a household with {now} in {h.area.name}.",
        [*_parents(h), (ex, "ex_partner")], _maternity_pregnancy(h),
    )


def plan_child_at_ed(ctx: Context, h: Household) -> Planted:
    w, rng = ctx.writer, ctx.writer.rng
    assert h.baby is not None and h.plan.born_on is not None
    start = h.plan.born_on + days(rng.randint(14, 30))
    kind = rng.choice(("early_help", "child_in_need", "child_protection"))
    if kind == "child_protection" and h.male_carer is None:
        kind = "child_in_need"  # a conference with no father to invite is another question
    if kind == "early_help":
        care.early_help(w, h, start)
    elif kind == "child_in_need":
        care.child_in_need(w, h, start, may_end=False)
    else:
        care.child_protection(w, h, start)
    on = start + days(rng.randint(7, max(7, min(60, (w.window.last - start).days))))
    agency = h.area.hospital_ed
    w.out.add("ed_attendances", agency=agency.code, date=iso(on),
              subject=w.record(h.baby, agency), arrived_at=w.arrival(on), injury="no",
              presenting_complaint=rng.choice(("Breathing difficulty", "Fever", "Rash")))
    return Planted(
        f"A baby on a {kind.replace('_', ' ')} plan attended {agency.name} during the plan.",
        _parents(h),
    )


def domestic_abuse_checks(ctx: Context, h: Household) -> Planted:
    w, rng = ctx.writer, ctx.writer.rng
    man = h.male_carer
    assert man is not None
    born = h.plan.born_on
    after_birth = born is not None and (w.window.last - born).days > 14 and rng.random() < 0.5
    on = ctx.day_after_birth(h, 14, 200) if after_birth else ctx.day_in_pregnancy(h)
    police = w.partnership.police
    w.out.add("police_incidents", agency=police.code, date=iso(on), kind="domestic_abuse",
              perpetrator=w.record(man, police), victim=w.record(h.mother, police),
              child_present="yes" if after_birth else "no",
              dash_level=rng.choice(("standard", "medium")), postcode=h.home.postcode)
    state = "with a baby at home" if after_birth else "while pregnant"
    return Planted(
        f"A police domestic-abuse incident at the family's address, the mother the victim "
        f"{state}.",
        _parents(h), None if after_birth else _maternity_pregnancy(h),
    )


def marac_baby(ctx: Context, h: Household) -> Planted:
    w, rng = ctx.writer, ctx.writer.rng
    born = h.plan.born_on
    after_birth = born is not None and (w.window.last - born).days > 14 and rng.random() < 0.5
    on = ctx.day_after_birth(h, 14, 200) if after_birth else ctx.day_in_pregnancy(h)
    ex_home = new_address(rng, h.area)
    ex = ctx.people.new(
        sex=MALE, dob=birthday(rng, h.mother.age_on(on) + rng.randint(0, 6), on),
        role="ex_partner", family_id=h.plan.id, heritage=h.mother.heritage, home=ex_home,
    )
    police = w.partnership.police
    w.out.add("marac_cases", agency=police.code, date=iso(on),
              victim=w.record(h.mother, police), perpetrator=w.record(ex, police),
              safety_plan="no")
    state = "with a new baby" if after_birth else "while pregnant"
    return Planted(
        f"The mother was heard at MARAC {state}, the victim of a former partner; no safety "
        "plan and no child-protection assessment linked.",
        [(h.mother, "mother"), (ex, "ex_partner")],
        None if after_birth else _maternity_pregnancy(h),
    )


def programme_engagement(ctx: Context, h: Household) -> Planted:
    w, rng = ctx.writer, ctx.writer.rng
    assert h.plan.born_on is not None and h.male_carer is not None
    start = h.plan.born_on + days(rng.randint(14, 40))
    plan_id = care.child_in_need(w, h, start, may_end=False)
    case = h.cases[f"{h.area.social_care.code}:child"]
    care.programme(w, case.agency, case.man, plan_id, "domestic_abuse_perpetrator",
                   start + days(7), sessions=1, missed=rng.randint(2, 3), completes=False)
    return Planted(
        "The father, referred to a domestic-abuse perpetrator programme under the baby's child "
        "in need plan, missed sessions and has not completed it.",
        _parents(h),
    )


def step_down(ctx: Context, h: Household) -> Planted:
    w, rng = ctx.writer, ctx.writer.rng
    assert h.plan.born_on is not None
    start = h.plan.born_on + days(rng.randint(14, 30))
    end = start + timedelta(weeks=rng.randint(8, 12))
    agency = h.area.social_care
    case = care.open_case(w, h, agency, start)
    care.assessment(w, h, case, "child_and_family", start - days(30), factors=("16A",))
    worker = agency.practitioner(rng, Role.SOCIAL_WORKER)
    cin = care.plan(w, case, "child_in_need", start, end=end, lead=worker)
    care.plan(w, case, "early_help", end, review=False, stepped_down_from=cin, sharing="no")
    return Planted(
        "A child in need plan stepped down to Early Help with no key worker, no "
        "information-sharing plan and no review date.",
        _parents(h),
    )


def father_seen_at_mandated_contact(ctx: Context, h: Household) -> Planted:
    # seen.synth.families writes the new-birth contact with father_seen=no and no reason.
    return Planted(
        "The health visitor's new-birth visit did not see the father, who lives with the "
        "family, and recorded no reason.",
        _parents(h),
    )


def coping_with_crying(ctx: Context, h: Household) -> Planted:
    w = ctx.writer
    assert h.baby is not None
    agency = h.area.health_visiting
    on = ctx.day_after_birth(h, 21, 70)
    w.out.add("crying_feeding_concerns", agency=agency.code, date=iso(on),
              child=w.record(h.baby, agency), concern="excessive_crying",
              icon_advice_mother="yes", icon_advice_father="no")
    return Planted(
        "Excessive crying raised with the health visitor; coping-with-crying (ICON) advice "
        "given to the mother but not the father.",
        _parents(h),
    )


def conference_invitations(ctx: Context, h: Household) -> Planted:
    w, rng = ctx.writer, ctx.writer.rng
    assert h.plan.born_on is not None
    start = h.plan.born_on + days(rng.randint(14, 40))
    care.child_protection(w, h, start,
                          invited=("mother", "social_worker", "health_visitor", "police"))
    return Planted(
        "An initial child protection conference that invited neither the father, the GP nor "
        "housing.",
        _parents(h),
    )


def think_family_mental_health(ctx: Context, h: Household) -> Planted:
    w, rng = ctx.writer, ctx.writer.rng
    assert h.father is not None and h.plan.born_on is not None
    agency = w.partnership.adult_mental_health
    subject = w.record(h.father, agency)
    w.out.add("mental_health", agency=agency.code,
              date=iso(h.plan.born_on - days(rng.randint(900, 4000))),
              subject=subject, kind="adverse_childhood_experiences",
              description="Childhood domestic abuse at home; periods in care", current="no")
    w.out.add("mental_health", agency=agency.code,
              date=iso(h.plan.born_on - days(rng.randint(30, 250))), subject=subject,
              kind="diagnosis", description=rng.choice(("Depression", "Anxiety and depression",
                                                        "Post-traumatic stress disorder")),
              current="yes")
    return Planted(
        "The baby's father has adverse childhood experiences and a current mental-health "
        "diagnosis held by adult mental health; a new baby has been born.",
        _parents(h),
    )


def service_first_contact(ctx: Context, h: Household) -> Planted:
    assert h.plan.born_on is not None and ctx.directory is not None
    on = ctx.day_after_birth(h, 14, 42)
    service = refer_without_contact(ctx.writer, h, ctx.directory, ctx.writer.rng, on)
    assert service is not None, "a resident father and a fathers' group in every area"
    return Planted(
        f"The baby's father was referred by the health visitor to {service.name} on "
        f"{on:%d %B %Y}; the service never contacted him.",
        _parents(h),
    )


PLANTERS: dict[str, Callable[[Context, Household], Planted]] = {
    "non-mobile-injury": non_mobile_injury,
    "was-not-brought": was_not_brought,
    "pre-birth-assessment-father": pre_birth_assessment_father,
    "care-leaver-parent": care_leaver_parent,
    "man-with-relevant-history": man_with_relevant_history,
    "plan-child-at-ed": plan_child_at_ed,
    "domestic-abuse-checks": domestic_abuse_checks,
    "marac-baby": marac_baby,
    "programme-engagement": programme_engagement,
    "step-down": step_down,
    "father-seen-at-mandated-contact": father_seen_at_mandated_contact,
    "coping-with-crying": coping_with_crying,
    "conference-invitations": conference_invitations,
    "think-family-mental-health": think_family_mental_health,
    "service-first-contact": service_first_contact,
}


def scenario_entry(scenario_id: str, procedure: str, h: Household, planted: Planted) -> dict:
    """The manifest entry: the child (or unborn child), the procedure and the people."""

    def records(person: Person) -> list[dict[str, str]]:
        return [{"agency": agency, "record_id": record} for agency, record in person.records]

    pregnancy = planted.pregnancy
    if pregnancy is None and h.baby is None:
        pregnancy = _maternity_pregnancy(h)
    return {
        "scenario_id": scenario_id,
        "procedure": procedure,
        "description": planted.description,
        "family_id": h.plan.id,
        "child": {
            "person_id": h.baby.id if h.baby is not None else None,
            "records": records(h.baby) if h.baby is not None else [],
            "pregnancy": ({"agency": pregnancy[0], "id": pregnancy[1]} if pregnancy else None),
        },
        "people": [
            {"person_id": person.id, "role": role, "records": records(person)}
            for person, role in planted.people
        ],
    }
