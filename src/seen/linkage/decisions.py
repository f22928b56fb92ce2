"""Practitioners' identity decisions: confirm, reject, merge, split, and undo.

Each is stored with who and why, binds every later run, and re-derives persons at once."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from seen.core import clock
from seen.core.errors import Conflict
from seen.linkage.models import ClericalDecision, LinkRun
from seen.linkage.resolve import decisions_in_force, recluster
from seen.people.models import Person, SourceRecord

REASON_MAX = 2000  # the longest reason for an identity decision (the API and pages share it)


class DecisionRefused(Conflict):
    """The decision cannot be recorded as asked; the message says why."""


def _check_reason(reason: str, what: str) -> None:
    if not reason.strip():
        raise DecisionRefused(f"a reason is required {what}")
    if len(reason.strip()) > REASON_MAX:
        raise DecisionRefused(f"the reason must be {REASON_MAX} characters or fewer")


def _ordered(a: int, b: int) -> list[int]:
    return [min(a, b), max(a, b)]


def _record(value: SourceRecord | int) -> int:
    return value.pk if isinstance(value, SourceRecord) else int(value)


def _check(reason: str, must: list[list[int]], cannot: list[list[int]]) -> None:
    _check_reason(reason, "for every identity decision")
    known = set(
        SourceRecord.objects.filter(pk__in={r for pair in must + cannot for r in pair}).values_list(
            "pk", flat=True
        )
    )
    missing = {r for pair in must + cannot for r in pair} - known
    if missing:
        raise DecisionRefused(f"no source record with id {sorted(missing)[0]}")
    if any(a == b for a, b in must + cannot):
        raise DecisionRefused("a record cannot be compared with itself")
    in_force_must, in_force_cannot, _ = decisions_in_force()
    clash_with_cannot = {tuple(p) for p in must} & {tuple(_ordered(*p)) for p in in_force_cannot}
    clash_with_must = {tuple(p) for p in cannot} & {tuple(_ordered(*p)) for p in in_force_must}
    if clash_with_cannot or clash_with_must:
        raise DecisionRefused("this contradicts a decision in force; undo that decision first")


def _record_decision(
    kind: str,
    *,
    must: list[list[int]],
    cannot: list[list[int]],
    user: User | None,
    reason: str,
) -> ClericalDecision:
    _check(reason, must, cannot)
    with transaction.atomic():
        decision = ClericalDecision.objects.create(
            kind=kind,
            must_link=must,
            cannot_link=cannot,
            decided_by=user if user is not None and user.pk else None,
            reason=reason.strip(),
            decided_at=clock.now(),
        )
        _recluster_now()
    return decision


def _recluster_now() -> None:
    from seen.linkage.runs import running, start_run
    from seen.linkage.settings import current_bands

    bands = current_bands()
    run = start_run(
        LinkRun.Kind.RECLUSTER,
        auto_link_threshold=bands.auto_link,
        review_threshold=bands.review,
    )
    with running(run):
        recluster(run)


def confirm(
    a: SourceRecord | int, b: SourceRecord | int, *, user: User | None, reason: str
) -> ClericalDecision:
    """These two records are the same person."""
    return _record_decision(
        ClericalDecision.Kind.CONFIRM,
        must=[_ordered(_record(a), _record(b))],
        cannot=[],
        user=user,
        reason=reason,
    )


def reject(
    a: SourceRecord | int, b: SourceRecord | int, *, user: User | None, reason: str
) -> ClericalDecision:
    """These two records are not the same person."""
    return _record_decision(
        ClericalDecision.Kind.REJECT,
        must=[],
        cannot=[_ordered(_record(a), _record(b))],
        user=user,
        reason=reason,
    )


def merge(first: Person, second: Person, *, user: User | None, reason: str) -> ClericalDecision:
    """Two persons are one: every record of the second joins the first."""
    if first.pk == second.pk:
        raise DecisionRefused("a person cannot be merged with itself")
    left = list(first.records.values_list("pk", flat=True))
    right = list(second.records.values_list("pk", flat=True))
    if not left or not right:
        raise DecisionRefused("both persons must hold records to be merged")
    # a merge binds every record of the two together, so it would silently override a
    # practitioner's decision that a record of each is a different person
    _, in_force_cannot, _ = decisions_in_force()
    first_records, second_records = set(left), set(right)
    if any(
        (a in first_records and b in second_records) or (a in second_records and b in first_records)
        for a, b in in_force_cannot
    ):
        raise DecisionRefused(
            "a decision in force says a record of each is a different person; "
            "undo that decision first"
        )
    return _record_decision(
        ClericalDecision.Kind.MERGE,
        must=[_ordered(left[0], r) for r in right],
        cannot=[],
        user=user,
        reason=reason,
    )


def split(record: SourceRecord | int, *, user: User | None, reason: str) -> ClericalDecision:
    """This record is not the same person as the other records of its person."""
    record_id = _record(record)
    person_id = (
        SourceRecord.objects.filter(pk=record_id).values_list("person_id", flat=True).first()
    )
    others = (
        list(
            SourceRecord.objects.filter(person_id=person_id)
            .exclude(pk=record_id)
            .values_list("pk", flat=True)
        )
        if person_id
        else []
    )
    if not others:
        raise DecisionRefused("this record is already a person on its own")
    return _record_decision(
        ClericalDecision.Kind.SPLIT,
        must=[],
        cannot=[_ordered(record_id, o) for o in others],
        user=user,
        reason=reason,
    )


def undo(decision: ClericalDecision, *, user: User | None, reason: str) -> ClericalDecision:
    """Withdraw a decision: later runs are free again to link as the evidence says."""
    if decision.undone_at is not None:
        raise DecisionRefused("this decision has already been undone")
    _check_reason(reason, "to undo a decision")
    with transaction.atomic():
        decision.undone_at = clock.now()
        decision.undone_by = user if user is not None and user.pk else None
        decision.undone_reason = reason.strip()
        decision.save(update_fields=["undone_at", "undone_by", "undone_reason"])
        _recluster_now()
    return decision


__all__ = ["REASON_MAX", "DecisionRefused", "confirm", "merge", "reject", "split", "undo"]
