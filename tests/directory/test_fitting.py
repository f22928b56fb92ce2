"""The services that fit a parent (seen.directory.fitting): by the parent's sex and relationship
to the child, by where the parent lives, by age, with the procedure's services first, then those
open evenings or at weekends, then the shortest wait; each with why it fits and what may not
suit, in words."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from seen.access.models import Shield
from seen.areas.models import Agency, Area
from seen.casefile.subjects import Subject, resolve_child
from seen.core import clock
from seen.directory.fitting import fitting, judge, parent_for, when_text
from seen.directory.models import Service
from seen.people.models import Person, Relationship, SourceRecord

pytestmark = pytest.mark.django_db

EVENINGS = [{"days": ["TU", "TH"], "opens_at": "18:00", "closes_at": "20:00"}]
DAYTIME = [{"days": ["MO"], "opens_at": "10:00", "closes_at": "12:00"}]


def service(name: str, *, areas: tuple[str, ...] = (), **fields: Any) -> Service:
    values: dict[str, Any] = {
        "oruk_id": f"id-{name}",
        "name": name,
        "organisation": "Partnership Family Services",
        "kind": "parenting",
        "audiences": ["fathers"],
        "schedules": DAYTIME,
        "wait_days": 14,
    }
    values.update(fields)
    made = Service.objects.create(**values)
    made.areas.set(Area.objects.filter(code__in=areas))
    return made


def _father(baby: Person) -> Person:
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    return father


def _subject(baby: Person) -> Subject:
    return resolve_child(baby.reference)


def test_the_father_is_read_from_his_records(baby: Person) -> None:
    parent = parent_for(_father(baby), _subject(baby))
    assert parent.sex == "male" and parent.man and parent.relations == {"birth_father"}
    assert parent.areas == {Area.objects.get(code="QBM").pk}  # his police record's address
    assert parent.age == 29  # born 2 November 1995; the clock is 11 July 2025


def test_a_fathers_evening_group_in_his_area_fits_with_its_reasons(baby: Person) -> None:
    service("Dads in Quillbrook", areas=("QBM",), schedules=EVENINGS, evenings=True)
    [fit] = fitting(parent_for(_father(baby), _subject(baby)))
    assert fit.fits and fit.service.name == "Dads in Quillbrook"
    assert fit.reasons == (
        "For fathers: he is the birth father",
        "Serves where he lives",  # his area is not named unless the viewer sees the household
        "Open evenings",
    )
    assert fit.caveats == ()
    assert fit.when == "Tue, Thu 18:00 to 20:00" and fit.where == "Quillbrook"
    assert fit.wait == "Usually 14 days to a first session" and fit.who == "Fathers"
    named = fitting(parent_for(_father(baby), _subject(baby)), name_areas=True)
    assert named[0].reasons[1] == "Serves where he lives (Quillbrook)"


def test_by_sex_and_relationship(baby: Person) -> None:
    mothers = service("Mums together", audiences=["mothers"])
    couples = service("Parents as a couple", audiences=["couples"])
    carers = service("Male carers", audiences=["male_carers"])
    father = parent_for(_father(baby), _subject(baby))
    assert {f.service for f in fitting(father)} == {couples, carers}
    refused = judge(mothers, father)
    assert refused.against == ("It is for mothers; he is the birth father",)
    mother_person = SourceRecord.objects.get(local_id="M1").person
    assert mother_person is not None
    mother = parent_for(mother_person, _subject(baby))
    assert not mother.man and mother.relations == {"birth_mother"}
    assert {f.service for f in fitting(mother)} == {mothers, couples}
    assert judge(mothers, mother).reasons[0] == "For mothers: she is the birth mother"


def test_a_male_carer_fits_male_carers_not_fathers_only(baby: Person) -> None:
    fathers = service("Fathers only", audiences=["fathers"])
    carers = service("Dads and male carers", audiences=["fathers", "male_carers"])
    agency = Agency.objects.get(code="QAV-MAT")
    carer = SourceRecord.objects.create(
        agency=agency, local_id="MC1", forename="Dale", surname="Carer", sex="male"
    )
    person = Person.objects.create(reference="P00000900")
    carer.person = person
    carer.save()
    Relationship.objects.create(
        agency=agency,
        local_id="RMC1",
        person=carer,
        child=SourceRecord.objects.get(local_id="B1"),
        kind="male_carer",
        asserted_on=date(2025, 6, 20),
    )
    parent = parent_for(person, _subject(baby))
    assert parent.relations == {"male_carer"} and parent.areas == frozenset()
    assert [f.service for f in fitting(parent)] == [carers]
    assert judge(carers, parent).reasons[0] == "For male carers: he is a male carer"
    assert judge(fathers, parent).against == ("It is for fathers; he is a male carer",)


def test_a_relationship_that_ended_does_not_count(baby: Person) -> None:
    service("Dads", audiences=["fathers"])
    Relationship.objects.filter(local_id="R2").update(end=date(2025, 3, 1))
    parent = parent_for(_father(baby), _subject(baby))
    assert parent.relations == frozenset() and fitting(parent) == []


def test_by_area(baby: Person) -> None:
    elsewhere = service("Quarry Vale dads", areas=("QAV",))
    everywhere = service("Partnership dads")
    father = parent_for(_father(baby), _subject(baby))
    assert [f.service for f in fitting(father)] == [everywhere]
    assert judge(everywhere, father).reasons[1] == "Serves the whole partnership"
    assert judge(elsewhere, father).against == ("Serves only Quarry Vale, not where he lives",)


def test_a_shielded_address_is_not_read_and_the_area_is_left_to_check(baby: Person) -> None:
    quillbrook = service("Quillbrook dads", areas=("QBM",))
    Shield.objects.create(
        record=SourceRecord.objects.get(local_id="P77"),
        scope="address",
        reason="refuge",
        created_at=clock.now(),
    )
    father = parent_for(_father(baby), _subject(baby))
    assert father.areas == frozenset()
    [fit] = fitting(father)
    assert fit.service == quillbrook
    assert "Serves only Quillbrook: Seen holds no current address for him" in fit.caveats[0]


def test_by_age(baby: Person) -> None:
    young = service("Young dads", max_age=25)
    older = service("Dads over 21", min_age=21)
    father = parent_for(_father(baby), _subject(baby))
    assert [f.service for f in fitting(father)] == [older]
    assert judge(young, father).against == ("It takes parents aged up to 25; he is 29",)
    SourceRecord.objects.filter(local_id="P77").update(dob=None)
    unknown = parent_for(_father(baby), _subject(baby))
    assert unknown.age is None
    caveat = judge(young, unknown).caveats[0]
    assert caveat == "It takes parents aged up to 25: his age is not recorded"


def test_inactive_services_are_not_offered(baby: Person) -> None:
    service("Closed group", status="temporarily closed")
    service("Gone group", status="defunct")
    assert fitting(parent_for(_father(baby), _subject(baby))) == []


def test_order_procedure_then_out_of_hours_then_wait(baby: Person) -> None:
    slow_day = service("A slow daytime group", wait_days=40)
    quick_day = service("A quick daytime group", wait_days=3)
    weekend = service(
        "A weekend group",
        wait_days=30,
        weekends=True,
        schedules=[{"days": ["SA"], "opens_at": "10:00", "closes_at": "12:00"}],
    )
    unknown_wait = service("An evening group", wait_days=None, evenings=True, schedules=EVENINGS)
    crying = service("Crying support", wait_days=60, procedures=["coping-with-crying"])
    father = parent_for(_father(baby), _subject(baby))
    order = [f.service for f in fitting(father, "coping-with-crying")]
    assert order == [crying, weekend, unknown_wait, quick_day, slow_day]
    assert fitting(father)[0].service == weekend
    fit = judge(crying, father, "coping-with-crying")
    assert "Serves the procedure: Coping with crying not given to the father" in fit.reasons
    assert "Daytime only: if he works, check he can go" in fit.caveats
    assert "Its wait is not stated" in judge(unknown_wait, father).caveats
    assert judge(weekend, father).reasons[-1] == "Open at weekends"


def test_hours_in_words() -> None:
    made = Service(
        schedules=[
            *EVENINGS,
            {"days": ["SA"], "opens_at": "09:30"},
            {"description": "By appointment"},
            "not a schedule",
        ]
    )
    assert when_text(made) == "Tue, Thu 18:00 to 20:00; Sat 09:30; By appointment"
    assert when_text(Service(schedules=[])) == "Hours not stated"
