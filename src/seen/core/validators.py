"""Identifier validation: NHS numbers (modulus 11) and UK postcodes, by well-kept libraries.

`nhs-number` implements the NHS Data Dictionary check digit; `py-uk-postcode` (a port of the
postcode.js parser) gives the outward code, district and sector that linkage and residence need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import nhs_number
import postcode

from seen.core.errors import Invalid

_NHS_SEPARATORS = re.compile(r"[\s-]")
TEST_RANGE_PREFIX = "999"


# The library decides validity; its answer is kept per 10 digits because the same number recurs
# in every agency's extract and again on each re-ingest (bounded: an extract has ~1M people).
_nhs_is_valid = lru_cache(maxsize=2**18)(nhs_number.is_valid)


class InvalidIdentifier(Invalid):
    """A value that is not a valid identifier; the message says why in plain words."""


def normalise_nhs_number(value: str) -> str:
    """Return the 10-digit NHS number or raise InvalidIdentifier saying what is wrong."""
    digits = _NHS_SEPARATORS.sub("", value)
    if not digits.isdigit() or len(digits) != 10:
        raise InvalidIdentifier(f"NHS number must be 10 digits, got {value!r}")
    if not _nhs_is_valid(digits):
        raise InvalidIdentifier(f"NHS number {value!r} fails the modulus 11 check digit")
    return digits


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for nine digits, or None where no valid number exists."""
    from nhs_number.validate import calculate_checksum

    return calculate_checksum(first_nine)


@dataclass(frozen=True)
class Postcode:
    normalised: str  # "QA1 2BC"
    outcode: str  # "QA1"
    district: str  # "QA1"
    sector: str  # "QA1 2"


@cache  # the same few thousand postcodes recur across millions of rows
def parse_postcode(value: str) -> Postcode:
    parsed = postcode.parse(value)
    if not parsed.valid or parsed.postcode is None:
        raise InvalidIdentifier(f"{value!r} is not a UK postcode (expected a form like 'QA1 2BC')")
    return Postcode(
        normalised=parsed.postcode,
        outcode=parsed.outcode or "",
        district=parsed.outcode or "",
        sector=parsed.sector or "",
    )
