"""The case file reads the rules' world: for every child of a synthetic partnership (ingested,
linked, clock inside its year), the child page's household shows the adults, the date of birth
and the facts that a rule reads about the same baby in a whole-partnership run, and an adult's
page shows the history a rule reads about him."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from seen.access.policy import Decision, Level, PersonDecision
from seen.casefile.childfile import case_file
from seen.casefile.personfile import HISTORY_TYPES, person_file
from seen.casefile.subjects import resolve_child
from seen.core import clock
from seen.linkage.batch import run_batch
from seen.people.models import Person
from seen.rules.loading import load_world
from seen.rules.world import World
from seen.synth.generator import generate

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

HOUSEHOLD = Decision(True, Level.HOUSEHOLD, "test: the household level")


@pytest.fixture
def partnership(tmp_path: Path) -> World:
    generate(tmp_path / "x", areas=2, births=40, seed=23, start=date(2025, 4, 1))
    call_command("ingest", str(tmp_path / "x"), "--no-link", stdout=io.StringIO())
    run_batch()
    clock.set_now(date(2026, 1, 15))
    return load_world(clock.today())


def _reference(world: World, key: str) -> str:
    child = world.children[key]
    if child.person is not None:
        return str(Person.objects.get(pk=child.person).reference)
    return f"U{min(child.pregnancies)}"


def test_the_case_file_and_the_rules_read_the_same_child(partnership: World) -> None:
    world = partnership
    compared = 0
    for key, child in world.children.items():
        subject = resolve_child(_reference(world, key))
        # the page's reference names the child the rules group: the same pregnancies, the baby
        assert subject.ref.person == child.person, key
        if child.person is None:
            assert set(subject.ref.pregnancies) == child.pregnancies, key
        file = case_file(subject, HOUSEHOLD, None)
        adults = {a.person for a in child.adults if a.person != child.person}
        assert {p.person for p in file.people} == adults, key
        assert file.dob == child.dob, key
        about_child = {f.ref for f in world.about(child)}
        shown = {e.fact for e in file.timeline}
        assert about_child <= shown, key
        # what else the timeline shows is the adults' history, which a rule reads by person
        history = {f.ref for a in adults for f in world.of_person(a)}
        assert shown - about_child <= history, key
        compared += 1
    assert compared >= 40  # every born baby at least, and the unborn


def test_the_person_page_and_the_rules_read_the_same_history(partnership: World) -> None:
    """An adult's history on the person page is the facts a rule reads about him."""
    world = partnership
    adults = {a.person for child in world.children.values() for a in child.adults}
    compared = 0
    for pk in sorted(p for p in adults if p is not None and p > 0):
        expected = {f.ref for f in world.of_person(pk) if f.type in HISTORY_TYPES}
        decision = PersonDecision(True, Level.HOUSEHOLD, "test: the household level")
        file = person_file(Person.objects.get(pk=pk), decision, None)
        assert {e.fact for e in file.history} == expected, pk
        compared += bool(expected)
    assert compared >= 5  # adults with a history of convictions, incidents, programmes…
