"""One `Child` of a CIN census return read into typed values, in either layout: the 2024-25
onward one (`Sex`: M, F, U, an unborn child U) and the older one (`GenderCurrent`: 0 not known
or unborn, 1 male, 2 female, 9 indeterminate). What cannot be read is named as it is met: a date
that is not a date is a fault (the child is quarantined); a code outside its list, or text
standing between elements, is a warning (the value is left out, the child still loads)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from xml.etree.ElementTree import Element

from seen.core.codes import code_values
from seen.interchange.cin_parse import ChildElement, local_name
from seen.interchange.outcome import Fault
from seen.people.models import Sex

SEX_CODES = {"M": Sex.MALE, "F": Sex.FEMALE, "U": Sex.NOT_KNOWN}
GENDER_CODES = {"0": Sex.NOT_KNOWN, "1": Sex.MALE, "2": Sex.FEMALE, "9": Sex.INDETERMINATE}
TRUE_FALSE = {"true": "yes", "1": "yes", "false": "no", "0": "no"}
UPN_LENGTH = 13
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value: str) -> date:
    """An xs:date as the census writes it (YYYY-MM-DD); ValueError for anything else."""
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(value)
    return date.fromisoformat(value)


@dataclass
class Assessment:
    where: str
    start: date | None
    authorised: date | None
    factors: list[str]


@dataclass
class CinPlan:
    where: str
    start: date | None
    end: date | None


@dataclass
class Section47:
    where: str
    start: date | None
    initial_conference: date | None


@dataclass
class ProtectionPlan:
    where: str
    start: date | None
    end: date | None
    initial_category: str
    latest_category: str
    reviews: list[date]


@dataclass
class PreProceedings:
    where: str
    start: date | None
    letter_sent: date | None
    initial_meeting: date | None
    decision: date | None
    outcome: str
    court_application: date | None


@dataclass
class Episode:
    """One `CINdetails`: a referral to children's social care and what followed it."""

    where: str
    referral: date | None
    source: str
    primary_need: str
    closed: date | None
    closure_reason: str
    initial_conference: date | None
    no_further_action: str
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[CinPlan] = field(default_factory=list)
    section_47s: list[Section47] = field(default_factory=list)
    protection_plans: list[ProtectionPlan] = field(default_factory=list)
    pre_proceedings: list[PreProceedings] = field(default_factory=list)


@dataclass
class CensusChild:
    line: int
    xml: str
    id: str
    upn: str = ""
    born: date | None = None
    expected: date | None = None
    sex: str = Sex.NOT_KNOWN
    ethnicity: str = ""
    episodes: list[Episode] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    @property
    def unborn(self) -> bool:
        return self.born is None and self.expected is not None


class _Reader:
    """Reads the elements of one child, noting each fault against the child's id."""

    def __init__(self, child_id: str) -> None:
        self.child_id = child_id
        self.faults: list[Fault] = []

    def fault(self, where: str, rule: str, reason: str, *, warning: bool = False) -> None:
        self.faults.append(Fault(self.child_id, where, rule, reason, warning))

    def text(self, parent: Element | None, name: str) -> str:
        found = _first(parent, name)
        return (found.text or "").strip() if found is not None else ""

    def day(self, parent: Element | None, name: str, where: str) -> date | None:
        return self.a_date(self.text(parent, name), f"{where}/{name}")

    def a_date(self, value: str, where: str) -> date | None:
        if not value:
            return None
        try:
            return iso_date(value)
        except ValueError:
            self.fault(where, "date", f"{value[:40]!r} is not a date in the form YYYY-MM-DD")
            return None

    def code(self, parent: Element | None, name: str, where: str, code_list: str) -> str:
        value = self.text(parent, name)
        if value and value not in code_values(code_list):
            self.fault(
                f"{where}/{name}",
                "code",
                f"{value!r} is not a code of the CIN census list of {code_list.replace('_', ' ')}"
                "; it was left out",
                warning=True,
            )
            return ""
        return value

    def stray_text(self, element: Element, where: str) -> None:
        """Text between the elements of a group (not inside one) is not part of any value."""
        pieces = [element.text or ""] + [child.tail or "" for child in element]
        stray = " ".join(piece.strip() for piece in pieces if piece.strip())
        if stray and len(element):
            self.fault(
                where or "Child",
                "xml-text",
                f"the text {stray[:60]!r} stands between the elements of {local_name(element.tag)}"
                ", outside any of them; it was ignored",
                warning=True,
            )
        for child in element:
            if len(child):
                name = local_name(child.tag)
                self.stray_text(child, f"{where}/{name}" if where else name)


def _first(parent: Element | None, name: str) -> Element | None:
    if parent is None:
        return None
    return next((child for child in parent if local_name(child.tag) == name), None)


def _all(parent: Element | None, name: str) -> list[Element]:
    return [] if parent is None else [c for c in parent if local_name(c.tag) == name]


def _numbered(parent: Element | None, name: str, where: str) -> list[tuple[str, Element]]:
    """The elements of a name with where each is: numbered when there are several."""
    found = _all(parent, name)
    prefix = f"{where}/" if where else ""
    if len(found) == 1:
        return [(f"{prefix}{name}", found[0])]
    return [(f"{prefix}{name}[{n}]", element) for n, element in enumerate(found, start=1)]


