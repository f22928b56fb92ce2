"""Adults known to the police, probation and adult mental health who are around no baby.

They are the near misses for the rules about men: a domestic-abuse conviction, a MARAC case or a
mental-health history that must raise nothing, because no baby or pregnancy is in the
household. Some share a name with an ordinary father (a different man: another date of birth,
another address), which is where careless linkage would raise a false alert.
"""

from __future__ import annotations

from datetime import timedelta

from seen.areas.models import Practitioner
from seen.synth.families import FamilyWriter, days
from seen.synth.output import iso
from seen.synth.partnership import Partnership
from seen.synth.population import FEMALE, MALE, People, Person, birthday, new_address, pick_heritage

Role = Practitioner.Role


class Background:
    def __init__(self, w: FamilyWriter, people: People, partnership: Partnership) -> None:
        self.w = w
        self.people = people
        self.partnership = partnership
        self.count = 0

    def _adult(self, sex: str, low: int, high: int, forename: str = "",
               surname: str = "") -> Person:
        rng, window = self.w.rng, self.w.window
        area = rng.choice(self.partnership.areas) if rng.random() < 0.9 else None
        self.count += 1
        return self.people.new(
            sex=sex, dob=birthday(rng, rng.randint(low, high), window.last),
            role="background_adult", family_id="", heritage=pick_heritage(rng),
            home=new_address(rng, area), forename=forename or None, surname=surname or None,
        )

    def _when(self, earliest_days: int) -> str:
        rng, window = self.w.rng, self.w.window
        return iso(window.last - days(rng.randint(0, earliest_days)))

    def convicted_man(self, forename: str = "", surname: str = "") -> None:
        w, rng = self.w, self.w.rng
        police = self.partnership.police
        man = self._adult(MALE, 20, 55, forename, surname)
        victim = self._adult(FEMALE, 20, 55)
        incident = w.window.last - days(rng.randint(60, 1500))
        convicted = min(w.window.last, incident + days(rng.randint(30, 150)))
        w.out.add("police_incidents", agency=police.code, date=iso(incident),
                  kind="domestic_abuse",
                  perpetrator=w.record(man, police), victim=w.record(victim, police),
                  child_present="no", dash_level=rng.choice(("standard", "medium", "high")),
                  postcode=man.home.postcode)
        w.out.add("convictions", agency=police.code, date=iso(convicted),
                  subject=man.by_agency[police.code],
                  offence_category=rng.choice(("domestic_abuse", "violence_against_the_person")),
                  description="Assault")

    def marac_without_baby(self) -> None:
        w = self.w
        police = self.partnership.police
        victim = self._adult(FEMALE, 38, 60)
        perpetrator = self._adult(MALE, 38, 65)
        w.out.add("marac_cases", agency=police.code, date=self._when(360),
                  victim=w.record(victim, police), perpetrator=w.record(perpetrator, police),
                  safety_plan="yes")

    def supervised_man(self) -> None:
        w, rng = self.w, self.w.rng
        probation = self.partnership.probation
        man = self._adult(MALE, 19, 60)
        start = w.window.last - days(rng.randint(30, 700))
        w.out.add("probation_supervisions", agency=probation.code, start=iso(start),
                  subject=w.record(man, probation), end=iso(start + timedelta(days=540))
                  if start + timedelta(days=540) <= w.window.last else "",
                  order=rng.choice(("Community order", "Licence", "Suspended sentence order")),
                  risk_of_serious_harm=rng.choice(("low", "medium", "high")),
                  practitioner=probation.practitioner(rng, Role.PROBATION_OFFICER))

    def man_with_mental_health_history(self) -> None:
        w, rng = self.w, self.w.rng
        amh = self.partnership.adult_mental_health
        man = self._adult(MALE, 19, 70)
        w.out.add("mental_health", agency=amh.code, date=self._when(2000),
                  subject=w.record(man, amh), kind=rng.choice(("diagnosis", "episode")),
                  description=rng.choice(("Depression", "Psychosis", "Anxiety")),
                  current=rng.choice(("yes", "no")))


def write_background(
    w: FamilyWriter, people: People, partnership: Partnership, births: int,
    namesakes: list[tuple[str, str]],
) -> int:
    """Write the background adults; returns how many people that made."""
    background = Background(w, people, partnership)
    for _ in range(round(births * 0.01)):
        background.convicted_man()
    for forename, surname in namesakes[: round(births * 0.002)]:
        background.convicted_man(forename, surname)
    for _ in range(round(births * 0.003)):
        background.marac_without_baby()
    for _ in range(round(births * 0.005)):
        background.supervised_man()
    for _ in range(round(births * 0.01)):
        background.man_with_mental_health_history()
    return background.count
