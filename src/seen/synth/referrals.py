"""Referrals of parents to the directory's services, and the steps of their uptake as the
services send them (extract tables service_referrals and service_uptake).

Drawn from a random stream of their own, so that adding them leaves every other draw of a seed
as it was. The proportions show what the national review found: mothers are referred far more
often than fathers (about 1 in 5 mothers to antenatal classes at booking, about 1 in 20 fathers
to a fathers' group, and advice on coping with crying mostly to the mother alone). Ordinary
families are contacted within the time each service states; of those offered a place about 1 in
10 declines and of those who start about a third drop out. A family on a plan of support
completes what it starts, as the procedures ask, so only planted scenarios raise alerts."""

from __future__ import annotations

import random
from datetime import date, timedelta

from seen.areas.models import Practitioner
from seen.synth.directory import Directory, SynthService
from seen.synth.families import FamilyWriter
from seen.synth.household import Household
from seen.synth.output import iso
from seen.synth.partnership import Agency
from seen.synth.population import Person

Role = Practitioner.Role
MOTHERS_TO_ANTENATAL = 0.2
FATHERS_TO_GROUP = 0.05
COPING_WITH_CRYING = 0.08  # of babies; the mother alone in 7 of 10
DECLINED = 0.1
DROPPED_OUT = 0.35
DECLINE_REASONS = ("Works shifts and cannot attend", "Does not feel he needs it",
                   "Already attending another group")
DROP_OUT_REASONS = ("Started a new job", "Found the group did not suit him",
                    "Moved away from the area", "Stopped attending without saying why")


class ReferralWriter:
    def __init__(self, w: FamilyWriter, directory: Directory, rng: random.Random) -> None:
        self.w = w
        self.directory = directory
        self.rng = rng

    def ordinary(self, h: Household) -> None:
        """The referrals an ordinary family's midwife and health visitor make."""
        rng, area = self.rng, h.area
        antenatal = self.directory.for_area(area, "parenting", "mothers")
        if antenatal is not None and rng.random() < MOTHERS_TO_ANTENATAL:
            on = h.booked_on + timedelta(days=rng.randint(7, 60))
            self._refer(h, h.mother, area.midwifery, Role.MIDWIFE, antenatal, on,
                        "Antenatal classes offered at booking", pregnancy=True)
        born = h.baby is not None and h.plan.born_on is not None
        if not born or h.plan.born_on is None:
            return
        visiting = area.health_visiting
        group = self.directory.for_area(area, "parenting", "fathers")
        man = h.male_carer
        if group is not None and man is not None and rng.random() < FATHERS_TO_GROUP:
            on = h.plan.born_on + timedelta(days=rng.randint(14, 120))
            self._refer(h, man, visiting, Role.HEALTH_VISITOR, group, on,
                        "Offered at the new birth visit: a group for fathers")
        crying = self.directory.with_procedure(area, "coping-with-crying")
        if crying is not None and rng.random() < COPING_WITH_CRYING:
            parent = man if man is not None and rng.random() < 0.3 else h.mother
            on = h.plan.born_on + timedelta(days=rng.randint(10, 90))
            self._refer(h, parent, visiting, Role.HEALTH_VISITOR, crying, on,
                        "Crying: advice and the coping-with-crying session",
                        procedure="coping-with-crying")

    def _refer(
        self, h: Household, parent: Person, agency: Agency, role: str, service: SynthService,
        on: date, reason: str, *, pregnancy: bool = False, procedure: str = "",
    ) -> None:
        w = self.w
        record = parent.by_agency.get(agency.code)
        if record is None or not w.within(on):
            return  # referred only by an agency that already knows the parent
        about = self._about(h, agency, pregnancy)
        if about is None:
            return
        referral = w.out.add(
            "service_referrals", agency=agency.code, date=iso(on), subject=record, **about,
            service=service.oruk_id, referrer=agency.practitioner(self.rng, role),
            reason=reason, basis="consent", procedure=procedure,
        )
        self._uptake(h, service, f"{agency.code}:{referral}", on)

    def _about(self, h: Household, agency: Agency, pregnancy: bool) -> dict[str, str] | None:
        if pregnancy:
            held = h.pregnancies.get(agency.code)
            return {"pregnancy": held} if held else None
        child = h.baby.by_agency.get(agency.code) if h.baby is not None else None
        return {"child": child} if child else None

    def _uptake(self, h: Household, service: SynthService, referral: str, on: date) -> None:
        """Contacted within the stated time, offered a place, then sessions until completed,
        declined or dropped out; steps after the window's last day are not yet known."""
        rng, w = self.rng, self.w
        runner = service.run_by(h.area)
        steady = bool(h.plan.support)  # a family on a plan completes what it starts

        def step(day: date, status: str, session: str = "", reason: str = "") -> bool:
            if not w.within(day):
                return False
            w.out.add("service_uptake", agency=runner.code, date=iso(day), referral=referral,
                      status=status, session=session, reason=reason)
            return True

        day = on + timedelta(days=rng.randint(1, max(1, service.contact_within_days - 1)))
        if not step(day, "contacted"):
            return
        day += timedelta(days=rng.randint(1, 5))
        if not steady and rng.random() < DECLINED:
            step(day, "declined", reason=rng.choice(DECLINE_REASONS))
            return
        if not step(day, "offered"):
            return
        day += timedelta(days=max(1, service.wait_days - 5 + rng.randint(0, 10)))
        sessions = 6
        leaves_at = rng.randint(1, sessions - 1) if not steady and (
            rng.random() < DROPPED_OUT) else 0
        for number in range(1, sessions + 1):
            if leaves_at and number == leaves_at + 1:
                if step(day, "missed", session=str(number)):
                    step(day + timedelta(days=7), "dropped_out",
                         reason=rng.choice(DROP_OUT_REASONS))
                return
            if not step(day, "attended", session=str(number)):
                return
            day += timedelta(days=7)
        step(day - timedelta(days=7), "completed")


def refer_without_contact(
    w: FamilyWriter, h: Household, directory: Directory, rng: random.Random, on: date
) -> SynthService | None:
    """A planted referral: the father referred by the health visitor to the fathers' group,
    which never contacts him. Returns the service, or None if the family cannot have one."""
    man, area = h.male_carer, h.area
    service = directory.for_area(area, "parenting", "fathers")
    visiting = area.health_visiting
    if man is None or service is None or h.baby is None:
        return None
    record = w.record(man, visiting)
    child = w.record(h.baby, visiting)
    w.out.add(
        "service_referrals", agency=visiting.code, date=iso(on), subject=record, child=child,
        service=service.oruk_id, referrer=visiting.practitioner(rng, Role.HEALTH_VISITOR),
        reason="Offered at the new birth visit: a group for fathers", basis="consent",
    )
    return service
