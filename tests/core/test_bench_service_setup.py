"""`seen bench service-setup` prepares the service benchmark in its database: the two accounts,
the caseload and every baby to ask for. At 70,000 births a query listing the babies by id
passed PostgreSQL's 65,535 parameters; the babies are read by a subquery."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from seen.bench.service import setup
from seen.people.models import Person, Pregnancy


@pytest.mark.django_db
def test_setup_names_the_babies_and_the_caseload(baby: Person) -> None:
    assert Pregnancy.objects.filter(child__person=baby).exists()
    sent: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        prepared = setup(sample=5, seed=1)
    assert prepared["babies"] == [baby.reference]
    assert prepared["caseload"] == [baby.reference]  # the sample is at most every baby
    assert set(prepared["cookies"]) == {"social_worker", "ed"}
    # the babies' references come from one query that names no baby by id
    references = [
        params for sql, params in sent if "reference" in sql and "pregnancy" in sql.lower()
    ]
    assert references and all(baby.pk not in (params or ()) for params in references)
