"""Importing the directory from Open Referral UK: the sample partnership's services load as
docs/services.md maps them; every bad entry is refused with its index, id, field and reason while
the good ones load; a hostile file is refused whole with a message; importing again changes
nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from seen.areas.models import Area
from seen.directory.models import Service
from seen.directory.oruk_import import (
    MAX_BYTES,
    MAX_DEPTH,
    DirectoryFileError,
    ImportOutcome,
    import_document,
    import_file,
)
from seen.directory.schedules import evenings_and_weekends
from tests.directory.conftest import REFUSED, SERVICES, sample

pytestmark = pytest.mark.django_db


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "services.json"
    path.write_text(json.dumps(document))
    return path


def _reasons(outcome: ImportOutcome) -> dict[str, tuple[str, str]]:
    """Each refused entry's name (from the sample), the field and the reason."""
    return {f"{r.entry}:{r.field}": (r.id, r.reason) for r in outcome.refused}


def test_the_sample_directory_loads_as_the_mapping_says(directory_areas: dict[str, Area]) -> None:
    outcome = import_file(SERVICES)
    assert (outcome.loaded, outcome.updated, outcome.unchanged, outcome.refused) == (8, 0, 0, [])
    evening = Service.objects.get(name="Quarry Vale Dads' Evening Group")
    assert evening.organisation == "Quarry Vale Early Help"
    assert evening.kind == "parenting"
    assert evening.audiences == ["fathers", "male_carers"]
    assert evening.procedures == ["programme-engagement"]
    assert (evening.self_referral, evening.professional_referral) == (True, True)
    assert evening.how_to_refer.startswith("Email dads@")
    assert (evening.phone, evening.wait_days, evening.contact_within_days) == ("01632 960101", 7, 5)
    assert evening.schedules == [
        {"days": ["TU"], "opens_at": "18:30", "closes_at": "20:30",
         "description": "at Quarry Vale Family Hub"}
    ]  # fmt: skip
    assert (evening.evenings, evening.weekends) == (True, False)
    assert [a.code for a in evening.areas.all()] == ["QAV"]
    assert evening.languages == ["English"]
    assert evening.last_modified is not None and evening.last_modified.year == 2025
    saturday = Service.objects.get(name="Quillbrook Saturday Dads")
    assert (saturday.evenings, saturday.weekends) == (False, True)
    assert [a.code for a in saturday.areas.all()] == ["QBM"]  # matched by the area's name
    assert saturday.min_age == 16
    assert saturday.contact_within_days == 10  # not given: the directory's default
    assert saturday.professional_referral is False and saturday.self_referral is True
    minds = Service.objects.get(name="Dads' Minds perinatal support")
    assert minds.schedules[0]["opens_at"] == "12:00"  # HH:MM:SS read as HH:MM
    assert minds.evenings  # closes at 19:00
    assert minds.eligibility.startswith("Fathers and partners")
    antenatal = Service.objects.get(name="Bump Start antenatal class")
    assert (antenatal.audiences, antenatal.evenings, antenatal.weekends) == (
        ["mothers"],
        False,
        False,
    )
    crying = Service.objects.get(name="Coping with Crying: a session for couples")
    assert not crying.areas.exists()  # the whole partnership
    assert Service.objects.get(name="Clear Start for dads").status == "temporarily closed"


def test_evenings_and_weekends_are_derived_in_one_place() -> None:
    def derived(days: list[str], opens: str, closes: str) -> tuple[bool, bool]:
        return evenings_and_weekends([{"days": days, "opens_at": opens, "closes_at": closes}])

    assert derived(["MO"], "09:00", "17:30") == (False, False)  # closing at 17:30 is not
    assert derived(["MO"], "09:00", "17:31") == (True, False)
    assert derived(["MO"], "17:30", "") == (True, False)  # opening at 17:30 is
    assert derived(["SA"], "10:00", "12:00") == (False, True)
    assert derived(["SU"], "18:00", "20:00") == (True, True)
    assert evenings_and_weekends([]) == (False, False)


