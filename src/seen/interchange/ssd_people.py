"""The SSD's persons and how they are related, as the extract format holds them.

- `ssd_person`: a person is a record in `people.csv`; a child known only by an expected date of
  birth is an unborn child, a pregnancy of the mother `ssd_mother` names (`pregnancies.csv`, its
  id the child's person id). A child born since keeps the pregnancy (status born).
- The children the import is about are the persons the work tables name (contacts, episodes,
  assessments, enquiries, conferences, plans, visits, Early Help) and every unborn child. A
  child with neither a date of birth nor an expected one is quarantined whole.
- `ssd_address`: a dated address is a residence; the current one (no end date, the latest
  start) is also the record's postcode and address. A protected address (postcode CON) is not
  held.
- `ssd_mother`: the birth mother. `ssd_family`: everyone else in a child's family, as a man
  around the child (male carer), a sibling (under 18) or another adult of the household: the
  SSD does not say who is the birth father. The SSD dates neither table: a relationship is
  dated on the first day the tables hold for the child (`first_seen`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from seen.interchange import ssd_values as v
from seen.interchange.ssd_extract import ExtractBuild, has_column, pair_id
from seen.interchange.ssd_reading import SsdFolder, SsdRow
from seen.interchange.ssd_tables import ADDRESS, FAMILY, INVOLVEMENTS, MOTHER, PERSON, WORK_TABLES
from seen.people.models import Relationship, Sex

ADULT_AGE = 18
MAX_ADDRESS = 300  # people.csv and residences.csv hold an address line of at most this


def about_unborn(day: date, dob: date | None, pregnancy: bool) -> bool:
    """Whether a row dated `day` is about the unborn child: the child has a pregnancy and was
    not yet born that day."""
    return pregnancy and (dob is None or day < dob)


def member_kind(sex: str, dob: date | None, on: date) -> str:
    """How a member of a child's family (not the mother) is around the child."""
    if dob is not None and _age(dob, on) < ADULT_AGE:
        return str(Relationship.Kind.SIBLING)
    if sex == Sex.MALE:
        return str(Relationship.Kind.MALE_CARER)
    return str(Relationship.Kind.HOUSEHOLD_ADULT)


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


@dataclass
class Person:
    id: str
    row: SsdRow
    values: dict[str, str]  # the people.csv values
    dob: date | None
    expected: date | None


@dataclass
class Child:
    id: str
    dob: date | None
    expected: date | None
    mother: str = ""
    first_seen: date | None = None

    @property
    def pregnancy(self) -> bool:
        return self.expected is not None and bool(self.mother)

    def about(self, day: date | None) -> dict[str, str]:
        """The child and pregnancy columns of a row dated `day`."""
        if day is not None and about_unborn(day, self.dob, self.pregnancy):
            return {"child": "", "pregnancy": self.id}
        return {"child": self.id, "pregnancy": ""}


@dataclass
class People:
    build: ExtractBuild
    persons: dict[str, Person] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)
    loaded: set[str] = field(default_factory=set)  # persons whose record is written
    refused: set[str] = field(default_factory=set)  # persons with a fault of their own

    def known(self, person: str) -> bool:
        return person in self.persons

    def left_out(self, person: str) -> bool:
        """A person whose own fault kept their record out (said with that fault)."""
        if person in self.refused:
            return True
        return self.known(person) and person not in self.loaded and person not in self.children

    def child_of(self, row: SsdRow) -> Child | None:
        return self.children.get(row.person)


def read_people(folder: SsdFolder, build: ExtractBuild) -> People:
    people = People(build)
    named = {r.person for t in WORK_TABLES for r in folder.table(t) if r.person}
    for row in folder.table(PERSON):
        _read_person(people, row, child=row.id in named)
    for person in people.persons.values():
        if person.id in named or (person.expected is not None and person.dob is None):
            people.children[person.id] = Child(person.id, person.dob, person.expected)
    for child in people.children.values():
        if child.dob is None and child.expected is None:
            build.fault(
                child.id,
                people.persons[child.id].row.where("pers_dob"),
                "no-dob",
                "a child needs a date of birth or an expected date of birth",
            )
    _first_seen(folder, people)
    _mothers(folder, people)
    return people


