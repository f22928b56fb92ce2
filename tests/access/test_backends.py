"""The signed-in user loaded with their profile in one plain-SQL query: the same objects the
ORM would build, the caches filled, nothing for an inactive or unknown user."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seen.access.backends import user_with_profile
from seen.access.models import Role, StaffProfile
from seen.areas.models import Agency, Area, Practitioner

pytestmark = pytest.mark.django_db


@pytest.fixture
def social_worker() -> Any:
    area = Area.objects.create(code="QAV", name="Quarry Vale")
    council = Agency.objects.create(
        code="LA-QAV", name="Quarry Vale Council", kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, area=area
    )
    practitioner = Practitioner.objects.create(
        agency=council, local_id="SW1", name="Sam Worker", role=Practitioner.Role.SOCIAL_WORKER
    )
    user = get_user_model().objects.create_user("sw", password="a-long-test-password-1")
    StaffProfile.objects.create(
        user=user, role=Role.SOCIAL_WORKER, agency=council, practitioner=practitioner
    )
    return user


def test_the_user_and_profile_are_the_ones_the_orm_builds(social_worker: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        loaded = user_with_profile(social_worker.pk)
        profile = loaded.staff_profile
        agency, practitioner = profile.agency, profile.practitioner
        assert profile.user is loaded
    assert len(queries) == 1, "one query for the user, the profile, its agency and practitioner"
    orm = get_user_model().objects.get(pk=social_worker.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(orm, field.attname), field.name
    assert loaded.is_active is True and loaded.date_joined.tzinfo is not None
    assert (profile.pk, profile.role) == (orm.staff_profile.pk, Role.SOCIAL_WORKER)
    assert profile.shielding_clearance is False
    assert agency == orm.staff_profile.agency and agency.code == "LA-QAV"
    assert practitioner.local_id == "SW1"
    assert loaded.check_password("a-long-test-password-1")


def test_a_user_without_a_profile_has_none_cached() -> None:
    user = get_user_model().objects.create_user("no-role", password="a-long-test-password-1")
    loaded = user_with_profile(user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert not hasattr(loaded, "staff_profile")
    assert len(queries) == 0


def test_a_profile_without_agency_or_practitioner(social_worker: Any) -> None:
    StaffProfile.objects.filter(user=social_worker).update(agency=None, practitioner=None)
    profile = user_with_profile(social_worker.pk).staff_profile
    assert profile.agency is None and profile.practitioner is None


@pytest.mark.parametrize("key", [999_999, "not-a-number", None])
def test_no_user_for_an_unknown_or_malformed_key(key: Any) -> None:
    assert user_with_profile(key) is None


def test_an_inactive_user_is_not_loaded(social_worker: Any) -> None:
    get_user_model().objects.filter(pk=social_worker.pk).update(is_active=False)
    assert user_with_profile(social_worker.pk) is None