def test_every_fault_in_the_refused_file_is_named_and_the_good_entry_loads(
    directory_areas: dict[str, Area],
) -> None:
    outcome = import_file(REFUSED)
    assert outcome.loaded == 1
    assert Service.objects.get().name == "A good service among the faulty ones"
    found = _reasons(outcome)
    expected = {
        "0:id": "is not a UUID",
        "1:name": "is required",
        "2:status": "must be 'active', 'inactive', 'defunct' or 'temporarily closed'",
        "3:url": "is required",
        "4:service_areas[0].uri": "names an area Seen does not hold ('ZZZ')",
        "5:service_areas[0].name": "is not an area Seen holds ('Atlantis')",
        "6:attributes[0].taxonomy_term.term": "'grandparents' is not an audience Seen knows",
        "7:attributes[0].taxonomy_term.term": "'yoga' is not a kind of service Seen knows",
        "8:attributes[0].taxonomy_term.term": "'made-up-procedure' is not a procedure Seen knows",
        "9:attributes[0].taxonomy_term.term": "seen:wait-days must be a whole number of days",
        "10:attributes[0].taxonomy_term.term": "seen:contact-within-days must be a whole number",
        "11:schedules[0].opens_at": "must be a time of day as HH:MM or HH:MM:SS",
        "12:schedules[0].byday": "must list days as MO, TU, WE, TH, FR, SA or SU",
        "13:name": "is longer than 200 characters",
        "14:description": "holds a NUL character",
        "15:id": "is given to entries 15 and 16 too",
        "16:id": "is given to entries 16 and 15 too",
    }
    for key, reason in expected.items():
        assert key in found, (key, found)
        assert found[key][1].startswith(reason), (key, found[key])
    assert outcome.refused_entries == 17
    assert found["0:id"][0] == "not-a-uuid"  # the entry named by the id it gave
    assert found["3:url"][0]  # a valid id is named too


def test_a_refusal_names_the_entry_in_words_and_as_json(directory_areas: dict[str, Area]) -> None:
    outcome = import_document(
        [{"id": "x" * 300, "name": "A", "status": "active", "url": "https://a.example"}]
    )
    [refusal] = outcome.refused
    assert refusal.in_words() == f"entry 0 ({'x' * 64}…), id: " + refusal.reason
    assert len(refusal.id) == 65  # a 300-character id is shown cut
    assert outcome.as_json()["refused"][0]["field"] == "id"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"name": 12}, "name", "must be text"),
        ({"name": ["a"]}, "name", "must be text"),
        ({"name": "  "}, "name", "must not be empty"),
        ({"status": None}, "status", "must be"),
        ({"url": "javascript:alert(1)"}, "url", "is not a web address"),
        ({"email": "not-an-email"}, "email", "is not an email address"),
        ({"minimum_age": "16"}, "minimum_age", "must be a number"),
        ({"minimum_age": True}, "minimum_age", "must be a number"),
        ({"minimum_age": 2.5}, "minimum_age", "must be a whole number of years"),
        ({"minimum_age": -1}, "minimum_age", "must be a whole number of years"),
        ({"minimum_age": 30, "maximum_age": 20}, "minimum_age", "must not be above"),
        ({"last_modified": "yesterday"}, "last_modified", "is not a date and time"),
        ({"organization": "Early Help"}, "organization", "must be an object"),
        ({"organization": {"name": "Early Help"}}, "organization.id", "is required"),
        ({"schedules": {"byday": "MO"}}, "schedules", "must be a list"),
        ({"schedules": [{"freq": "DAILY"}]}, "schedules[0].freq", "must be 'WEEKLY'"),
        ({"schedules": [{"opens_at": "10:00Z"}]}, "schedules[0].opens_at", "must be a time"),
        ({"schedules": [{"opens_at": "24:00"}]}, "schedules[0].opens_at", "must be a time"),
        (
            {"schedules": [{"opens_at": "20:00", "closes_at": "18:00"}]},
            "schedules[0]",
            "closes_at must be after",
        ),
        (
            {"service_areas": [{"id": "0b3f6c2e-1a2b-4c3d-8e9f-001122334455"}]},
            "service_areas[0]",
            "names no area",
        ),
        (
            {"attributes": [{"taxonomy_term": {"taxonomy": "seen:colour", "term": "blue"}}]},
            "attributes[0].taxonomy_term.taxonomy",
            "'seen:colour' is not one of Seen's taxonomies",
        ),
        (
            {
                "attributes": [
                    {"taxonomy_term": {"taxonomy": "seen:kind", "term": "parenting"}},
                    {"taxonomy_term": {"taxonomy": "seen:kind", "term": "other"}},
                ]
            },
            "attributes",
            "seen:kind is given 2 different values",
        ),
        (
            {"attributes": [{"taxonomy_term": {"taxonomy": "seen:phone", "term": "0" * 33}}]},
            "attributes[0].taxonomy_term.term",
            "is longer than 32 characters",
        ),
        (
            {"attributes": [{"taxonomy_term": {"taxonomy": "seen:wait-days", "term": "-3"}}]},
            "attributes[0].taxonomy_term.term",
            "seen:wait-days must be a whole number",
        ),
        (
            {"attributes": [{"taxonomy_term": {"taxonomy": "seen:wait-days", "term": "٣"}}]},
            "attributes[0].taxonomy_term.term",
            "seen:wait-days must be a whole number",
        ),
        (
            {"attributes": [{"taxonomy_term": {"taxonomy": "seen:audience", "term": ""}}]},
            "attributes[0].taxonomy_term.term",
            "is empty",
        ),
        (
            {"attributes": [{"taxonomy_term": "seen:kind"}]},
            "attributes[0].taxonomy_term",
            "must be an object",
        ),
    ],
)
def test_each_fault_is_refused_with_its_field(
    directory_areas: dict[str, Area], change: dict[str, Any], field: str, reason: str
) -> None:
    entry = {**sample()[0], **change}
    outcome = import_document([entry])
    assert outcome.loaded == 0 and not Service.objects.exists()
    assert any(r.field == field and r.reason.startswith(reason) for r in outcome.refused), (
        outcome.refused
    )
    assert all(r.entry == 0 and r.id == entry.get("id", "") for r in outcome.refused)


