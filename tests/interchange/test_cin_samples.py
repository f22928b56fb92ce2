"""The fake returns of the data-to-insight CIN validator (tests/fixtures/datasets/cin-census):
each deliberate fault is reported by child, element and rule, each faulty child is kept in the
quarantine with its faults, and a child that passes, put among them, loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from seen.areas.models import Agency
from seen.facts.models import Referral
from seen.ingest.models import QuarantinedRow
from seen.interchange.cin_census import import_return
from seen.interchange.cin_load import CENSUS_FILE
from seen.people.models import SourceRecord
from tests.interchange import cin_xml
from tests.interchange.cin_xml import AGENCY, child, episode

council = cin_xml.council
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "datasets" / "cin-census"

ONE = "DfEX0000001"
TWO = "child_fails_assessments"
STRAY_TEXT = (ONE, "xml-text", "ChildIdentifiers", True)
SEX_1 = (ONE, "sex", "ChildIdentifiers/Sex", True)
FACTOR_RB = (
    ONE,
    "code",
    "CINdetails/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors",
    True,
)
FUTURE_ASSESSMENT = [
    (ONE, "after-census", "CINdetails/Assessments/AssessmentActualStartDate", False),
    (ONE, "8608", "CINdetails/Assessments/AssessmentAuthorisationDate", False),
]
BAD_ID = [
    (TWO, "1570", "ChildIdentifiers/LAchildID", False),
    (TWO, "1580", "ChildIdentifiers/LAchildID", False),
    (TWO, "after-census", "CINdetails/CINreferralDate", False),
    (TWO, "after-census", "CINdetails/CINclosureDate", False),
]
EXPECTED = {
    "CIN_Census_2021.xml": [
        STRAY_TEXT,
        (ONE, "8525Q", "ChildIdentifiers/PersonBirthDate", False),
        (ONE, "8530Q", "ChildIdentifiers/ExpectedPersonBirthDate", False),
    ],
    "CIN_Census_2024.xml": [STRAY_TEXT, SEX_1, FACTOR_RB, *FUTURE_ASSESSMENT, *BAD_ID],
    "CIN_Census_2026.xml": [
        STRAY_TEXT,
        SEX_1,
        FACTOR_RB,
        *FUTURE_ASSESSMENT,
        *[
            (ONE, "after-census", f"CINdetails/PreProceedingsandFGDM/{name}", False)
            for name in (
                "PPStartDate",
                "LBPSentDate",
                "InitialPPMeetingDate",
                "StepDecisionDate",
                "CourtAppDate",
            )
        ],
        *BAD_ID,
    ],
}


def _child_lines(path: Path) -> list[int]:
    text = path.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(text, start=1) if line.strip() == "<Child>"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_deliberate_fault_is_reported_and_each_faulty_child_quarantined(
    name: str, council: Agency
) -> None:
    outcome = import_return(SAMPLES / name, AGENCY, link=False)
    found = [(f.child, f.rule, f.element, f.warning) for f in outcome.faults]
    assert sorted(found) == sorted(EXPECTED[name])
    assert all(fault.reason for fault in outcome.faults)
    children = {fault[0] for fault in EXPECTED[name]}
    assert (outcome.children_loaded, outcome.quarantined) == (0, len(children))
    assert not SourceRecord.objects.exists()
    held = QuarantinedRow.objects.filter(file=CENSUS_FILE, status=QuarantinedRow.Status.OPEN)
    kept = sorted((q.row["LAchildID"], q.field) for q in held)
    assert kept == sorted(
        (c, element) for c, _rule, element, warning in EXPECTED[name] if not warning
    )
    assert {q.line for q in held} == set(_child_lines(SAMPLES / name))
    assert all(q.row["Child"].startswith("<Child>") and q.reason.startswith("rule ") for q in held)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_child_that_passes_loads_beside_the_faulty_ones(
    name: str, council: Agency, tmp_path: Path
) -> None:
    sample = (SAMPLES / name).read_text(encoding="utf-8")
    reference = "2023-03-31" if name == "CIN_Census_2021.xml" else "2024-03-31"
    baby = child(
        episode(referral=f"{reference[:4]}-02-01"),
        child_id="GOOD1",
        born=f"{reference[:4]}-01-10",
    )
    path = tmp_path / name
    path.write_text(sample.replace("</Children>", f"{baby}\n</Children>"), encoding="utf-8")
    outcome = import_return(path, AGENCY, link=False)
    assert (outcome.children_loaded, outcome.quarantined) == (
        1,
        len({f[0] for f in EXPECTED[name]}),
    )
    assert list(SourceRecord.objects.values_list("local_id", flat=True)) == ["GOOD1"]
    assert Referral.objects.get().child.local_id == "GOOD1"
    assert not [f for f in outcome.faults if f.child == "GOOD1"]
