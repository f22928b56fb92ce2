"""What each agency records about an ordinary family over the year: maternity, the neonatal unit,
the GP practice, health visiting, the emergency department and housing.

An ordinary family is one the procedures are followed for: fathers are seen at the mandated
contacts, appointments are kept (or a single missed one is followed up), crying concerns get
ICON advice to both parents. Scenario families are built the same way, and
seen.synth.scenarios then adds or changes the few facts that make a procedure apply.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from seen.areas.models import Practitioner
from seen.synth.household import Household
from seen.synth.output import ExtractWriter, iso
from seen.synth.partnership import Agency, Partnership
from seen.synth.plan import Window
from seen.synth.population import Address, Person
from seen.synth.records import Recorder

Role = Practitioner.Role


def days(n: int) -> timedelta:
    return timedelta(days=n)


FATHER_AWAY_SHARE = {
    "antenatal": 0.2, "new_birth": 0.25, "six_to_eight_weeks": 0.33, "one_year": 0.33
}
FATHER_AWAY_REASONS = (
    "At work at the time of the visit",
    "Not at home at the time of the visit",
    "Declined to take part",
)


class FamilyWriter:
    """Writes one household's records and facts, agency by agency."""

    def __init__(
        self,
        rng: random.Random,
        out: ExtractWriter,
        recorder: Recorder,
        partnership: Partnership,
        window: Window,
        absences: random.Random | None = None,
    ) -> None:
        self.rng = rng
        # A stream of its own for fathers away at health-visiting contacts, so that drawing
        # them leaves every other draw of a seed as it was.
        self.absences = absences or random.Random(0)
        self.partnership = partnership
        self.out = out
        self.recorder = recorder
        self.window = window
        self.record = recorder.record

    # --- small helpers shared with seen.synth.care and seen.synth.scenarios ---------------------

    def within(self, day: date | None) -> bool:
        return day is not None and day <= self.window.last

    def residence(
        self, person: Person, agency: Agency, home: Address, start: date | None = None,
        end: date | None = None,
    ) -> None:
        self.out.add(
            "residences", agency=agency.code, person=self.record(person, agency),
            address=home.line, postcode=home.postcode, start=iso(start),
            end=iso(end) if self.within(end) else "",
        )

    def relate(
        self, agency: Agency, person: Person, kind: str, on: date, child: str = "",
        pregnancy: str = "",
    ) -> None:
        self.out.add(
            "relationships", agency=agency.code, person=self.record(person, agency),
            child=child, pregnancy=pregnancy, kind=kind, asserted_on=iso(on), start=iso(on),
        )

    def relate_household(
        self, h: Household, agency: Agency, on: date, child: str = "", pregnancy: str = "",
        siblings: bool = True,
    ) -> None:
        """Everyone around the baby, as this agency knows them."""
        self.relate(agency, h.mother, "birth_mother", on, child, pregnancy)
        if h.father is not None:
            self.relate(agency, h.father, "birth_father", on, child, pregnancy)
        if h.partner is not None:
            self.relate(agency, h.partner, "mothers_partner", on, child, pregnancy)
        for adult in h.adults:
            self.relate(agency, adult, "household_adult", on, child, pregnancy)
        if siblings and child:
            for sibling in h.siblings:
                self.relate(agency, sibling, "sibling", on, child, pregnancy)

    def contact(
        self, h: Household, agency: Agency, role: str, kind: str, on: date, *,
        child: str = "", pregnancy: str = "", father_seen: str | None = None,
        reason: str = "",
    ) -> None:
        """A contact that expects to see the mother and the man around the baby."""
        man = h.male_carer
        if man is None:
            seen, father = "not_applicable", ""
        else:
            if father_seen is None and role == Role.HEALTH_VISITOR:
                father_seen, reason = self._father_away(kind)
            seen, father = father_seen or "yes", self.record(man, agency)
        self.out.add(
            "contacts", agency=agency.code, date=iso(on), child=child, pregnancy=pregnancy,
            kind=kind, practitioner=agency.practitioner(self.rng, role), mother_seen="yes",
            father=father, father_seen=seen, father_not_seen_reason=reason,
        )

    def appointment(
        self, agency: Agency, subject: str, service: str, on: date, *, pregnancy: str = "",
        outcome: str = "attended", followed_up_on: date | None = None,
    ) -> None:
        self.out.add(
            "appointments", agency=agency.code, date=iso(on), subject=subject,
            pregnancy=pregnancy, service=service, outcome=outcome,
            followed_up_on=iso(followed_up_on) if self.within(followed_up_on) else "",
        )

    def arrival(self, on: date) -> str:
        moment = datetime.combine(on, time(self.rng.randint(0, 23), self.rng.randint(0, 59)))
        return moment.strftime("%Y-%m-%dT%H:%M")

    # --- the agencies ---------------------------------------------------------------------------

    def write(self, h: Household) -> None:
        self.maternity(h)
        if h.neonatal_days:
            self.neonatal(h)
        self.general_practice(h)
        self.health_visiting(h)
        if h.plan.procedure is None and not h.plan.support and h.baby is not None:
            self.emergency(h)
        if self.rng.random() < 0.1:  # about 1 in 10 families known to the housing service
            self.housing(h)
        if h.plan.procedure is None and self.rng.random() < 0.03:
            self.perinatal_mental_health(h)

    def maternity(self, h: Household) -> None:
        rng, plan, agency = self.rng, h.plan, h.area.midwifery
        mother = self.record(h.mother, agency)
        for man in h.men:  # told by the mother: often a forename only, no date of birth
            self.record(man, agency, partial=True)
        child = ""
        if h.baby is not None:
            child = self.record(h.baby, agency, unnamed_baby=rng.random() < 0.5)
        pregnancy = self.out.add(
            "pregnancies", agency=agency.code, mother=mother, expected_date=iso(plan.expected),
            booked_on=iso(h.booked_on), status="born" if h.baby else "ongoing", child=child,
        )
        h.pregnancies[agency.code] = pregnancy
        self.relate_household(h, agency, h.booked_on, pregnancy=pregnancy, siblings=False)
        self.residence(h.mother, agency, h.home, h.mother.moved_on)
        delivered = plan.born_on or plan.expected
        self.out.add(
            "responsibilities", agency=agency.code, pregnancy=pregnancy,
            practitioner=agency.practitioner(rng, Role.MIDWIFE), role="named_midwife",
            start=iso(h.booked_on),
            end=iso(delivered + days(10)) if self.within(delivered + days(10)) else "",
        )
        self.contact(h, agency, Role.MIDWIFE, "antenatal_booking", h.booked_on,
                     pregnancy=pregnancy, **self._absent_father(h))
        for weeks, service in ((12, "screening"), (20, "hospital_outpatient"), (36, "antenatal")):
            on = plan.lmp + timedelta(weeks=weeks, days=rng.randint(0, 6))
            if on >= delivered or not self.within(on):
                continue
            if plan.procedure is None and rng.random() < 0.015:  # a near miss: followed up
                self.appointment(agency, mother, service, on, pregnancy=pregnancy,
                                 outcome="did_not_attend", followed_up_on=on + days(3))
            else:
                self.appointment(agency, mother, service, on, pregnancy=pregnancy)
        antenatal = plan.lmp + timedelta(weeks=28)
        if antenatal < delivered and self.within(antenatal):
            self.contact(h, agency, Role.MIDWIFE, "antenatal", antenatal, pregnancy=pregnancy,
                         **self._absent_father(h))
        if h.baby is not None and plan.born_on is not None:
            self.out.add(
                "births", agency=agency.code, born_on=iso(plan.born_on), child=child,
                pregnancy=pregnancy, gestation_weeks=str(plan.gestation),
                birth_weight_grams=str(h.birth_weight),
            )
            visit = plan.born_on + days(h.neonatal_days + rng.randint(1, 4))
            if self.within(visit):
                self.contact(h, agency, Role.MIDWIFE, "home_visit", visit, child=child,
                             **self._absent_father(h))

    def _father_away(self, kind: str) -> tuple[str | None, str]:
        """Fathers are often not seen at health-visiting contacts (the national review): here
        one in five before birth, one in four at the new birth visit and one in three later,
        each with its reason recorded, so no prompt is owed (a near miss, not a planted
        scenario)."""
        share = FATHER_AWAY_SHARE.get(kind, 0.0)
        if self.absences.random() >= share:
            return None, ""
        return "no", self.absences.choice(FATHER_AWAY_REASONS)

    @staticmethod
    def _absent_father(h: Household) -> dict[str, str]:
        """Antenatal contacts: a father who lives elsewhere is recorded as not seen, and why."""
        if h.male_carer is not None and h.male_carer is h.father and not h.father_resident:
            return {"father_seen": "no", "reason": "Lives at a separate address"}
        return {}

    def neonatal(self, h: Household) -> None:
        assert h.baby is not None and h.plan.born_on is not None
        agency = h.area.neonatal_unit
        child = self.record(h.baby, agency, unnamed_baby=self.rng.random() < 0.6)
        admitted = h.plan.born_on + days(0 if self.rng.random() < 0.85 else 1)
        discharged = admitted + days(h.neonatal_days)
        level = ("intensive care" if h.plan.gestation < 30 else
                 "high dependency" if h.plan.gestation < 34 else "special care")
        self.out.add(
            "neonatal_stays", agency=agency.code, admitted_on=iso(admitted), child=child,
            discharged_on=iso(discharged) if self.within(discharged) else "",
            level_of_care=level,
        )

    def general_practice(self, h: Household) -> None:
        rng, plan, gp = self.rng, h.plan, h.gp
        self._registered(h.mother, gp)
        for man in h.men:
            self._registered(man, gp if man.home is h.home else rng.choice(h.area.gps))
        for person in (*h.adults, *h.siblings):
            self.record(person, gp)
        if h.baby is None or plan.born_on is None:
            return
        registered = plan.born_on + days(h.neonatal_days + rng.randint(14, 42))
        if not self.within(registered):
            return
        child = self.record(h.baby, gp)
        self.out.add(
            "responsibilities", agency=gp.code, child=child,
            practitioner=gp.practitioner(rng, Role.GP), role="gp", start=iso(registered),
        )
        missed_once = (plan.procedure is None and not plan.support and rng.random() < 0.02)
        for when, service in ((7, "gp"), (8, "immunisation"), (12, "immunisation"),
                              (16, "immunisation"), (52, "immunisation")):
            on = plan.born_on + timedelta(weeks=when, days=rng.randint(0, 6))
            if on < registered or not self.within(on):
                continue
            if plan.procedure == "was-not-brought" and service == "immunisation":
                continue  # the scenario writes these
            if missed_once and service == "immunisation":
                missed_once = False  # a near miss: one missed, followed up the same week
                self.appointment(gp, child, service, on, outcome="was_not_brought",
                                 followed_up_on=on + days(rng.randint(1, 5)))
            else:
                self.appointment(gp, child, service, on)

    def _registered(self, adult: Person, gp: Agency) -> None:
        """An adult's GP record, with where the practice believes they live."""
        self.record(adult, gp)
        if adult.previous_home is not None and adult.moved_on is not None:
            self.residence(adult, gp, adult.previous_home, end=adult.moved_on)
            self.residence(adult, gp, adult.home, start=adult.moved_on)
        else:
            self.residence(adult, gp, adult.home)

    def health_visiting(self, h: Household) -> None:
        rng, plan, agency = self.rng, h.plan, h.area.health_visiting
        antenatal = plan.lmp + timedelta(weeks=28, days=rng.randint(0, 14))
        delivered = plan.born_on or plan.expected
        new_birth = None
        if plan.born_on is not None:
            new_birth = plan.born_on + days(h.neonatal_days + rng.randint(10, 14))
        has_antenatal = antenatal < delivered and self.within(antenatal)
        if not has_antenatal and not self.within(new_birth):
            return
        mother = self.record(h.mother, agency)
        for man in h.men:
            self.record(man, agency, partial=man.home is not h.home)
        self.residence(h.mother, agency, h.home)
        child = ""
        if new_birth is not None and self.within(new_birth) and h.baby is not None:
            child = self.record(h.baby, agency)
        pregnancy = self.out.add(
            "pregnancies", agency=agency.code, mother=mother, expected_date=iso(plan.expected),
            status="born" if child else "ongoing", child=child,
        )
        h.pregnancies[agency.code] = pregnancy
        if has_antenatal:
            self.contact(h, agency, Role.HEALTH_VISITOR, "antenatal", antenatal,
                         pregnancy=pregnancy)
        if not child or new_birth is None or plan.born_on is None:
            if has_antenatal:
                self.relate_household(h, agency, antenatal, pregnancy=pregnancy)
            return
        for sibling in h.siblings:
            if sibling.age_on(new_birth) < 5:
                self.record(sibling, agency)
        under_five = [s for s in h.siblings if s.age_on(new_birth) < 5]
        self.relate_household(h, agency, new_birth, child=child, siblings=False)
        for sibling in under_five:
            self.relate(agency, sibling, "sibling", new_birth, child=child)
        self.out.add(
            "responsibilities", agency=agency.code, child=child,
            practitioner=agency.practitioner(rng, Role.HEALTH_VISITOR), role="health_visitor",
            start=iso(new_birth),
        )
        if plan.procedure == "father-seen-at-mandated-contact":
            self.contact(h, agency, Role.HEALTH_VISITOR, "new_birth", new_birth, child=child,
                         father_seen="no")
        else:
            self.contact(h, agency, Role.HEALTH_VISITOR, "new_birth", new_birth, child=child)
        for kind, lo, hi in (("six_to_eight_weeks", 42, 56), ("one_year", 365, 380)):
            on = plan.born_on + days(rng.randint(lo, hi))
            if self.within(on):
                self.contact(h, agency, Role.HEALTH_VISITOR, kind, on, child=child)
        self._crying(h, agency, child)
        self._mobile_bruise(h, agency, child)

    def _crying(self, h: Household, agency: Agency, child: str) -> None:
        """About 1 in 8 babies: crying or feeding concern, ICON advice to both parents."""
        rng, plan = self.rng, h.plan
        if plan.procedure == "coping-with-crying" or rng.random() >= 0.12:
            return
        assert plan.born_on is not None
        on = plan.born_on + days(rng.randint(14, 84))
        if not self.within(on):
            return
        concern = rng.choice(("excessive_crying", "colic", "feeding_difficulty"))
        self.out.add(
            "crying_feeding_concerns", agency=agency.code, date=iso(on), child=child,
            concern=concern, icon_advice_mother="yes",
            icon_advice_father="yes" if h.male_carer else "not_applicable",
        )

    def _mobile_bruise(self, h: Household, agency: Agency, child: str) -> None:
        """A near miss: a small bruise on a cruising or walking baby of 10-11 months."""
        rng, plan = self.rng, h.plan
        if plan.procedure or plan.support or plan.born_on is None or rng.random() >= 0.01:
            return
        on = plan.born_on + days(rng.randint(300, 345))
        if not self.within(on):
            return
        self.out.add(
            "injuries", agency=agency.code, date=iso(on), child=child, kind="bruise",
            body_site=rng.choice(("shin", "knee", "forehead")),
            mobility=rng.choice(("cruising", "walking")),
            explanation="Fell against the coffee table while cruising; seen at clinic.",
            practitioner=agency.practitioner(rng, Role.HEALTH_VISITOR),
        )

    def emergency(self, h: Household) -> None:
        """About 15 in 100 babies not on any plan attend the emergency department once."""
        rng, plan = self.rng, h.plan
        if plan.born_on is None or rng.random() >= 0.15:
            return
        age_days = (self.window.last - plan.born_on).days
        if age_days < 7:
            return
        on = plan.born_on + days(rng.randint(7, age_days))
        assert h.baby is not None
        agency = h.area.hospital_ed
        subject = self.record(h.baby, agency)
        injured = (on - plan.born_on).days >= 240 and rng.random() < 0.3
        complaint = ("Fall from standing while walking" if injured else
                     rng.choice(("Fever", "Breathing difficulty", "Vomiting", "Rash",
                                 "Poor feeding")))
        self.out.add(
            "ed_attendances", agency=agency.code, date=iso(on), subject=subject,
            arrived_at=self.arrival(on), injury="yes" if injured else "no",
            presenting_complaint=complaint,
        )

    def perinatal_mental_health(self, h: Household) -> None:
        """A near miss: a mother (not a father) known to adult mental health in pregnancy."""
        rng = self.rng
        on = h.booked_on + days(rng.randint(20, 150))
        if not self.within(on):
            return
        agency = self.partnership.adult_mental_health
        self.out.add(
            "mental_health", agency=agency.code, date=iso(on),
            subject=self.record(h.mother, agency),
            kind=rng.choice(("referral", "episode")),
            description=rng.choice(("Perinatal anxiety", "Perinatal depression")),
            current="yes",
        )

    def housing(self, h: Household) -> None:
        agency = h.area.housing
        for adult in (h.mother, *[m for m in h.men if m.home is h.home]):
            self.record(adult, agency)
            self.residence(adult, agency, h.home, adult.moved_on)
