"""The chain stores exactly what it hashed: an over-long value is clipped to its column, and a
character the database cannot hold (NUL, another control character, half a surrogate pair) is
replaced, before the hash is taken, on SQLite and PostgreSQL alike (issue 13, finding 1)."""

from __future__ import annotations

from typing import Any

import pytest

from seen.audit.log import CLIPPED, UNSTORABLE, record, verify
from seen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _limit(name: str) -> int:
    limit = AuditEvent._meta.get_field(name).max_length
    assert isinstance(limit, int)
    return limit


def _entry(**overrides: Any) -> AuditEvent:
    fields: dict[str, Any] = {
        "user": None,
        "action": "denied",
        "via": "page",
        "purpose": "direct_care",
        "object_type": "child",
        "object_id": "P00000001",
        "subject": "P00000001",
        "outcome": "denied",
    }
    event = record(**{**fields, **overrides})
    stored = AuditEvent.objects.get(pk=event.pk)
    # what was hashed is what the database gave back
    assert stored.hashed_values() == event.hashed_values()
    assert stored.compute_hash() == stored.hash == event.hash
    return stored


def test_an_over_long_object_id_and_subject_are_clipped_visibly_before_hashing() -> None:
    stored = _entry(object_id="1" * 300, subject="P" + "1" * 300)
    assert len(stored.object_id) == _limit("object_id")
    assert stored.object_id == "1" * (_limit("object_id") - 1) + CLIPPED
    assert len(stored.subject) == _limit("subject")
    assert stored.subject.endswith(CLIPPED) and stored.subject.startswith("P111")
    assert verify().ok


def test_a_value_that_fits_is_kept_as_it_is() -> None:
    exact = "9" * _limit("object_id")
    stored = _entry(object_id=exact, subject="P" * _limit("subject"), reason="a\tb\r\nc")
    assert stored.object_id == exact and stored.subject == "P" * _limit("subject")
    assert stored.reason == "a\tb\r\nc"  # tab and line ends are text, kept


def test_clipping_is_the_same_every_time() -> None:
    first = _entry(object_id="x" * 500)
    second = _entry(object_id="x" * 500)
    assert first.object_id == second.object_id


@pytest.mark.parametrize("nul", ["\x00", "\x01", "\x1b", "\x7f\x00"])
def test_nul_and_control_characters_are_replaced_visibly_in_every_text(nul: str) -> None:
    stored = _entry(
        object_id=f"P{nul}1",
        subject=f"P{nul}2",
        reason=f"no relationship {nul}",
        disclosed={f"key{nul}": [f"value{nul}", {"deep": f"x{nul}y"}], "n": 3},
    )
    mark = nul.replace("\x00", "\ufffd").replace("\x01", "\ufffd").replace("\x1b", "\ufffd")
    assert stored.object_id == f"P{mark}1" and stored.subject == f"P{mark}2"
    assert stored.reason == f"no relationship {mark}"
    assert stored.disclosed == {f"key{mark}": [f"value{mark}", {"deep": f"x{mark}y"}], "n": 3}
    assert "\x00" not in str(stored.hashed_values())
    assert verify().ok


def test_half_a_surrogate_pair_is_replaced() -> None:
    # a JSON body can carry "\\ud800": valid JSON, no valid UTF-8
    stored = _entry(reason="odd \ud800 text", disclosed={"sent": "\udfff"})
    assert stored.reason == "odd \ufffd text" and stored.disclosed == {"sent": "\ufffd"}
    assert verify().ok


def test_a_clipped_value_keeps_its_replacements_inside_the_limit() -> None:
    stored = _entry(subject="\x00" * 100)
    assert stored.subject == "\ufffd" * (_limit("subject") - 1) + CLIPPED


def test_what_cannot_be_stored_is_one_pattern() -> None:
    assert UNSTORABLE.sub("?", "a\x00b\x1fc\td\ne\rf\ud800") == "a?b?c\td\ne\rf?"
