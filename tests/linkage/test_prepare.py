"""Normalisation: what the model compares must already be comparable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from seen.linkage import nicknames
from seen.linkage.prepare import PREPARED_COLUMNS, PrepareError, prepare_file, prepare_records


def one(**values: object) -> dict[str, object]:
    table = prepare_records([{"record_id": "r1", **values}])
    assert table.column_names == list(PREPARED_COLUMNS)
    return table.to_pylist()[0]


def test_short_forms_share_a_canonical_name() -> None:
    bob = one(forename="Bob", sex="male")
    assert bob["forename"] == "bob"
    assert bob["forename_canonical"] == "robert"
    assert set(bob["forename_keys"]) == {"bob", "robert"}
    assert one(forename="Mo")["forename_canonical"] == "mohammed"
    assert one(forename="Kasia", sex="female")["forename_canonical"] == "katherine"


def test_an_ambiguous_short_form_follows_the_sex() -> None:
    assert one(forename="Sam", sex="female")["forename_canonical"] == "samantha"
    assert one(forename="Sam", sex="male")["forename_canonical"] == "samuel"
    assert set(one(forename="Sam")["forename_keys"]) == {"sam", "samantha", "samuel"}


def test_nickname_lookup() -> None:
    assert nicknames.keys("robert") == ["robert"]
    assert "robert" in nicknames.keys("bobby")
    assert nicknames.canonical("unknownname") == "unknownname"


def test_placeholders_and_titles_are_not_forenames() -> None:
    assert one(forename="Baby", surname="Hollis")["forename"] is None
    assert one(forename="Mr John")["forename"] == "john"
    assert one(forename="Zoë-Mae")["forename"] == "zoe"


def test_surnames_are_letters_only_and_list_previous_and_parts() -> None:
    row = one(surname="O'Brien")
    assert row["surname"] == "obrien"
    row = one(surname="Smith-Jones", previous_surnames="Hollis; Taner")
    assert row["surname"] == "smithjones"
    assert set(row["surnames"]) == {"smithjones", "smith", "jones", "hollis", "taner"}


def test_dates_of_birth_in_any_usual_form_with_the_transposed_helper() -> None:
    for value in ("1990-07-03", "19900703", "03/07/1990", date(1990, 7, 3), "1990-7-3"):
        row = one(dob=value)
        assert row["dob"] == date(1990, 7, 3), value
        assert row["dob_text"] == "19900703"
        assert row["dob_swapped"] == "19900307"  # 7 March: day and month transposed
    assert one(dob="1990-07-13")["dob_swapped"] is None  # 13 cannot be a month
    assert one(dob="1990-07-07")["dob_swapped"] is None  # the same date either way


def test_an_impossible_date_keeps_its_digits_for_comparison() -> None:
    row = one(dob="1847-72-18")
    assert row["dob"] is None
    assert row["dob_text"] == "18477218"
    assert one(dob="not a date")["dob_text"] is None


def test_postcode_parts() -> None:
    row = one(postcode="qa1 2bc")
    assert (row["postcode"], row["postcode_sector"], row["postcode_district"]) == (
        "QA12BC",
        "QA1 2",
        "QA1",
    )
    odd = one(postcode="2119")  # not a UK postcode: kept whole, no parts
    assert (odd["postcode"], odd["postcode_sector"], odd["postcode_district"]) == (
        "2119",
        None,
        None,
    )


def test_identifiers() -> None:
    assert one(nhs_number="999 278 4032")["nhs_number"] == "9992784032"
    assert one(nhs_number="9992784033")["nhs_number"] is None  # check digit fails
    assert one(phone="+44 7700 900123")["phone"] == "07700900123"
    assert one(phone="123")["phone"] is None
    assert one(sex="F")["sex"] == "f"
    assert one(sex="unknown")["sex"] is None


def test_duplicate_and_missing_record_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PrepareError, match="duplicate record_id"):
        prepare_records([{"record_id": "a"}, {"record_id": "a"}])
    with pytest.raises(PrepareError, match="empty record_id"):
        prepare_records([{"record_id": ""}])
    no_ids = tmp_path / "no_ids.csv"
    no_ids.write_text("forename,surname\nann,smith\n")
    with pytest.raises(PrepareError, match="no record_id column"):
        prepare_file(no_ids)


def test_a_file_with_some_columns(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("record_id,forename,dob,extra\n1,Bob,1990-07-03,x\n2,Robert,,y\n")
    table = prepare_file(path)
    assert table.column("forename_canonical").to_pylist() == ["robert", "robert"]
    assert table.column("surname").null_count == 2
