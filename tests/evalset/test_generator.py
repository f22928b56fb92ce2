"""The independent evaluation set: deterministic by seed, its hard cases present with their
truth, in the columns linkage reads, with test-range NHS numbers, and made without seen.synth."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import nhs_number
import pytest

import seen.evalset
from seen.evalset import (
    COLUMNS,
    FATHER_AND_SON,
    GROUPS,
    MOVED,
    NAME_ONLY_PARTNER,
    NAME_VARIANTS,
    SAME_NAME_AND_DOB,
    SURNAME_CHANGE,
    TWINS,
    EvalSet,
    generate,
    write,
)
from seen.evalset.agencies import feminine
from seen.linkage.prepare import RAW_COLUMNS, prepare_file

PACKAGE = Path(seen.evalset.__file__).parent
SRC = PACKAGE.parent


@pytest.fixture(scope="module")
def evalset() -> EvalSet:
    return generate(people=2000, seed=7)


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _records_of(evalset: EvalSet) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in evalset.records:
        out[evalset.truth[row["record_id"]]].append(row)
    return out


# ---- deterministic by seed -----------------------------------------------------------------------


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first, first_truth = write(generate(people=400, seed=3), tmp_path / "one.csv")
    second, second_truth = write(generate(people=400, seed=3), tmp_path / "two.csv")
    assert first.read_bytes() == second.read_bytes()
    assert first_truth.read_bytes() == second_truth.read_bytes()
    other, _ = write(generate(people=400, seed=4), tmp_path / "three.csv")
    assert other.read_bytes() != first.read_bytes()


def test_same_bytes_whatever_python_hash_seed(tmp_path: Path) -> None:
    """Nothing depends on the order of a set or on string hashing (PYTHONHASHSEED)."""
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"hash{hash_seed}.csv"
        code = (
            "from pathlib import Path; from seen.evalset import generate, write; "
            f"write(generate(people=300, seed=5), Path({str(out)!r}))"
        )
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_sized_by_people() -> None:
    small = generate(people=500, seed=2)
    assert len(small.persons) == 500
    assert set(small.truth.values()) <= set(small.persons)
    assert 1.8 <= len(small.records) / 500 <= 3.0
    with pytest.raises(ValueError):
        generate(people=5)


# ---- columns and identifiers ---------------------------------------------------------------------


def test_columns_are_those_linkage_reads(evalset: EvalSet, tmp_path: Path) -> None:
    assert set(COLUMNS) <= set(RAW_COLUMNS)
    assert all(tuple(row) == COLUMNS for row in evalset.records)
    ids = [row["record_id"] for row in evalset.records]
    assert len(ids) == len(set(ids)) == len(evalset.truth)
    path, truth = write(evalset, tmp_path / "records.csv")
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(COLUMNS)
    assert truth.read_text(encoding="utf-8").splitlines()[0] == (
        "record_id,person_id,sex,group,naming,role"
    )
    prepared = prepare_file(path)  # what `seen link-file` reads
    assert prepared.num_rows == len(evalset.records)


def test_nhs_numbers_are_test_range_and_valid(evalset: EvalSet) -> None:
    numbers = [p.nhs_number for p in evalset.persons.values() if p.nhs_number]
    assert len(numbers) == len(set(numbers)), "one number, one person"
    for number in numbers:
        assert number.startswith("999") and len(number) == 10
        assert nhs_number.is_valid(number)
    # every valid number a record holds is its own person's; a mistyped one fails the check
    held = 0
    for row in evalset.records:
        digits = _digits(row["nhs_number"])
        if not digits:
            continue
        held += 1
        own = evalset.persons[evalset.truth[row["record_id"]]].nhs_number
        assert digits == own or not nhs_number.is_valid(digits)
    assert held > len(evalset.records) / 3


def test_no_true_person_holds_two_nhs_numbers(evalset: EvalSet) -> None:
    for person_id, rows in _records_of(evalset).items():
        valid = {
            _digits(r["nhs_number"]) for r in rows if nhs_number.is_valid(_digits(r["nhs_number"]))
        }
        assert len(valid) <= 1, person_id


# ---- agencies' habits ----------------------------------------------------------------------------


def test_men_have_no_nhs_number_at_police_probation_and_housing(evalset: EvalSet) -> None:
    men = Counter()
    with_number = Counter()
    for row in evalset.records:
        kind = row["source"].split("-")[0]
        person = evalset.persons[evalset.truth[row["record_id"]]]
        if kind in ("pol", "prb", "hsg") and person.sex == "male":
            men[kind] += 1
            with_number[kind] += bool(row["nhs_number"])
    assert all(men[k] > 20 for k in ("pol", "prb", "hsg"))
    assert with_number["pol"] == 0
    assert with_number["prb"] + with_number["hsg"] <= 0.05 * (men["prb"] + men["hsg"])


def test_maternity_names_partners_by_first_name_only(evalset: EvalSet) -> None:
    partners = [
        row
        for row in evalset.records
        if row["source"].startswith("mat-")
        and evalset.persons[evalset.truth[row["record_id"]]].group == NAME_ONLY_PARTNER
    ]
    assert partners
    name_only = [r for r in partners if r["forename"] and not r["surname"]]
    assert len(name_only) >= 0.2 * len(partners), "partner: Jon"
    assert sum(1 for r in partners if r["dob"]) <= 0.2 * len(partners)


def test_each_agency_writes_dates_its_own_way(evalset: EvalSet) -> None:
    formats = defaultdict(Counter)
    for row in evalset.records:
        dob = row["dob"]
        if dob:
            shape = "iso" if dob[4:5] == "-" else "compact" if dob.isdigit() else "slashes"
            formats[row["source"].split("-")[0]][shape] += 1
    assert formats["mat"].most_common(1)[0][0] == "iso"
    assert formats["gp"].most_common(1)[0][0] == "slashes"
    assert formats["ed"].most_common(1)[0][0] == "compact"


def test_polish_women_take_the_feminine_form() -> None:
    assert feminine("Kowalski") == "Kowalska"
    assert feminine("WIŚNIEWSKI") == "WIŚNIEWSKA"
    assert feminine("Nowak") == "Nowak"
    assert feminine("Lewandowski-Smith") == "Lewandowska-Smith"


# ---- the hard cases, with their truth ------------------------------------------------------------


def test_every_group_is_present(evalset: EvalSet) -> None:
    groups = Counter(p.group for p in evalset.persons.values())
    assert set(groups) == set(GROUPS)
    assert all(groups[g] >= 10 for g in GROUPS), groups


def test_same_name_and_dob_are_different_people_with_different_nhs_numbers(
    evalset: EvalSet,
) -> None:
    by_identity = defaultdict(list)
    for person in evalset.persons.values():
        if person.group == SAME_NAME_AND_DOB:
            by_identity[(person.forename, person.surname, person.dob)].append(person)
    shared = [people for people in by_identity.values() if len(people) > 1]
    assert len(shared) >= 5
    for people in shared:
        numbers = [p.nhs_number for p in people if p.nhs_number]
        assert len(numbers) == len(set(numbers))


def test_twins_share_surname_birthday_and_address_not_forename_or_nhs_number(
    evalset: EvalSet,
) -> None:
    by_home = defaultdict(list)
    for person in evalset.persons.values():
        if person.group == TWINS:
            by_home[(person.surname, person.dob, person.postcode)].append(person)
    assert len(by_home) >= 5
    for twins in by_home.values():
        assert len(twins) >= 2
        assert len({p.forename for p in twins}) == len(twins)
        numbers = [p.nhs_number for p in twins if p.nhs_number]
        assert len(numbers) == len(set(numbers))


def test_father_and_son_share_a_name_and_an_address_decades_apart(evalset: EvalSet) -> None:
    by_name = defaultdict(list)
    for person in evalset.persons.values():
        if person.group == FATHER_AND_SON:
            by_name[(person.forename, person.surname, person.postcode)].append(person)
    pairs = [people for people in by_name.values() if len(people) == 2]
    assert len(pairs) >= 10
    for father, son in pairs:
        years = abs((date.fromisoformat(father.dob) - date.fromisoformat(son.dob)).days) / 365
        assert years >= 15
        assert father.sex == son.sex == "male"


def test_name_variants_are_written_several_ways(evalset: EvalSet) -> None:
    records = _records_of(evalset)
    several = 0
    variants = [pid for pid, p in evalset.persons.items() if p.group == NAME_VARIANTS]
    assert len(variants) >= 30
    for person_id in variants:
        names = {
            (r["forename"].split(" ")[0].lower(), r["surname"].lower()) for r in records[person_id]
        }
        several += len(names) > 1
    multi = sum(1 for pid in variants if len(records[pid]) > 1)
    assert several >= 0.5 * multi


def test_surname_change_held_under_two_surnames(evalset: EvalSet) -> None:
    records = _records_of(evalset)
    changed = [pid for pid, p in evalset.persons.items() if p.group == SURNAME_CHANGE]
    assert changed
    two = sum(1 for pid in changed if len({r["surname"].lower() for r in records[pid]}) > 1)
    assert two >= 0.3 * len(changed)


def test_movers_held_at_two_areas(evalset: EvalSet) -> None:
    records = _records_of(evalset)
    movers = [pid for pid, p in evalset.persons.items() if p.group == MOVED]
    assert movers
    assert all(len(records[pid]) >= 2 for pid in movers)
    moved_apart = sum(
        1 for pid in movers if len({r["postcode"][:2] for r in records[pid] if r["postcode"]}) > 1
    )
    assert moved_apart >= 0.5 * len(movers)


# ---- independent of seen.synth, and not used by the service --------------------------------------


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_no_import_of_seen_synth() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 4
    for module in modules:
        assert not [m for m in _imports(module) if m.startswith("seen.synth")], module
    # and nothing it imports brings seen.synth in
    code = (
        "import sys; from seen.evalset import generate; generate(people=50); "
        "bad = [m for m in sys.modules if m.startswith('seen.synth')]; "
        "sys.exit(1 if bad else 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_only_the_benchmark_imports_it() -> None:
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC)
        if relative.parts[0] in ("evalset", "bench"):
            continue
        assert not [m for m in _imports(path) if m.startswith("seen.evalset")], relative
