"""The loader's look-ups by a chunk's keys (seen.ingest.table_loader's AgencyIds and AnyOf): one
query for many agencies finds exactly the (agency, id) pairs asked for, on both databases, and a
load whose agencies are split over several queries stores what one query a chunk stores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from seen.areas.models import Agency, Area
from seen.ingest import table_loader
from seen.ingest.loader import ingest_extract
from seen.ingest.models import QuarantinedRow
from seen.ingest.schema import TABLES
from seen.ingest.table_loader import AgencyIds, AnyOf
from seen.people.models import SourceRecord
from tests.fixtures.partnership import small_partnership

pytestmark = pytest.mark.django_db


def _agencies_with_the_same_ids() -> tuple[Agency, Agency]:
    area = Area.objects.create(code="QZL", name="Look-ups")
    one = Agency.objects.create(code="QZL-A", name="A", kind="police", area=area)
    two = Agency.objects.create(code="QZL-B", name="B", kind="police", area=area)
    for agency in (one, two):
        for local_id in ("X1", "X2", "X3"):
            SourceRecord.objects.create(agency=agency, local_id=local_id, row_hash="x")
    return one, two


def _found(wanted: dict[int, set[str]]) -> set[tuple[int, str]]:
    return set(SourceRecord.objects.filter(AgencyIds(wanted)).values_list("agency_id", "local_id"))


def test_agency_ids_match_the_pairs_asked_for_not_an_id_of_another_agency() -> None:
    one, two = _agencies_with_the_same_ids()
    assert _found({one.pk: {"X1", "X2"}, two.pk: {"X3", "NOPE"}}) == {
        (one.pk, "X1"),
        (one.pk, "X2"),
        (two.pk, "X3"),
    }
    assert _found({one.pk: {"X1"}}) == {(one.pk, "X1")}
    assert _found({}) == set()
    assert _found({one.pk: set()}) == set()


def test_any_of_is_in_and_empty_finds_nothing() -> None:
    one, _two = _agencies_with_the_same_ids()
    found = SourceRecord.objects.filter(AnyOf("local_id", {"X1", "X3"}), agency=one)
    assert sorted(found.values_list("local_id", flat=True)) == ["X1", "X3"]
    assert not SourceRecord.objects.filter(AnyOf("local_id", [])).exists()
    assert SourceRecord.objects.filter(AnyOf("pk", [found[0].pk])).count() == 1


def _held() -> dict[str, list[tuple[str, ...]]]:
    return {
        table.name: sorted(
            tuple(str(v) for v in row[1:])  # all but the database's own key
            for row in table.model._default_manager.values_list()
        )
        for table in TABLES
    }


@pytest.mark.parametrize("agencies_a_query", [1, 200])
def test_a_load_split_agency_by_agency_stores_what_one_query_stores(
    agencies_a_query: int,
    extract: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(table_loader, "_AGENCIES_A_QUERY", agencies_a_query)
    directory = extract()
    first = ingest_extract(directory)
    assert first.totals.quarantined == 0
    assert first.totals.accepted == sum(len(rows) for rows in small_partnership().values())
    held = _held()
    again = ingest_extract(directory)
    assert again.totals.unchanged == first.totals.accepted
    assert _held() == held
    assert not QuarantinedRow.objects.exists()
