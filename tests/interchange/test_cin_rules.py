"""Each check of a CIN census child, on a small return built for it: a fault names the child, the
element and the rule, and quarantines the child whole; a warning lets it load. Both layouts (Sex
and GenderCurrent) load."""

from __future__ import annotations

from pathlib import Path

import pytest

from seen.areas.models import Agency
from seen.facts.models import Assessment, Conference, Plan, Referral
from seen.interchange.cin_census import import_return
from seen.interchange.outcome import ImportOutcome
from seen.people.models import Pregnancy, SourceRecord
from tests.interchange import cin_xml
from tests.interchange.cin_xml import (
    AGENCY,
    assessment,
    census,
    child,
    cin_plan,
    episode,
    full_episode,
    pre_proceedings,
    protection_plan,
    section_47,
)

council = cin_xml.council


def _import(tmp_path: Path, *children: str) -> ImportOutcome:
    return import_return(cin_xml.write(tmp_path, census(*children)), AGENCY, link=False)


def _faults(outcome: ImportOutcome) -> set[tuple[str, str, str]]:
    return {(f.child, f.rule, f.element) for f in outcome.faults if not f.warning}


def test_a_child_with_everything_in_order_loads_without_a_word(
    council: Agency, tmp_path: Path
) -> None:
    outcome = _import(tmp_path, child(full_episode()))
    assert outcome.faults == []
    assert (outcome.children_loaded, outcome.quarantined) == (1, 0)
    assert SourceRecord.objects.filter(local_id="C1").exists()


