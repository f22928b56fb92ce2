"""Small CIN census returns written for the tests: a child in either layout, its referrals and
what followed them, each element given or left out. The census year ends 31 March 2025."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from seen.areas.models import Agency

REFERENCE = "2025-03-31"
AGENCY = "QAV-CSC"


def _element(name: str, value: str | None) -> str:
    return "" if value is None else f"<{name}>{value}</{name}>"


def assessment(
    start: str = "2025-01-02",
    authorised: str | None = "2025-01-20",
    factors: tuple[str, ...] = ("3A", "2B"),
) -> str:
    listed = "".join(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in factors)
    return (
        f"<Assessments>{_element('AssessmentActualStartDate', start)}"
        f"{_element('AssessmentAuthorisationDate', authorised)}"
        f"<FactorsIdentifiedAtAssessment>{listed}</FactorsIdentifiedAtAssessment></Assessments>"
    )


def cin_plan(start: str | None = "2025-01-21", end: str | None = None) -> str:
    dates = f"{_element('CINPlanStartDate', start)}{_element('CINPlanEndDate', end)}"
    return f"<CINPlanDates>{dates}</CINPlanDates>"


def section_47(start: str | None = "2025-01-05", conference: str | None = "2025-01-25") -> str:
    return (
        f"<Section47>{_element('S47ActualStartDate', start)}"
        f"<InitialCPCtarget>2025-01-26</InitialCPCtarget>{_element('DateOfInitialCPC', conference)}"
        "<ICPCnotRequired>false</ICPCnotRequired></Section47>"
    )


def protection_plan(
    start: str | None = "2025-01-25",
    end: str | None = None,
    initial: str | None = "NEG",
    latest: str | None = "EMO",
    reviews: tuple[str, ...] = ("2025-03-20",),
) -> str:
    dates = "".join(f"<CPPreviewDate>{d}</CPPreviewDate>" for d in reviews)
    return (
        f"<ChildProtectionPlans>{_element('CPPstartDate', start)}{_element('CPPendDate', end)}"
        f"{_element('InitialCategoryOfAbuse', initial)}{_element('LatestCategoryOfAbuse', latest)}"
        f"<NumberOfPreviousCPP>0</NumberOfPreviousCPP><Reviews>{dates}</Reviews>"
        "</ChildProtectionPlans>"
    )


def pre_proceedings(start: str | None = "2025-02-10", decision: str | None = "2025-03-25") -> str:
    return (
        f"<PreProceedingsandFGDM>{_element('PPStartDate', start)}"
        "<LBPSentDate>2025-02-11</LBPSentDate><FGDMMeetingOffer>1</FGDMMeetingOffer>"
        "<InitialPPMeetingDate>2025-02-20</InitialPPMeetingDate>"
        f"{_element('StepDecisionDate', decision)}<PPOutcome>A</PPOutcome>"
        "</PreProceedingsandFGDM>"
    )


def episode(
    *parts: str,
    referral: str | None = "2025-01-01",
    source: str = "3B",
    need: str = "N1",
    closed: str | None = None,
    closure: str | None = None,
    conference: str | None = None,
    nfa: str = "false",
) -> str:
    return (
        f"<CINdetails>{_element('CINreferralDate', referral)}"
        f"<ReferralSource>{source}</ReferralSource><PrimaryNeedCode>{need}</PrimaryNeedCode>"
        f"{_element('CINclosureDate', closed)}{_element('ReasonForClosure', closure)}"
        f"{_element('DateOfInitialCPC', conference)}{''.join(parts)}"
        f"<ReferralNFA>{nfa}</ReferralNFA></CINdetails>"
    )


def full_episode() -> str:
    """A referral with everything that can follow it, all in order."""
    return episode(
        assessment(),
        cin_plan(end="2025-01-24"),
        section_47(),
        protection_plan(),
        pre_proceedings(),
        conference="2025-01-25",
    )


def child(
    *episodes: str,
    child_id: str | None = "C1",
    born: str | None = "2024-12-10",
    expected: str | None = None,
    sex: str | None = "M",
    gender: str | None = None,
    upn: str | None = "A123456789012",
    ethnicity: str = "WBRI",
    stray: str = "",
) -> str:
    return (
        f"<Child><ChildIdentifiers>{_element('LAchildID', child_id)}{_element('UPN', upn)}"
        f"<UPNunknown>UN1</UPNunknown>{stray}{_element('PersonBirthDate', born)}"
        f"{_element('ExpectedPersonBirthDate', expected)}{_element('Sex', sex)}"
        f"{_element('GenderCurrent', gender)}</ChildIdentifiers>"
        f"<ChildCharacteristics><Ethnicity>{ethnicity}</Ethnicity><Disabilities>"
        "<Disability>NONE</Disability></Disabilities></ChildCharacteristics>"
        f"{''.join(episodes)}</Child>"
    )


def census(*children: str, reference: str = REFERENCE) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails>'
        f"<Collection>CIN</Collection><Year>2025</Year><ReferenceDate>{reference}</ReferenceDate>"
        "</CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source>"
        "</Header>\n<Children>\n" + "\n".join(children) + "\n</Children></Message>\n"
    )


def write(directory: Path, xml: str, name: str = "return.xml") -> Path:
    path = directory / name
    path.write_text(xml, encoding="utf-8")
    return path


@pytest.fixture
def council(db: None) -> Agency:
    """The local authority's children's social care, the agency the returns are loaded as."""
    from seen.areas.models import Agency, Area  # the XML builders above need no Django

    area = Area.objects.create(code="QAV", name="Quarry Vale")
    return Agency.objects.create(
        code=AGENCY,
        name="Quarry Vale Children's Social Care",
        kind="childrens_social_care",
        area=area,
    )
