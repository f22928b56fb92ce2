"""MASH triage: open a triage for a child with its RAG rating, work out the checks
(seen.triage.checks: one per agency kind for every area the child and the adults around the
child are or were linked to, an agency serving the whole partnership once), mark each done with
its result, and record the decision only once every check is done (due within the timescale the
rating sets: seen.triage.timescale)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Q

from seen.access.models import Role
from seen.access.policy import profile_of
from seen.casefile.subjects import Subject
from seen.core import clock
from seen.core.errors import Invalid
from seen.rules.models import Alert
from seen.triage.checks import (
    CHECK_KINDS,
    KIND_NAMES,
    areas_linked,
    check_name,
    checks_of,
    ensure_checks,
    grouped,
    outstanding,
)
from seen.triage.models import Triage, TriageCheck
from seen.triage.timescale import RAG_OF_SEVERITY

__all__ = [
    "CHECK_KINDS",
    "KIND_NAMES",
    "TriageRefused",
    "areas_linked",
    "check_name",
    "checks_of",
    "ensure_checks",
    "grouped",
    "mark_done",
    "open_triage",
    "open_triage_of",
    "outstanding",
    "record_decision",
    "suggested_rag",
    "triages_of",
]

User = AbstractBaseUser | AnonymousUser | None
NOT_SIGNED_IN = "you are not signed in with a role in Seen"


class TriageRefused(Invalid):
    """The step cannot be taken; `errors` are (field, message) for the page's error summary."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


# ---- the triage --------------------------------------------------------------------------


def triages_of(subject: Subject) -> list[Triage]:
    """The child's triages, newest first."""
    return list(
        Triage.objects.filter(_triage_about(subject))
        .select_related("opened_by", "decided_by", "agency")
        .order_by("-opened_at", "-pk")
    )


def _triage_about(subject: Subject) -> Q:
    about = Q(pregnancy_id__in=[p.pk for p in subject.pregnancies])
    if subject.person is not None:
        about |= Q(child=subject.person)
    return about


def open_triage_of(subject: Subject) -> Triage | None:
    return Triage.objects.filter(_triage_about(subject), decision="").order_by("-opened_at").first()


def _mash_alert(subject: Subject, agency_id: int | None) -> Alert | None:
    """The earliest open alert about the child routed to MASH in this agency: what the triage
    answers (an alert names its child as a triage does)."""
    return (
        Alert.objects.filter(_triage_about(subject), owner_role=Role.MASH_PRACTITIONER)
        .exclude(status=Alert.Status.CLOSED)
        .filter(owner_agency_id=agency_id)
        .order_by("raised_at")
        .first()
    )


def suggested_rag(user: User, subject: Subject) -> str:
    """The rating the alert the triage would answer suggests ("" without one)."""
    profile = profile_of(user)
    alert = _mash_alert(subject, profile.agency_id) if profile is not None else None
    return RAG_OF_SEVERITY.get(alert.severity, "") if alert is not None else ""


def open_triage(user: User, subject: Subject, rag: str = "") -> Triage:
    """Open a triage of the child (one open at a time), with its checks, rated `rag`: when MASH
    chooses no rating, the alert it answers sets one (its severity), else it stays unrated."""
    profile = profile_of(user)
    if profile is None:
        raise TriageRefused([("step", NOT_SIGNED_IN)])
    if rag and rag not in Triage.Rag.values:
        raise TriageRefused([("rag", "Select red, amber or green")])
    with transaction.atomic():
        if open_triage_of(subject) is not None:
            raise TriageRefused([("step", "a triage of this child is already open")])
        alert = _mash_alert(subject, profile.agency_id)
        if not rag and alert is not None:
            rag = RAG_OF_SEVERITY.get(alert.severity, "")
        triage = Triage.objects.create(
            child=subject.person,
            pregnancy=None if subject.person is not None else subject.pregnancies[0],
            child_reference=subject.reference,
            alert=alert,
            opened_by_id=profile.user_id,
            agency_id=profile.agency_id,
            opened_at=clock.now(),
            rag=rag,
        )
        ensure_checks(triage, subject)
    return triage


def mark_done(user: User, triage: Triage, check_id: int, result: str) -> TriageCheck:
    profile = profile_of(user)
    if profile is None:
        raise TriageRefused([("step", NOT_SIGNED_IN)])
    check = triage.checks.select_related("area").filter(pk=check_id).first()
    if check is None:
        raise TriageRefused([("checks", "Choose a check of this triage")])
    field_name = f"result-{check.pk}"
    if triage.decided:
        raise TriageRefused([(field_name, "the triage is decided: its checks are closed")])
    if check.done:
        raise TriageRefused([(field_name, f"{check_name(check)} is already done")])
    if not result.strip():
        raise TriageRefused(
            [(field_name, f"Write the result of the check ({check_name(check)}) to mark it done")]
        )
    check.result = result.strip()
    check.done_by_id = profile.user_id
    check.done_at = clock.now()
    check.save(update_fields=["result", "done_by", "done_at"])
    return check


def record_decision(
    user: User, triage: Triage, subject: Subject, decision: str, reason: str
) -> Triage:
    """The decision, only once every check is done (the checks are brought up to date first,
    so an area found since the triage opened is checked before anything is decided)."""
    profile = profile_of(user)
    if profile is None:
        raise TriageRefused([("step", NOT_SIGNED_IN)])
    if triage.decided:
        raise TriageRefused([("decision", "the triage is already decided")])
    errors: list[tuple[str, str]] = []
    waiting = outstanding(ensure_checks(triage, subject))
    if waiting:
        names = ", ".join(check_name(c) for c in waiting)
        errors.append(
            ("checks", f"The decision needs every check done first. Still to do: {names}")
        )
    if decision not in Triage.Decision.values:
        errors.append(("decision", "Choose the decision"))
    if not reason.strip():
        errors.append(("reason", "Give the reason for the decision"))
    if errors:
        raise TriageRefused(errors)
    triage.decision = decision
    triage.reason = reason.strip()
    triage.decided_by_id = profile.user_id
    triage.decided_at = clock.now()
    triage.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    return triage