PROTECTION = "CINdetails/ChildProtectionPlans"
CASES = {
    "8500 no id": (
        child(full_episode(), child_id=None),
        ("", "8500", "ChildIdentifiers/LAchildID"),
    ),
    "1570 id too long": (
        child(full_episode(), child_id="A" * 21),
        ("A" * 21, "1570", "ChildIdentifiers/LAchildID"),
    ),
    "1580 id not alphanumeric": (
        child(full_episode(), child_id="AB-12"),
        ("AB-12", "1580", "ChildIdentifiers/LAchildID"),
    ),
    "1580 id with a letter outside ASCII": (
        child(full_episode(), child_id="AB\u00e912"),
        ("AB\u00e912", "1580", "ChildIdentifiers/LAchildID"),
    ),
    "8525Q both dates": (
        child(full_episode(), expected="2025-05-01"),
        ("C1", "8525Q", "ChildIdentifiers/PersonBirthDate"),
    ),
    "8525Q neither date": (
        child(full_episode(), born=None),
        ("C1", "8525Q", "ChildIdentifiers/PersonBirthDate"),
    ),
    "8520 born after the census": (
        child(episode(referral="2025-03-01"), born="2025-04-01"),
        ("C1", "8520", "ChildIdentifiers/PersonBirthDate"),
    ),
    "8530Q expected too late": (
        child(episode(referral="2025-03-01"), born=None, expected="2026-01-01", sex="U"),
        ("C1", "8530Q", "ChildIdentifiers/ExpectedPersonBirthDate"),
    ),
    "8530Q expected too early": (
        child(episode(referral="2025-01-01"), born=None, expected="2025-02-28", sex="U"),
        ("C1", "8530Q", "ChildIdentifiers/ExpectedPersonBirthDate"),
    ),
    "8606 referred 40 weeks before the expected birth": (
        child(episode(referral="2024-08-24"), born=None, expected="2025-06-01", sex="U"),
        ("C1", "8606", "CINdetails/CINreferralDate"),
    ),
    "8606 referred 40 weeks before birth": (
        child(episode(referral="2024-02-01")),
        ("C1", "8606", "CINdetails/CINreferralDate"),
    ),
    "8720 plan without a start": (
        child(episode(protection_plan(start=None))),
        ("C1", "8720", f"{PROTECTION}/CPPstartDate"),
    ),
    "8720 plan starting after the census": (
        child(episode(protection_plan(start="2025-04-02", reviews=()))),
        ("C1", "8720", f"{PROTECTION}/CPPstartDate"),
    ),
    "8905 initial category not in the list": (
        child(episode(protection_plan(initial="XYZ"), conference="2025-01-25")),
        ("C1", "8905", f"{PROTECTION}/InitialCategoryOfAbuse"),
    ),
    "8905 initial category missing": (
        child(episode(protection_plan(initial=None), conference="2025-01-25")),
        ("C1", "8905", f"{PROTECTION}/InitialCategoryOfAbuse"),
    ),
    "8910 latest category missing": (
        child(episode(protection_plan(latest=""), conference="2025-01-25")),
        ("C1", "8910", f"{PROTECTION}/LatestCategoryOfAbuse"),
    ),
    "8925 plan ending before it starts": (
        child(episode(protection_plan(end="2025-01-20", reviews=()), conference="2025-01-25")),
        ("C1", "8925", f"{PROTECTION}/CPPendDate"),
    ),
    "8935 two open plans": (
        child(
            episode(
                protection_plan(),
                protection_plan(start="2025-02-25", reviews=()),
                conference="2025-01-25",
            )
        ),
        ("C1", "8935", f"{PROTECTION}[2]/CPPendDate"),
    ),
    "8940 overlapping plans": (
        child(
            episode(
                protection_plan(end="2025-02-20", reviews=()),
                protection_plan(start="2025-02-01", reviews=()),
                conference="2025-01-25",
            )
        ),
        ("C1", "8940", f"{PROTECTION}[2]/CPPstartDate"),
    ),
    "8608 assessment authorised before it started": (
        child(episode(assessment(start="2025-01-10", authorised="2025-01-05"))),
        ("C1", "8608", "CINdetails/Assessments/AssessmentAuthorisationDate"),
    ),
    "4011 CIN plan ending before it starts": (
        child(episode(cin_plan(start="2025-01-21", end="2025-01-20"))),
        ("C1", "4011", "CINdetails/CINPlanDates/CINPlanEndDate"),
    ),
    "closed before the referral": (
        child(episode(closed="2024-12-31", closure="RC8")),
        ("C1", "closure-before-referral", "CINdetails/CINclosureDate"),
    ),
    "pre-proceedings decided before they start": (
        child(episode(pre_proceedings(start="2025-02-10", decision="2025-02-01"))),
        ("C1", "decision-before-start", "CINdetails/PreProceedingsandFGDM/StepDecisionDate"),
    ),
    "an assessment after the census period": (
        child(episode(assessment(start="2025-04-10", authorised=None))),
        ("C1", "after-census", "CINdetails/Assessments/AssessmentActualStartDate"),
    ),
    "a date that is not a date": (
        child(episode(referral="01/01/2025")),
        ("C1", "date", "CINdetails/CINreferralDate"),
    ),
    "a referral without its date": (
        child(episode(referral=None)),
        ("C1", "missing", "CINdetails/CINreferralDate"),
    ),
    "a section 47 enquiry without its start": (
        child(episode(section_47(start=None))),
        ("C1", "missing", "CINdetails/Section47/S47ActualStartDate"),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_fault_is_named_and_quarantines_the_child_whole(
    case: str, council: Agency, tmp_path: Path
) -> None:
    faulty, expected = CASES[case]
    good = child(full_episode(), child_id="OK1")
    outcome = _import(tmp_path, faulty, good)
    assert expected in _faults(outcome)
    assert all(f.reason and f.child == expected[0] for f in outcome.faults if not f.warning)
    assert (outcome.children_loaded, outcome.quarantined) == (1, 1)
    assert set(SourceRecord.objects.values_list("local_id", flat=True)) == {"OK1"}
    assert set(Referral.objects.values_list("child__local_id", flat=True)) == {"OK1"}
    assert not Pregnancy.objects.exists()


def test_8510_every_child_sharing_an_id_is_quarantined(council: Agency, tmp_path: Path) -> None:
    twins = (
        child(full_episode(), child_id="T1"),
        child(full_episode(), child_id="T1", born="2024-11-01"),
    )
    outcome = _import(tmp_path, *twins, child(full_episode(), child_id="OK1"))
    eighty_five_ten = [f for f in outcome.faults if f.rule == "8510"]
    assert [f.child for f in eighty_five_ten] == ["T1", "T1"]
    assert "2 children" in eighty_five_ten[0].reason
    assert (outcome.children_loaded, outcome.quarantined) == (1, 2)


@pytest.mark.parametrize(
    "expected", ["2025-03-01", "2025-12-31"], ids=["30 days before", "9 months after"]
)
def test_8530Q_the_bounds_of_the_expected_range_load(
    expected: str, council: Agency, tmp_path: Path
) -> None:
    unborn = child(episode(referral="2025-03-30"), born=None, expected=expected, sex="U")
    assert _import(tmp_path, unborn).children_loaded == 1


def test_2885_a_plan_starting_off_its_conference_is_a_warning_and_loads(
    council: Agency, tmp_path: Path
) -> None:
    outcome = _import(tmp_path, child(episode(protection_plan(), conference="2025-01-24")))
    [warning] = outcome.faults
    assert (warning.rule, warning.element, warning.warning) == (
        "2885",
        f"{PROTECTION}/CPPstartDate",
        True,
    )
    assert "2025-01-24" in warning.reason
    assert outcome.children_loaded == 1 and Plan.objects.filter(kind="child_protection").exists()


def test_codes_outside_their_lists_are_left_out_with_a_warning(
    council: Agency, tmp_path: Path
) -> None:
    odd = child(
        episode(assessment(factors=("3A", "ZZ")), source="99", need="N42"), ethnicity="XXXX"
    )
    outcome = _import(tmp_path, odd)
    assert outcome.children_loaded == 1
    assert {(f.rule, f.element) for f in outcome.faults if f.warning} == {
        ("code", "ChildCharacteristics/Ethnicity"),
        ("code", "CINdetails/ReferralSource"),
        ("code", "CINdetails/PrimaryNeedCode"),
        ("code", "CINdetails/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors"),
    }
    referral = Referral.objects.get()
    assert (referral.source, referral.primary_need) == ("", "")
    assert Assessment.objects.get().factors == ["3A"]
    assert SourceRecord.objects.get().ethnicity == ""


def test_text_between_elements_is_a_warning(council: Agency, tmp_path: Path) -> None:
    outcome = _import(tmp_path, child(episode(), stray="PersonBirthDate"))
    [warning] = outcome.faults
    assert (warning.rule, warning.element, warning.warning) == (
        "xml-text",
        "ChildIdentifiers",
        True,
    )
    assert outcome.children_loaded == 1


@pytest.mark.parametrize(
    ("sex", "gender", "held"),
    [
        ("M", None, "male"),
        ("F", None, "female"),
        ("U", None, "not_known"),
        (None, "1", "male"),
        (None, "2", "female"),
        (None, "9", "indeterminate"),
        (None, "0", "not_known"),
    ],
)
def test_both_layouts_load_the_childs_sex(
    sex: str | None, gender: str | None, held: str, council: Agency, tmp_path: Path
) -> None:
    outcome = _import(tmp_path, child(full_episode(), sex=sex, gender=gender))
    assert outcome.faults == [] and outcome.children_loaded == 1
    assert SourceRecord.objects.get(local_id="C1").sex == held


def test_an_unborn_child_of_either_layout_is_a_pregnancy(council: Agency, tmp_path: Path) -> None:
    newer = child(
        episode(section_47(start="2025-02-01", conference="2025-02-20"), referral="2025-01-20"),
        child_id="U1",
        born=None,
        expected="2025-06-01",
        sex="U",
    )
    older = child(
        episode(referral="2025-02-01"),
        child_id="U2",
        born=None,
        expected="2025-07-01",
        sex=None,
        gender="0",
    )
    outcome = _import(tmp_path, newer, older)
    assert outcome.faults == [] and outcome.children_loaded == 2
    pregnancy = Pregnancy.objects.get(local_id="U1")
    assert str(pregnancy.expected_date) == "2025-06-01" and pregnancy.status == "ongoing"
    assert pregnancy.mother.local_id == "U1.mother" and pregnancy.mother.sex == "female"
    assert not SourceRecord.objects.filter(local_id__in=["U1", "U2"]).exists()
    assert Referral.objects.get(pregnancy=pregnancy).child is None
    assert Conference.objects.get(pregnancy=pregnancy).kind == "pre_birth"
    assert Pregnancy.objects.filter(local_id="U2").exists()