def read_child(sent: ChildElement) -> CensusChild:
    element = sent.element
    identifiers = _first(element, "ChildIdentifiers")
    characteristics = _first(element, "ChildCharacteristics")
    found = _first(identifiers, "LAchildID")
    child_id = (found.text or "") if found is not None else ""
    reader = _Reader(child_id.strip())
    reader.stray_text(element, "")
    child = CensusChild(
        sent.line,
        sent.xml,
        child_id.strip(),
        upn=_upn(reader, identifiers),
        born=reader.day(identifiers, "PersonBirthDate", "ChildIdentifiers"),
        expected=reader.day(identifiers, "ExpectedPersonBirthDate", "ChildIdentifiers"),
        sex=_sex(reader, identifiers),
        ethnicity=reader.code(characteristics, "Ethnicity", "ChildCharacteristics", "ethnicity"),
    )
    child.episodes = [
        _episode(reader, where, e) for where, e in _numbered(element, "CINdetails", "")
    ]
    child.faults = reader.faults
    return child


def _upn(reader: _Reader, identifiers: Element | None) -> str:
    value = reader.text(identifiers, "UPN")
    if len(value) > UPN_LENGTH:
        reader.fault(
            "ChildIdentifiers/UPN",
            "upn",
            f"{value[:40]!r} is longer than a UPN's {UPN_LENGTH} characters; it was left out",
            warning=True,
        )
        return ""
    return value


def _sex(reader: _Reader, identifiers: Element | None) -> str:
    if _first(identifiers, "Sex") is not None:
        value = reader.text(identifiers, "Sex").upper()
        if value in SEX_CODES:
            return SEX_CODES[value]
        if value in GENDER_CODES:  # the older layout's code under the newer name
            reader.fault(
                "ChildIdentifiers/Sex",
                "sex",
                f"{value!r} is the older GenderCurrent code, not M, F or U; read as "
                f"{GENDER_CODES[value].label.lower()}",
                warning=True,
            )
            return GENDER_CODES[value]
        reader.fault(
            "ChildIdentifiers/Sex",
            "sex",
            f"{value!r} is not M, F or U; left as not known",
            warning=True,
        )
        return Sex.NOT_KNOWN
    value = reader.text(identifiers, "GenderCurrent")
    if value and value not in GENDER_CODES:
        reader.fault(
            "ChildIdentifiers/GenderCurrent",
            "sex",
            f"{value!r} is not 0, 1, 2 or 9; left as not known",
            warning=True,
        )
    return GENDER_CODES.get(value, Sex.NOT_KNOWN)


def _episode(reader: _Reader, where: str, element: Element) -> Episode:
    nfa = reader.text(element, "ReferralNFA").lower()
    if nfa and nfa not in TRUE_FALSE:
        reader.fault(
            f"{where}/ReferralNFA",
            "code",
            f"{nfa!r} is not true or false; left as not known",
            warning=True,
        )
    episode = Episode(
        where,
        referral=reader.day(element, "CINreferralDate", where),
        source=reader.code(element, "ReferralSource", where, "referral_source"),
        primary_need=reader.code(element, "PrimaryNeedCode", where, "primary_need"),
        closed=reader.day(element, "CINclosureDate", where),
        closure_reason=reader.code(element, "ReasonForClosure", where, "reason_for_closure"),
        initial_conference=reader.day(element, "DateOfInitialCPC", where),
        no_further_action=TRUE_FALSE.get(nfa, "not_known" if nfa else ""),
    )
    for at, part in _numbered(element, "Assessments", where):
        factors_element = _first(part, "FactorsIdentifiedAtAssessment")
        factors = []
        for factor in _all(factors_element, "AssessmentFactors"):
            code = (factor.text or "").strip()
            if code in code_values("assessment_factors"):
                factors.append(code)
            elif code:
                reader.fault(
                    f"{at}/FactorsIdentifiedAtAssessment/AssessmentFactors",
                    "code",
                    f"{code!r} is not a CIN census factor identified at assessment; "
                    "it was left out",
                    warning=True,
                )
        episode.assessments.append(
            Assessment(
                at,
                reader.day(part, "AssessmentActualStartDate", at),
                reader.day(part, "AssessmentAuthorisationDate", at),
                factors,
            )
        )
    for at, part in _numbered(element, "CINPlanDates", where):
        episode.cin_plans.append(
            CinPlan(
                at,
                reader.day(part, "CINPlanStartDate", at),
                reader.day(part, "CINPlanEndDate", at),
            )
        )
    for at, part in _numbered(element, "Section47", where):
        episode.section_47s.append(
            Section47(
                at,
                reader.day(part, "S47ActualStartDate", at),
                reader.day(part, "DateOfInitialCPC", at),
            )
        )
    for at, part in _numbered(element, "ChildProtectionPlans", where):
        reviews = [
            day
            for reviews_at, review in _numbered(part, "Reviews", at)
            for day in _review_dates(reader, review, reviews_at)
        ]
        episode.protection_plans.append(
            ProtectionPlan(
                at,
                reader.day(part, "CPPstartDate", at),
                reader.day(part, "CPPendDate", at),
                reader.text(part, "InitialCategoryOfAbuse").upper(),
                reader.text(part, "LatestCategoryOfAbuse").upper(),
                reviews,
            )
        )
    for at, part in _numbered(element, "PreProceedingsandFGDM", where):
        episode.pre_proceedings.append(
            PreProceedings(
                at,
                reader.day(part, "PPStartDate", at),
                reader.day(part, "LBPSentDate", at),
                reader.day(part, "InitialPPMeetingDate", at),
                reader.day(part, "StepDecisionDate", at),
                reader.text(part, "PPOutcome")[:16],
                reader.day(part, "CourtAppDate", at),
            )
        )
    return episode


def _review_dates(reader: _Reader, reviews: Element, where: str) -> list[date]:
    found: list[date] = []
    for at, review in _numbered(reviews, "CPPreviewDate", where):
        day = reader.a_date((review.text or "").strip(), at)
        if day is not None:
            found.append(day)
    return found
