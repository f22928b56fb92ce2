"""Shielding: an address (or a whole record) that must not reach anyone without clearance —
a refuge, a domestic-abuse risk, an adoption. Every face that shows a source record's values
passes them through `redact` here, the one place the rule is applied; a shielded value is
replaced, never shown, exported or echoed in an error.

Free text (a referral's reason, a note, a description, a summary) can name a shielded address as
well: `ShieldedAddresses` finds the shielded postcodes and address lines written into text, and
every face passes free text through its `redact` (the case file's timeline, alerts and people,
and so the page, the API and the chronology; the subject-access report)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from seen.access.models import Shield
from seen.access.policy import profile_of
from seen.people.models import Residence, SourceRecord

SHIELDED = "[shielded]"
ADDRESS_FIELDS = frozenset({"postcode", "address", "postcode_district", "postcode_sector"})
# a whole-record shield leaves only what says a record exists and who holds it
RECORD_KEEPS = frozenset({"record", "id", "pk", "agency", "local_id", "person"})


def cleared(viewer: AbstractBaseUser | AnonymousUser | None) -> bool:
    profile = profile_of(viewer)
    return bool(profile and profile.shielding_clearance)


def shields_of(record_ids: Iterable[int]) -> dict[int, set[str]]:
    """record id -> the scopes shielded ("address", "record"), in one query."""
    found: dict[int, set[str]] = {}
    rows = Shield.objects.filter(record_id__in=list(record_ids), lifted_at__isnull=True)
    for record, scope in rows.values_list("record_id", "scope"):
        found.setdefault(record, set()).add(scope)
    return found


def redact(values: Mapping[str, Any], scopes: set[str], *, clearance: bool) -> dict[str, Any]:
    """A copy of one record's values with what its shields cover replaced."""
    if clearance or not scopes:
        return dict(values)
    if Shield.Scope.RECORD in scopes:
        return {k: (v if k in RECORD_KEEPS else SHIELDED) for k, v in values.items()}
    return {k: (SHIELDED if k in ADDRESS_FIELDS else v) for k, v in values.items()}


# ---- shielded addresses in free text -------------------------------------------------------

# An address line shorter than this (in letters) is not looked for: "Flat" alone, a house name
# of two letters, would hide ordinary words.
_LINE_LETTERS = 4
_HOUSE_NUMBER = re.compile(r"^(?:flat|apartment|unit)?\s*\d+[a-z]?\b[\s,]*", re.IGNORECASE)


def _postcode_pattern(value: str) -> str | None:
    """A postcode as text may write it: any case, with or without spaces."""
    compact = re.sub(r"\s+", "", value)
    if not re.fullmatch(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]?[0-9][A-Za-z]{2}", compact):
        return None
    return r"\s*".join(re.escape(c) for c in compact)


def _line_pattern(line: str) -> str | None:
    words = line.split()
    if sum(c.isalpha() for c in line) < _LINE_LETTERS:
        return None
    return r"[\s,]+".join(re.escape(w.strip(",")) for w in words if w.strip(","))


def _patterns(address: str) -> set[str]:
    """An address's postcode, each of its lines, and each line's street without its number."""
    found: set[str] = set()
    postcode = _postcode_pattern(address)
    if postcode:
        return {postcode}
    lines = [part.strip() for part in re.split(r"[,\n]", address) if part.strip()]
    for line in [address.strip(), *lines]:
        street = _HOUSE_NUMBER.sub("", line)
        if not street:
            continue  # "Flat 3" alone places no one
        for candidate in (line, street):
            pattern = _postcode_pattern(candidate) or _line_pattern(candidate)
            if pattern:
                found.add(pattern)
    return found


class ShieldedAddresses:
    """The shielded addresses of a child and the people around them (postcodes and address
    lines), to be found wherever free text writes them: any case, with or without the spaces,
    a street with or without its house number. `redact` replaces each with SHIELDED. Cautious:
    a line held at a shielded address is hidden wherever it is written, even about something
    else."""

    def __init__(self, addresses: Iterable[str]) -> None:
        patterns: set[str] = set()
        for address in addresses:
            if address and address != SHIELDED:
                patterns |= _patterns(str(address))
        # the longest first, so that "12 Mill Lane" goes whole rather than leaving "12"
        ordered = sorted(patterns, key=len, reverse=True)
        self._found = (
            re.compile(r"(?<![\w])(?:" + "|".join(ordered) + r")(?![\w])", re.IGNORECASE)
            if ordered
            else None
        )

    def __bool__(self) -> bool:
        return self._found is not None

    def redact(self, text: str) -> str:
        if self._found is None or not text:
            return text
        return self._found.sub(SHIELDED, text)


def shielded_addresses(record_ids: Iterable[int]) -> list[str]:
    """The addresses and postcodes held on the shielded records among these, and at their
    residences: what free text about them must not show. Three queries."""
    shielded = list(shields_of(record_ids))
    found: list[str] = []
    for row in SourceRecord.objects.filter(pk__in=shielded).values("postcode", "address"):
        found += [row["postcode"] or "", row["address"] or ""]
    for row in Residence.objects.filter(person_id__in=shielded).values("postcode", "address"):
        found += [row["postcode"] or "", row["address"] or ""]
    return [value for value in found if value]


def redact_text(text: str, addresses: ShieldedAddresses, *, clearance: bool) -> str:
    """Free text as the viewer may see it: every shielded address written in it replaced."""
    return text if clearance else addresses.redact(text)