def test_another_taxonomy_is_not_seens_to_read(directory_areas: dict[str, Area]) -> None:
    entry = {**sample()[0], "attributes": [
        {"id": "9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "link_type": "serviceType",
         "taxonomy_term": {"taxonomy": "esd:service-type", "term": "anything at all"}},
    ]}  # fmt: skip
    assert import_document(entry).loaded == 1  # one object, not a list
    service = Service.objects.get()
    assert (service.kind, service.audiences, service.professional_referral) == ("other", [], True)


def test_the_paginated_envelope_is_read(directory_areas: dict[str, Area]) -> None:
    envelope = {"total_items": 8, "total_pages": 1, "page_number": 1, "contents": sample()}
    assert import_document(envelope).loaded == 8


def test_importing_again_changes_nothing_and_a_change_is_an_update(
    directory_areas: dict[str, Area], tmp_path: Path
) -> None:
    import_file(SERVICES)
    before = {s.oruk_id: (s.pk, s.imported_at) for s in Service.objects.all()}
    again = import_file(SERVICES)
    assert (again.loaded, again.updated, again.unchanged) == (0, 0, 8)
    assert {s.oruk_id: (s.pk, s.imported_at) for s in Service.objects.all()} == before
    changed = sample()
    changed[0]["schedules"][0]["closes_at"] = "21:00"
    changed[1]["service_areas"] = []
    outcome = import_document(changed)
    assert (outcome.loaded, outcome.updated, outcome.unchanged) == (0, 2, 6)
    assert Service.objects.get(oruk_id=changed[0]["id"]).schedules[0]["closes_at"] == "21:00"
    assert not Service.objects.get(oruk_id=changed[1]["id"]).areas.exists()


def test_the_import_is_one_transaction(
    directory_areas: dict[str, Area], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure part-way (here, the database refusing the fifth row) leaves nothing loaded."""
    real = Service.objects.create
    made: list[int] = []

    def create(**fields: Any) -> Service:
        made.append(1)
        if len(made) == 5:
            raise RuntimeError("the database went away")
        return real(**fields)

    monkeypatch.setattr(Service.objects, "create", create)
    with pytest.raises(RuntimeError):
        import_file(SERVICES)
    assert not Service.objects.exists()


# ---- hostile files ---------------------------------------------------------------------------


def test_a_file_over_the_bound_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b"[" + b" " * MAX_BYTES + b"]")
    with pytest.raises(DirectoryFileError, match="larger than 10 MiB"):
        import_file(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, f"nested more than {MAX_DEPTH} deep"),
        (b"[" * 40 + b"]" * 40, f"nested more than {MAX_DEPTH} deep"),
        (b'{"id": ', "not JSON"),
        (b"[NaN]", "not JSON"),
        (b"[1e999999, Infinity]", "not JSON"),
        (b"\xff\xfe[]", "not UTF-8"),
        (b'"a service"', "must hold a service object"),
        (b"42", "must hold a service object"),
        (b'{"contents": {"id": 1}}', "`contents` must be a list"),
        (b"[" + b"1" * 5000 + b"]", "not JSON"),
    ],
)
def test_a_file_that_is_not_a_directory_is_refused_whole(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    with pytest.raises(DirectoryFileError, match=message):
        import_file(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DirectoryFileError, match="cannot be read"):
        import_file(tmp_path / "nowhere.json")


def test_odd_entries_are_refused_each_and_the_rest_load(directory_areas: dict[str, Area]) -> None:
    odd: list[Any] = [None, 7, "a service", [], {"id": {"deep": [1, 2]}}, {}, sample()[2]]
    outcome = import_document(odd)
    assert outcome.loaded == 1
    fields = {(r.entry, r.field) for r in outcome.refused}
    assert {(0, ""), (1, ""), (2, ""), (3, ""), (4, "id"), (5, "id"), (5, "name")} <= fields
    assert all(r.reason for r in outcome.refused)


def test_a_nul_anywhere_in_an_entry_is_refused(directory_areas: dict[str, Area]) -> None:
    entry = sample()[0]
    entry["schedules"][0]["description"] = "upstairs\x00"
    entry["attributes"][0]["taxonomy_term"]["term"] = "parenting\x00"
    outcome = import_document([entry])
    assert {r.field for r in outcome.refused} == {
        "schedules[0].description",
        "attributes[0].taxonomy_term.term",
    }
    assert not Service.objects.exists()
