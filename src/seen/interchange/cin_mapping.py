"""A valid CIN census child as the rows of an extract (format 1.1), the agency's own: its record
(or, for an unborn child, a pregnancy), then a row per referral, assessment, section 47 enquiry,
initial conference, child in need plan, child protection plan, review and pre-proceedings.

Row ids are made from the child's `LAchildID`, what the row is and its date
(`A123.referral.2024-05-02`), so that next year's return, which holds the same referral, writes
the same row: it is unchanged, or a new version of it, never a second copy.

The census names no one. A child's record carries its date of birth, sex, ethnicity and UPN; if
the authority's own person extract (or its SSD) has sent a record under the same id, with a name
or an NHS number, the census leaves that record as it is and only points its facts at it. An
unborn child is a pregnancy, which Seen holds with its mother: unless the authority has sent the
pregnancy under the child's id, the census writes one whose mother is a record standing for her
(`A123.mother`: a woman, nothing more known), until the authority's extract names her."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from seen.facts.models import Assessment, Conference, Plan, Referral, YesNo, YesNoNA
from seen.interchange.cin_child import CensusChild
from seen.interchange.cin_validation import CATEGORIES
from seen.interchange.outcome import Fault
from seen.people.models import Pregnancy, Sex

Rows = dict[str, list[dict[str, str]]]
MOTHER_SUFFIX = ".mother"
NOT_KNOWN = YesNoNA.NOT_KNOWN.value


@dataclass(frozen=True)
class HeldRecord:
    by_census: bool  # written by an earlier census import (its batch's extract id says so)
    dob: date | None


@dataclass(frozen=True)
class HeldPregnancy:
    by_census: bool
    mother: str  # the mother's record id in the agency
    expected: date
    booked_on: date | None


@dataclass
class Held:
    """What the agency already holds under the ids of the return's children."""

    records: dict[str, HeldRecord] = field(default_factory=dict)
    pregnancies: dict[str, HeldPregnancy] = field(default_factory=dict)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


class _Rows:
    """A child's rows by table; an id met twice keeps the first row, or numbers a different one."""

    def __init__(self, agency: str) -> None:
        self.agency = agency
        self.tables: Rows = defaultdict(list)
        self.ids: dict[tuple[str, str], dict[str, str]] = {}

    def add(self, table: str, row_id: str, **values: str) -> None:
        row = {"agency": self.agency, "id": row_id, **values}
        number = 1
        while (table, row["id"]) in self.ids:
            if self.ids[(table, row["id"])] == row:
                return
            number += 1
            row["id"] = f"{row_id}.{number}"
        self.ids[(table, row["id"])] = row
        self.tables[table].append(row)


def rows_for(child: CensusChild, agency: str, held: Held) -> tuple[Rows, list[Fault]]:
    """The child's extract rows, and warnings about records the census left as held."""
    rows = _Rows(agency)
    warnings: list[Fault] = []
    subject = _subject(child, rows, held, warnings)
    cid = child.id
    for episode in child.episodes:
        referral = _iso(episode.referral)
        rows.add(
            "referrals",
            f"{cid}.referral.{referral}",
            date=referral,
            **subject,
            kind=Referral.Kind.CHILDRENS_SOCIAL_CARE.value,
            to_agency=agency,
            source=episode.source,
            primary_need=episode.primary_need,
            closed_on=_iso(episode.closed),
            closure_reason=episode.closure_reason,
            no_further_action=episode.no_further_action,
        )
        for assessment in episode.assessments:
            _assessment(
                rows,
                cid,
                subject,
                Assessment.Kind.CHILD_AND_FAMILY,
                assessment.start,
                completed_on=_iso(assessment.authorised),
                factors=";".join(assessment.factors),
            )
        for enquiry in episode.section_47s:
            _assessment(rows, cid, subject, Assessment.Kind.SECTION_47, enquiry.start)
        conferences = {
            episode.initial_conference,
            *(s.initial_conference for s in episode.section_47s),
        }
        for day in sorted(d for d in conferences if d is not None):
            before_birth = child.born is None or day < child.born
            kind = Conference.Kind.PRE_BIRTH if before_birth else Conference.Kind.INITIAL
            rows.add(
                "conferences",
                f"{cid}.initial-conference.{day}",
                date=day.isoformat(),
                **subject,
                kind=kind.value,
            )
        for plan in episode.cin_plans:
            rows.add(
                "plans",
                f"{cid}.cin-plan.{_iso(plan.start)}",
                start=_iso(plan.start),
                **subject,
                kind=Plan.Kind.CHILD_IN_NEED.value,
                end=_iso(plan.end),
                information_sharing_plan=YesNo.NOT_KNOWN.value,
            )
        for protection in episode.protection_plans:
            start = _iso(protection.start)
            rows.add(
                "plans",
                f"{cid}.cp-plan.{start}",
                start=start,
                **subject,
                kind=Plan.Kind.CHILD_PROTECTION.value,
                category_of_abuse=CATEGORIES[protection.initial_category],
                latest_category_of_abuse=CATEGORIES[protection.latest_category],
                end=_iso(protection.end),
                information_sharing_plan=YesNo.NOT_KNOWN.value,
            )
            for review in protection.reviews:
                rows.add(
                    "conferences",
                    f"{cid}.cp-review.{review}",
                    date=review.isoformat(),
                    **subject,
                    kind=Conference.Kind.REVIEW.value,
                )
        for process in episode.pre_proceedings:
            start = _iso(process.start)
            rows.add(
                "pre_proceedings",
                f"{cid}.pre-proceedings.{start}",
                start=start,
                **subject,
                letter_sent_on=_iso(process.letter_sent),
                initial_meeting_on=_iso(process.initial_meeting),
                decision_on=_iso(process.decision),
                outcome=process.outcome,
                court_application_on=_iso(process.court_application),
            )
    return dict(rows.tables), warnings