def _read_person(people: People, row: SsdRow, *, child: bool) -> None:
    """A person read; `child`: the work tables name them (an expected date of birth makes a
    child too), so a date that cannot be read is a fault, not a warning."""
    build, pid = people.build, row.id
    if not pid:
        reason = row.problem or "the person has no id"
        build.fault("", row.where("" if row.problem else "pers_person_id"), "no-id", reason)
        return
    if pid in people.persons:
        build.fault(
            pid,
            row.where("pers_person_id"),
            "duplicate",
            "the person appears more than once in ssd_person",
        )
        return
    if row.problem:
        build.fault(pid, row.where(), "unreadable", row.problem)
        people.refused.add(pid)
        return
    values = row.values
    dates: dict[str, date | None] = {}
    for column in ("pers_dob", "pers_expected_dob"):
        try:
            dates[column] = v.a_date(column, values[column])
        except v.Unusable as error:
            if child or column == "pers_expected_dob":
                build.fault(pid, row.where(column), "date", error.reason)
                people.refused.add(pid)
                return
            build.warn(pid, row.where(column), "date", f"{error.reason}; not kept")
            dates[column] = None
    out = {
        "id": pid,
        "forename": values["pers_forename"],
        "surname": values["pers_surname"],
        "dob": v.iso(dates["pers_dob"]),
    }
    for column, read in (
        ("sex", lambda: v.sex(values["pers_sex"], values["pers_gender"])),
        (
            "nhs_number",
            lambda: v.nhs_number("pers_common_child_id", values["pers_common_child_id"]),
        ),
        ("ethnicity", lambda: v.code("pers_ethnicity", values["pers_ethnicity"], "ethnicity")),
    ):
        try:
            out[column] = read()
        except v.Unusable as error:
            out[column] = ""  # held as not known, and said
            build.warn(pid, row.where(error.column), column, f"{error.reason}; not kept")
    if has_column("people", "upn") and not v.blank(values["pers_upn"]):
        out["upn"] = values["pers_upn"]
    people.persons[pid] = Person(pid, row, out, dates["pers_dob"], dates["pers_expected_dob"])


def _first_seen(folder: SsdFolder, people: People) -> None:
    for table in (*WORK_TABLES, INVOLVEMENTS):
        assert table.when is not None
        for row in folder.table(table):
            child = people.child_of(row)
            if child is None:
                continue
            try:
                day = v.a_date(table.when, row.values[table.when])
            except v.Unusable:
                continue  # the row's own fault is found where it is read
            if day and (child.first_seen is None or day < child.first_seen):
                child.first_seen = day


def _mothers(folder: SsdFolder, people: People) -> None:
    for row in folder.table(MOTHER):
        child = people.child_of(row)
        mother = row.values["moth_person_id"]
        if child is None or not mother or row.problem:
            continue  # said where the relationships are written
        if child.mother and child.mother != mother:
            people.build.fault(
                child.id,
                row.where("moth_person_id"),
                "two-mothers",
                f"names a second mother ({mother}, and {child.mother})",
            )
        elif people.known(mother):
            child.mother = mother


def write_people(folder: SsdFolder, people: People) -> None:
    """people.csv and pregnancies.csv, residences.csv, and relationships.csv."""
    current, residences = _addresses(folder, people)
    for person in people.persons.values():
        child = people.children.get(person.id)
        if child is not None and child.dob is None:
            continue  # an unborn child: its pregnancy stands for it
        values = {**person.values, **current.get(person.id, {})}
        sources = {c.removeprefix("person_"): person.row.where(f"pers_{c}") for c in _FROM_PERSON}
        sources |= {
            "nhs_number": person.row.where("pers_common_child_id"),
            "postcode": "ssd_address, addr_address_postcode",
            "address": "ssd_address, addr_address_json",
        }
        if people.build.emit("people", person.id if child else "", values, sources=sources):
            people.loaded.add(person.id)
    for about, residence in residences:
        if residence["person"] in people.loaded:
            people.build.emit("residences", about, residence, sources={})
    for child in people.children.values():
        _pregnancy(people, child)
    _relationships(folder, people)


_FROM_PERSON = ("person_id", "forename", "surname", "dob", "sex", "ethnicity", "upn")


def _pregnancy(people: People, child: Child) -> None:
    if child.expected is None:
        return
    if child.mother and child.mother not in people.loaded:
        people.build.fault(
            child.id,
            "ssd_mother",
            "relation",
            f"its mother ({child.mother}) was not loaded (see her fault)",
        )
        return
    if not child.mother:
        if child.dob is None:
            people.build.fault(
                child.id,
                "ssd_mother",
                "no-mother",
                "an unborn child needs its mother in ssd_mother",
            )
        return
    people.build.emit(
        "pregnancies",
        child.id,
        {
            "id": child.id,
            "mother": child.mother,
            "expected_date": v.iso(child.expected),
            "status": "born" if child.dob else "ongoing",
            "child": child.id if child.dob else "",
        },
        sources={},
    )


