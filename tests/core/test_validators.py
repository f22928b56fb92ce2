from __future__ import annotations

from datetime import date, datetime

import pytest

from seen.core import clock
from seen.core.codes import code_list, code_values
from seen.core.procedures import PROCEDURE_IDS, PROCEDURES, TITLES, title_of
from seen.core.validators import (
    InvalidIdentifier,
    nhs_check_digit,
    normalise_nhs_number,
    parse_postcode,
)


@pytest.mark.parametrize("value", ["9990000018", "999 000 0018", "999-000-0018"])
def test_valid_nhs_numbers_are_normalised(value: str) -> None:
    assert normalise_nhs_number(value) == "9990000018"


@pytest.mark.parametrize(
    ("value", "message"),
    [("9990000019", "modulus 11"), ("99900000", "10 digits"), ("999000001X", "10 digits")],
)
def test_invalid_nhs_numbers_say_why(value: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier, match=message):
        normalise_nhs_number(value)


def test_check_digit_matches_the_validator() -> None:
    checked = 0
    for stem in range(999_123_450, 999_123_470):
        digit = nhs_check_digit(str(stem))
        if digit is None or digit == 10:  # no valid number has this stem
            with pytest.raises(InvalidIdentifier):
                normalise_nhs_number(f"{stem}0")
            continue
        assert normalise_nhs_number(f"{stem}{digit}") == f"{stem}{digit}"
        checked += 1
    assert checked > 10


def test_postcodes_are_parsed_into_district_and_sector() -> None:
    parsed = parse_postcode("qa12bc")
    assert (parsed.normalised, parsed.district, parsed.sector) == ("QA1 2BC", "QA1", "QA1 2")
    with pytest.raises(InvalidIdentifier, match="not a UK postcode"):
        parse_postcode("12345")


def test_cin_census_code_lists_load() -> None:
    assert "WBRI" in code_values("ethnicity") and "NOBT" in code_values("ethnicity")
    assert code_list("assessment_factors")["3B"].startswith("Domestic abuse")
    assert "Neglect" in code_values("category_of_abuse")
    with pytest.raises(KeyError):
        code_list("nope")


def test_the_clock_can_be_fixed_and_released() -> None:
    with clock.frozen_at(date(2025, 6, 1)):
        assert clock.today() == date(2025, 6, 1)
        with clock.frozen_at(datetime(2026, 1, 2, 9, 30)):
            assert clock.now().year == 2026
        assert clock.today() == date(2025, 6, 1)
    assert clock.today() != date(2025, 6, 1)


def test_the_clock_reads_seen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEEN_NOW", "2025-03-04T10:00:00")
    assert clock.today() == date(2025, 3, 4)


def test_every_procedure_has_a_unique_id_and_a_finding() -> None:
    assert len(PROCEDURE_IDS) == len(PROCEDURES) == 16
    assert all(p.finding and p.statement for p in PROCEDURES)
    assert set(TITLES) == PROCEDURE_IDS  # every procedure has a name in words, and only they
    assert title_of("a-rule-since-retired") == "A rule since retired"
