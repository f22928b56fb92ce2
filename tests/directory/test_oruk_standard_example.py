"""The directory import meets the standard's own example (tests/fixtures/datasets/oruk), a
service Seen did not write: every field Seen reads is taken, every field it does not read is
ignored, and an area that is not the partnership's is refused with its reason, not guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seen.directory.models import Service
from seen.directory.oruk_import import import_document

pytestmark = pytest.mark.django_db

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "datasets" / "oruk" / "service_full.json"
)


def _example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_an_area_not_the_partnerships_is_refused_with_its_reason() -> None:
    outcome = import_document(_example())
    assert outcome.loaded == 0
    [refusal] = outcome.refused
    assert refusal.entry == 0 and refusal.id == "ac148810-d857-441c-9679-408f346de14b"
    assert refusal.field.startswith("service_areas[0]")
    assert not Service.objects.exists()


def test_the_example_loads_once_its_area_is_the_whole_partnership() -> None:
    example = _example()
    del example["service_areas"]  # offered everywhere in the partnership
    outcome = import_document(example)
    assert (outcome.loaded, outcome.refused) == (1, [])
    service = Service.objects.get()
    assert service.name == "Community Counselling"
    assert service.organisation == "Example Organization Inc."
    assert (service.min_age, service.max_age) == (12, 100)
    assert service.email == "email@example.com"
    assert service.url == "http://example.com/counselling"
    assert not service.areas.exists()
    assert service.weekends is False
    assert [s["days"] for s in service.schedules] == [["TH", "FR"]]
    # none of Seen's own attributes: what the directory cannot know is left at its default
    assert service.kind == "other" and service.audiences == [] and service.procedures == []
    assert service.contact_within_days == 10
    again = import_document(example)
    assert (again.loaded, again.unchanged) == (0, 1)
