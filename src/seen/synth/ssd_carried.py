"""An agency's extract rows as the Standard Safeguarding Dataset carries them: what an SSD
import of seen.synth.ssd_writer's tables should give, worked out from the extract rows alone.
The round trip loads these through the extract format and compares what Seen holds with the
SSD import's (tests/interchange/test_ssd_round_trip.py).

What the SSD does not carry, taken out here as docs/ssd.md lists it: a record's middle names,
previous surnames, phone, first language and interpreter; a practitioner's phone and e-mail; who
the father is (every man of the family is a male carer) and when each relationship was recorded
(the first day the tables hold for the child); whether the father took part in an assessment and
the checks made; the factors of a section 47 enquiry; who a conference invited and who came; a
plan's lead (child protection), review date and information-sharing plan; who was seen at a
visit; programmes, findings of fact, pre-birth and looked-after plans. A row the SSD holds under
another table's id keeps that table's prefix (seen.interchange.ssd_work.prefixed); a child that
is one person from pregnancy to birth has one pregnancy, named by the child's id."""

from __future__ import annotations

from datetime import date

from seen.interchange import ssd_tables as t
from seen.interchange.ssd_extract import pair_id
from seen.interchange.ssd_people import Child, member_kind
from seen.interchange.ssd_values import factors as read_factors
from seen.interchange.ssd_work import prefixed
from seen.synth.extract_rows import Rows
from seen.synth.ssd_writer import INVOLVEMENT_ROLES, person_of, subject

NOT_KNOWN = "not_known"
_DATED = {
    "assessments": "started_on",
    "conferences": "date",
    "plans": "start",
    "contacts": "date",
    "responsibilities": "start",
}
_PLANS = {
    "child_protection": t.CP_PLANS,
    "child_in_need": t.CIN_PLANS,
    "early_help": t.EARLY_HELP_EPISODES,
}


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def carried(rows: Rows) -> Rows:
    """The agency's rows (by extract table) as an SSD import of them gives them back."""
    persons = person_of(rows)
    held = _held(rows)
    children = _children(rows, persons, held)
    out: Rows = {name: [] for name in rows}
    out["practitioners"] = [{**r, "phone": "", "email": ""} for r in rows.get("practitioners", [])]
    unborn = {c.id for c in children.values() if c.dob is None}
    for row in rows.get("people", []):
        if row["id"] in unborn:
            continue
        kept = {
            **row,
            "middle_names": "",
            "previous_surnames": "",
            "phone": "",
            "first_language": "",
            "interpreter_needed": "",
        }
        if not row["postcode"]:
            kept["address"] = ""
        out["people"].append(kept)
    out["residences"] = list(rows.get("residences", []))
    for child in children.values():
        if child.pregnancy:
            assert child.expected is not None
            out["pregnancies"].append(
                {
                    "id": child.id,
                    "mother": child.mother,
                    "expected_date": child.expected.isoformat(),
                    "booked_on": "",
                    "status": "born" if child.dob else "ongoing",
                    "child": child.id if child.dob else "",
                }
            )
    out["relationships"] = _relationships(rows, persons, children, unborn)
    _facts(rows, persons, children, held, out)
    return _without_quarantined(out, children)


def _held(rows: Rows) -> set[str]:
    """The agency's own practitioners, and its rows' references to another agency's."""
    return {r["id"] for r in rows.get("practitioners", [])}


def _children(rows: Rows, persons: dict[str, str], held: set[str]) -> dict[str, Child]:
    records = {r["id"]: r for r in rows.get("people", [])}
    named: list[str] = []
    for table in ("assessments", "conferences", "contacts"):
        named += [subject(r, persons) for r in rows.get(table, [])]
    named += [subject(r, persons) for r in rows.get("plans", []) if r["kind"] in _PLANS]
    named += [p["id"] for p in rows.get("pregnancies", []) if not p["child"]]
    # a baby recorded without a date of birth is, to the SSD, still its expected one
    named += [
        p["child"]
        for p in rows.get("pregnancies", [])
        if p["child"] and not records.get(p["child"], {}).get("dob")
    ]
    children: dict[str, Child] = {}
    for person in named:
        if person in children:
            continue
        record = records.get(person, {})
        children[person] = Child(person, _day(record.get("dob", "")), None)
    for pregnancy in rows.get("pregnancies", []):
        child = children.get(persons[pregnancy["id"]])
        if child is not None:
            child.expected = _day(pregnancy["expected_date"])
            child.mother = pregnancy["mother"]
    for row in rows.get("relationships", []):
        child = children.get(subject(row, persons))
        if child is not None and row["kind"] == "birth_mother" and not child.mother:
            child.mother = row["person"]
    for table, column in _DATED.items():
        for row in rows.get(table, []):
            child = children.get(subject(row, persons))
            if child is None or (table == "plans" and row["kind"] not in _PLANS):
                continue
            if table == "responsibilities" and row["role"] not in INVOLVEMENT_ROLES:
                continue
            day = _day(row[column])
            if day and (child.first_seen is None or day < child.first_seen):
                child.first_seen = day
    return children


