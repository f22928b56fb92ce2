"""The small partnership's baby (tests.access.test_policy): the father's police record places
him in Quillbrook, the mother and the baby's agencies in Quarry Vale. A MASH practitioner with
the baby's contact under triage, and the social worker leading its child protection plan, each
with the lawful basis recorded."""

from __future__ import annotations

from typing import Any

import pytest

from seen.access import services
from seen.access.models import Role
from seen.areas.models import Agency
from seen.casefile.subjects import Subject, resolve_child
from seen.people.models import Person
from seen.rules.models import Alert
from tests.access.test_policy import NOW, _user, baby  # noqa: F401 (the fixture)

BASIS = "seeking consent would alert the father and place the baby at risk"


def under_triage(child: Person) -> Alert:
    return Alert.objects.create(
        rule_id="domestic-abuse-checks",
        rule_version=1,
        key=f"triage-test:{child.pk}",
        child_key=f"child:{child.pk}",
        child=child,
        explanation="a contact about the baby",
        severity="high",
        raised_at=NOW,
        deadline=NOW,
        owner_agency=Agency.objects.get(code="QAV-CSC"),
        owner_role=Role.MASH_PRACTITIONER,
        routed_because="team",
    )


def with_basis(user: Any, child: Person, purpose: str) -> Any:
    services.record_basis(user, child, purpose, "safeguarding_without_consent", BASIS)
    return user


@pytest.fixture
def subject(baby: Person) -> Subject:  # noqa: F811
    return resolve_child(baby.reference)


@pytest.fixture
def mash(baby: Person) -> Any:  # noqa: F811
    under_triage(baby)
    return with_basis(_user(Role.MASH_PRACTITIONER, "MA1"), baby, "mash_triage")


@pytest.fixture
def worker(baby: Person) -> Any:  # noqa: F811
    return with_basis(_user(Role.SOCIAL_WORKER, "SW1"), baby, "safeguarding")
