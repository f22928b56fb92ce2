"""Users and a review for the thematic review tests (services and pages): two reviewers, a
safeguarding lead, and a health visitor who is refused review work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from seen.access.models import Role, StaffProfile
from seen.thematic import reviews
from seen.thematic.models import Review

PURPOSE = "review"
PASSWORD = "a-long-test-password-1"
HEADLINE_CSV = Path(__file__).parent / "fixtures" / "headline_cases.csv"
HEADER = (
    "case_id,area,outcome,injuries,occasions,prognosis,male_relationship,child_sex,"
    "child_ethnicity,age_months,agency_involvement,criminal_proceedings,both_parents_charged,"
    "care_findings,parent_features"
)
GOOD = (
    "rr-{n},area 01,seriously_harmed,fracture,repeated,not_known,birth_father,male,"
    "white british,{age},universal,no_charges,no,none,parent_under_22"
)


def make_user(name: str, role: str) -> Any:
    user = get_user_model().objects.create_user(name, password=PASSWORD)
    StaffProfile.objects.create(user=user, role=role)
    return get_user_model().objects.select_related("staff_profile").get(pk=user.pk)


def dataset(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def first_reviewer(db: None) -> Any:
    return make_user("first-reviewer", Role.REVIEWER)


@pytest.fixture
def second_reviewer(db: None) -> Any:
    return make_user("second-reviewer", Role.REVIEWER)


@pytest.fixture
def lead(db: None) -> Any:
    return make_user("review-lead", Role.SAFEGUARDING_LEAD)


@pytest.fixture
def health_visitor(db: None) -> Any:
    return make_user("health-visitor", Role.HEALTH_VISITOR)


@pytest.fixture
def review(first_reviewer: Any) -> Review:
    return reviews.create_review(
        first_reviewer, PURPOSE, title="Fathers and babies", kind=Review.Kind.NATIONAL_THEMATIC
    )
