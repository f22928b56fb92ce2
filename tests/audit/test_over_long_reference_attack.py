"""The attack of issue 13, finding 1, as reported: a signed-in midwife asks for a page of a
child whose reference is 300 characters long. The refusal is answered 4xx and recorded, and the
chain still verifies afterwards (on PostgreSQL the reference used to be cut after hashing)."""

from __future__ import annotations

from typing import Any

import pytest

from seen.audit.log import verify
from seen.audit.models import AuditEvent
from tests.fixtures.partnership import signed_in_client

pytestmark = pytest.mark.django_db


def test_an_over_long_reference_in_a_page_address_leaves_the_chain_intact(midwife: Any) -> None:
    response = signed_in_client(midwife).get("/children/" + "1" * 300 + "/incidents/new/")
    assert 400 <= response.status_code < 500
    assert AuditEvent.objects.exists()  # the refusal is on record
    result = verify()
    assert result.ok, result