def _relationships(
    rows: Rows, persons: dict[str, str], children: dict[str, Child], unborn: set[str]
) -> list[dict[str, str]]:
    records = {r["id"]: r for r in rows.get("people", [])}
    members: dict[str, list[str]] = {}
    for row in rows.get("relationships", []):
        members.setdefault(subject(row, persons), []).append(row["person"])
    out: list[dict[str, str]] = []
    written: set[str] = set()
    for child in children.values():
        on = child.first_seen or child.dob
        if on is None:
            continue
        everyone = ([child.mother] if child.mother else []) + members.get(child.id, [])
        for person in everyone:
            rid = pair_id(child.id, person)
            if person in (child.id, *unborn) or person not in records or rid in written:
                continue
            written.add(rid)
            record = records[person]
            kind = (
                "birth_mother"
                if person == child.mother
                else member_kind(record["sex"], _day(record["dob"]), on)
            )
            out.append(
                {
                    "id": rid,
                    "person": person,
                    **child.about(on),
                    "kind": kind,
                    "asserted_on": on.isoformat(),
                    "start": on.isoformat(),
                    "end": "",
                }
            )
    return out


def _facts(
    rows: Rows, persons: dict[str, str], children: dict[str, Child], held: set[str], out: Rows
) -> None:
    def worker(value: str) -> str:
        return value if value in held or ":" in value else ""

    def about(row: dict[str, str], column: str) -> dict[str, str]:
        child = children[subject(row, persons)]
        return child.about(_day(row[column]))

    for row in rows.get("assessments", []):
        enquiry = row["kind"] == "section_47"
        where = about(row, "started_on")
        kind = (
            "section_47" if enquiry else "pre_birth" if where["pregnancy"] else ("child_and_family")
        )
        codes = (
            ""
            if enquiry or not row["factors"]
            else ";".join(
                read_factors("factors", '["' + '","'.join(row["factors"].split(";")) + '"]')
            )
        )
        out["assessments"].append(
            {
                **row,
                **where,
                "id": prefixed(t.S47_ENQUIRY if enquiry else t.CIN_ASSESSMENTS, row["id"]),
                "kind": kind,
                "father_involved": NOT_KNOWN,
                "father_not_involved_reason": "",
                "mother_checks_done": NOT_KNOWN,
                "father_checks_done": NOT_KNOWN,
                "factors": codes,
                "practitioner": worker(row["practitioner"]),
            }
        )
    for row in rows.get("conferences", []):
        where = about(row, "date")
        review = row["kind"] == "review"
        kind = "review" if review else "pre_birth" if where["pregnancy"] else "initial"
        out["conferences"].append(
            {
                **row,
                **where,
                "id": prefixed(t.CP_REVIEWS if review else t.INITIAL_CP_CONFERENCE, row["id"]),
                "kind": kind,
                "invited": "",
                "attended": "",
            }
        )
    _plans(rows, persons, children, worker, out)
    for row in rows.get("contacts", []):
        out["contacts"].append(
            {
                **row,
                **about(row, "date"),
                "id": prefixed(t.CIN_VISITS, row["id"]),
                "kind": "social_work_visit",
                "practitioner": "",
                "mother_seen": NOT_KNOWN,
                "father": "",
                "father_seen": NOT_KNOWN,
                "father_not_seen_reason": "",
            }
        )
    for row in rows.get("responsibilities", []):
        mapped = row["role"] in INVOLVEMENT_ROLES and worker(row["practitioner"])
        if mapped and subject(row, persons) in children:  # the SSD holds children's
            out["responsibilities"].append({**row, **about(row, "start")})


def _plans(
    rows: Rows, persons: dict[str, str], children: dict[str, Child], worker: object, out: Rows
) -> None:
    assert callable(worker)
    cin_ends: dict[str, list[tuple[str, str]]] = {}
    for row in rows.get("plans", []):
        if row["kind"] == "child_in_need":
            cin_ends.setdefault(subject(row, persons), []).append(
                (row["end"], prefixed(t.CIN_PLANS, row["id"]))
            )
    for row in rows.get("plans", []):
        table = _PLANS.get(row["kind"])
        if table is None:
            continue
        person = subject(row, persons)
        plan = {
            **row,
            **children[person].about(_day(row["start"])),
            "id": prefixed(table, row["id"]),
            "lead_practitioner": "",
            "key_worker": "",
            "review_date": "",
            "stepped_down_from": "",
            "information_sharing_plan": NOT_KNOWN,
        }
        if table is t.CP_PLANS:
            plan["latest_category_of_abuse"] = (
                row.get("latest_category_of_abuse", "") or row["category_of_abuse"]
            )
        elif table is t.CIN_PLANS:
            plan["lead_practitioner"] = worker(row["lead_practitioner"])
        else:
            lead = worker(row["key_worker"] or row["lead_practitioner"])
            stepped = [p for end, p in cin_ends.get(person, []) if end == row["start"]]
            plan |= {
                "lead_practitioner": lead,
                "key_worker": lead,
                "stepped_down_from": stepped[0] if stepped else "",
            }
        out["plans"].append(plan)


def _without_quarantined(out: Rows, children: dict[str, Child]) -> Rows:
    """A child with neither a date of birth nor an expected one is quarantined whole."""
    gone = {c.id for c in children.values() if c.dob is None and c.expected is None}
    gone |= {c.id for c in children.values() if c.dob is None and not c.mother}
    if not gone:
        return out

    def keeps(table: str, row: dict[str, str]) -> bool:
        if table == "people":
            return row["id"] not in gone
        if table == "pregnancies":
            return row["id"] not in gone
        names = (row.get("child"), row.get("pregnancy"), row.get("person"), row.get("subject"))
        return not gone.intersection(n for n in names if n)

    return {table: [r for r in found if keeps(table, r)] for table, found in out.items()}