def _addresses(
    folder: SsdFolder, people: People
) -> tuple[dict[str, dict[str, str]], list[tuple[str, dict[str, str]]]]:
    """Each person's current address, and the residences (with the child each is about)."""
    build = people.build
    current: dict[str, tuple[date, int, dict[str, str]]] = {}
    residences: list[tuple[str, dict[str, str]]] = []
    for index, row in enumerate(folder.table(ADDRESS)):
        about = row.person if row.person in people.children else ""
        if row.person in people.refused:
            continue  # its person has a fault of their own
        if row.problem or not row.id or not people.known(row.person):
            reason = row.problem or (
                "the address has no id"
                if not row.id
                else f"names a person ({row.person}) ssd_person does not hold"
            )
            build.fault(about, row.where(), "address", reason)
            continue
        try:
            code = v.postcode("addr_address_postcode", row.values["addr_address_postcode"])
            line = v.address_line("addr_address_json", row.values["addr_address_json"])
            start = v.a_date("addr_address_start_date", row.values["addr_address_start_date"])
            end = v.a_date("addr_address_end_date", row.values["addr_address_end_date"])
        except v.Unusable as error:
            build.warn(about, row.where(error.column), "address", f"{error.reason}; not kept")
            continue
        if not code:
            build.skipped["ssd_address: no postcode, or a protected address"] += 1
            continue
        if start and end and end < start:
            build.warn(
                about,
                row.where("addr_address_end_date"),
                "address",
                "ends before it starts; not kept",
            )
            continue
        if len(line) > MAX_ADDRESS:
            build.warn(
                about,
                row.where("addr_address_json"),
                "address",
                f"is {len(line)} characters, more than Seen keeps ({MAX_ADDRESS}); "
                "the postcode is kept",
            )
            line = ""
        place = {"postcode": code, "address": line}
        if start or end:
            residences.append(
                (
                    about,
                    {
                        "id": row.id,
                        "person": row.person,
                        **place,
                        "start": v.iso(start),
                        "end": v.iso(end),
                    },
                )
            )
        if end is None:
            rank = (start or date.min, index, place)
            if row.person not in current or rank[:2] >= current[row.person][:2]:
                current[row.person] = rank
    return {person: rank[2] for person, rank in current.items()}, residences


def _relationships(folder: SsdFolder, people: People) -> None:
    build = people.build
    written: set[str] = set()

    def relate(about: str, target: dict[str, str], person: str, kind: str, on: date) -> None:
        rid = pair_id(target["child"] or target["pregnancy"], person)
        if rid not in written:
            written.add(rid)
            build.emit(
                "relationships",
                about,
                {
                    "id": rid,
                    "person": person,
                    **target,
                    "kind": kind,
                    "asserted_on": v.iso(on),
                    "start": v.iso(on),
                },
                sources={},
            )

    mother_kind = str(Relationship.Kind.BIRTH_MOTHER)
    for row in folder.table(MOTHER):
        child = people.child_of(row)
        mother = row.values["moth_person_id"]
        if people.left_out(row.person) or people.left_out(mother):
            continue  # a person with a fault of their own, said there
        problem = row.problem or _unknown(people, (row.person, mother))
        if problem:
            build.fault(child.id if child else "", row.where(), "relation", problem)
            continue
        if child is not None:
            on = child.first_seen or child.dob
            if on is not None:
                relate(child.id, child.about(on), mother, mother_kind, on)
                continue
        else:  # the mother of a child the work tables do not name (an older sibling)
            on = people.persons[row.person].dob
            if on is not None:
                relate("", {"child": row.person, "pregnancy": ""}, mother, mother_kind, on)
                continue
        build.skipped["ssd_mother: a relationship the tables give no date for"] += 1
    families: dict[str, list[SsdRow]] = defaultdict(list)
    for row in folder.table(FAMILY):
        families[row.values["fami_family_id"]].append(row)
    for family, rows in families.items():
        children = [people.children[r.person] for r in rows if r.person in people.children]
        for row in rows:
            if people.left_out(row.person):
                continue  # a person with a fault of their own, said there
            problem = row.problem or ("the family has no id" if not family else "")
            problem = problem or _unknown(people, (row.person,))
            if problem:
                for about in [c.id for c in children] or [""]:
                    build.fault(about, row.where(), "relation", problem)
                continue
            member = people.persons[row.person]
            if member.id in people.children and member.dob is None:
                continue  # an unborn child has no record to be around another child with
            for child in children:
                on = child.first_seen or child.dob
                if member.id in (child.id, child.mother) or on is None:
                    continue
                kind = member_kind(member.values.get("sex", ""), member.dob, on)
                relate(child.id, child.about(on), member.id, kind, on)


def _unknown(people: People, persons: tuple[str, ...]) -> str:
    for person in persons:
        if not person:
            return "names no person"
        if not people.known(person):
            return f"names a person ({person}) ssd_person does not hold"
    return ""