def _assessment(
    rows: _Rows,
    cid: str,
    subject: dict[str, str],
    kind: Assessment.Kind,
    start: date | None,
    **values: str,
) -> None:
    """The census says nothing of the father's part or of background checks: not known."""
    name = "section-47" if kind == Assessment.Kind.SECTION_47 else "assessment"
    rows.add(
        "assessments",
        f"{cid}.{name}.{_iso(start)}",
        started_on=_iso(start),
        **subject,
        kind=kind.value,
        father_involved=NOT_KNOWN,
        mother_checks_done=NOT_KNOWN,
        father_checks_done=NOT_KNOWN,
        **values,
    )


def _subject(child: CensusChild, rows: _Rows, held: Held, warnings: list[Fault]) -> dict[str, str]:
    """Write the child's record or pregnancy (unless the authority's own extract holds it) and
    say how the child's facts point at it."""
    cid = child.id
    if child.unborn:
        assert child.expected is not None
        pregnancy = held.pregnancies.get(cid)
        if pregnancy is not None and not pregnancy.by_census:
            if pregnancy.expected != child.expected:
                warnings.append(
                    _left_as_held(
                        cid,
                        "ExpectedPersonBirthDate",
                        "pregnancy",
                        "expected",
                        pregnancy.expected,
                        child.expected,
                    )
                )
            return {"pregnancy": cid}
        mother = pregnancy.mother if pregnancy is not None else f"{cid}{MOTHER_SUFFIX}"
        if pregnancy is None or mother == f"{cid}{MOTHER_SUFFIX}":
            rows.add("people", mother, sex=Sex.FEMALE.value)
        rows.add(
            "pregnancies",
            cid,
            mother=mother,
            expected_date=child.expected.isoformat(),
            booked_on=_iso(pregnancy.booked_on if pregnancy else None),
            status=Pregnancy.Status.ONGOING.value,
        )
        return {"pregnancy": cid}
    record = held.records.get(cid)
    if record is None or record.by_census:
        rows.add(
            "people",
            cid,
            dob=_iso(child.born),
            sex=child.sex,
            ethnicity=child.ethnicity,
            upn=child.upn,
        )
    elif record.dob != child.born:
        warnings.append(
            _left_as_held(cid, "PersonBirthDate", "record", "born", record.dob, child.born)
        )
    pregnancy = held.pregnancies.get(cid)
    if pregnancy is not None and pregnancy.by_census:  # the unborn child of an earlier return
        rows.add(
            "pregnancies",
            cid,
            mother=pregnancy.mother,
            expected_date=pregnancy.expected.isoformat(),
            booked_on=_iso(pregnancy.booked_on),
            status=Pregnancy.Status.BORN.value,
            child=cid,
        )
    return {"child": cid}


def _left_as_held(
    cid: str, element: str, kind: str, said: str, held: date | None, census: date | None
) -> Fault:
    return Fault(
        cid,
        f"ChildIdentifiers/{element}",
        "held-record",
        f"the {kind} the authority sent under this id says {said} {held or 'not known'}, the "
        f"census {census}; the {kind} was left as the authority sent it",
        warning=True,
    )
