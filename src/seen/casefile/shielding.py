"""What one viewer may see of a family's records: each record's shields, and every address or
postcode a shield covers, hidden wherever the same value is held (another agency's copy of a
refuge's postcode cannot leak it) and wherever free text writes it. Over seen.access.shielding;
the case file, the person file and the chronology replace shielded values through it before
anything leaves them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from seen.access.shielding import (
    ADDRESS_FIELDS,
    SHIELDED,
    ShieldedAddresses,
    cleared,
    redact,
    redact_text,
    shields_of,
)

Viewer = AbstractBaseUser | AnonymousUser | None


def _norm(value: Any) -> str:
    return re.sub(r"\s+", "", str(value or "")).upper()


class Shielding:
    """What this viewer may see of a set of records: each record's shields, and every address
    or postcode a shield covers (hidden wherever the same value is held, and wherever free text
    writes it)."""

    def __init__(
        self, clearance: bool, shields: dict[int, set[str]], hidden: Iterable[str] = ()
    ) -> None:
        self.clearance = clearance
        self.shields = shields
        held = [str(h) for h in hidden if h]
        self.hidden = {_norm(h) for h in held}
        self.addresses = ShieldedAddresses(() if clearance else held)

    @classmethod
    def load(
        cls,
        viewer: Viewer,
        records: Mapping[int, Mapping[str, Any]],
        residences: Iterable[Mapping[str, Any]] = (),
    ) -> Shielding:
        """`records`: record id -> its values (postcode, address); `residences`: rows with
        person (the record), postcode and address. One query (the shields)."""
        shields = shields_of(records)
        hidden: set[str] = set()
        for record, scopes in shields.items():
            if scopes:
                values = records.get(record, {})
                hidden |= {str(values.get("postcode") or ""), str(values.get("address") or "")}
        for row in residences:
            if shields.get(row["person"]):
                hidden |= {str(row.get("postcode") or ""), str(row.get("address") or "")}
        return cls(cleared(viewer), shields, hidden)

    def scopes(self, record: int | None) -> set[str]:
        return self.shields.get(record, set()) if record is not None else set()

    def record(self, record: int | None, values: Mapping[str, Any]) -> dict[str, Any]:
        """One record's (or one of its residences') values as the viewer may see them."""
        shown = redact(values, self.scopes(record), clearance=self.clearance)
        if not self.clearance:
            for key in ADDRESS_FIELDS & shown.keys():
                if shown[key] and _norm(shown[key]) in self.hidden:
                    shown[key] = SHIELDED
        return shown

    def value(self, value: str) -> str:
        """An address or postcode held outside a record (a police incident's postcode)."""
        if not self.clearance and value and _norm(value) in self.hidden:
            return SHIELDED
        return value

    def text(self, value: str) -> str:
        """Free text (a reason, a note, a description) with every shielded address written in
        it replaced (seen.access.shielding.redact_text)."""
        return redact_text(value, self.addresses, clearance=self.clearance)

    def any_record_shielded(self, records: Iterable[int]) -> bool:
        return not self.clearance and any(
            "record" in self.shields.get(r, set()) for r in records
        )
