"""NHS-number validation keeps the library's answer per number: the same answers, bounded."""

from __future__ import annotations

import nhs_number
import pytest

from seen.core import validators
from seen.core.validators import InvalidIdentifier, normalise_nhs_number


def test_answers_match_the_library_for_every_check_digit() -> None:
    for stem in ("999000001", "943476591", "401023213"):
        for digit in "0123456789":
            number = f"{stem}{digit}"
            for _ in range(2):  # the second call is answered from the cache
                if nhs_number.is_valid(number):
                    assert normalise_nhs_number(number) == number
                else:
                    with pytest.raises(InvalidIdentifier, match="modulus 11"):
                        normalise_nhs_number(number)


def test_a_cached_number_still_normalises_each_spelling() -> None:
    assert normalise_nhs_number("999 000 0018") == "9990000018"
    assert normalise_nhs_number("999-000-0018") == "9990000018"
    with pytest.raises(InvalidIdentifier, match="10 digits"):
        normalise_nhs_number("999 000 001")


def test_the_cache_is_bounded() -> None:
    assert validators._nhs_is_valid.cache_info().maxsize == 2**18
