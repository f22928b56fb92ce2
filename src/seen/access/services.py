"""Access beyond the ordinary, recorded: break glass (and its review), the lawful basis of a
share, and the lead practitioner told when unscheduled care looks at their child."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from seen.access.models import BreakGlass, Notification, Purpose, Role, Share
from seen.access.policy import (
    BREAK_GLASS_HOURS,
    CASE_ROLES,
    Action,
    ChildRef,
    Level,
    decide,
    profile_of,
)
from seen.core import clock
from seen.core.errors import Refused
from seen.people.models import Person, Pregnancy, Relationship

User = AbstractBaseUser | AnonymousUser | None


class AccessRefused(Refused):
    """The request cannot be granted; the message says why (and shows nothing shielded)."""


# A break-glass reason is read by the safeguarding lead who reviews the session: a sentence in
# words, not a keystroke held down, and short enough to be read (and to sit in the audit entry).
REASON_MIN_WORDS = 5
REASON_MIN_DISTINCT_WORDS = 4
REASON_MAX_CHARS = 1000
_WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more, in any alphabet
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reason_problem(reason: str) -> str | None:
    """Why this text is not a reason for breaking glass, or None when it is one."""
    text = reason.strip()
    if len(text) > REASON_MAX_CHARS:
        return (
            f"the reason for breaking glass must be at most {REASON_MAX_CHARS:,} characters "
            f"(this one has {len(text):,})"
        )
    if _CONTROL.search(text):
        return "the reason for breaking glass contains a character Seen cannot store"
    words = _WORD.findall(text.casefold())
    if len(words) < REASON_MIN_WORDS or len(set(words)) < REASON_MIN_DISTINCT_WORDS:
        return (
            "state the reason for breaking glass in at least a sentence: "
            f"{REASON_MIN_WORDS} words or more, saying why you need this child's record now"
        )
    return None


def no_child_to_open(reference: str) -> str:
    return f"break glass opens a child's record: Seen holds no child {reference}"


def _ref(child: Person | None, pregnancy: int | None) -> ChildRef:
    if child is not None:
        return ChildRef(person=child.pk)
    return ChildRef(pregnancies=(pregnancy,) if pregnancy is not None else ())


def _is_a_child(person: Person) -> bool:
    """Recorded as a child in Seen: a pregnancy's baby, or the child of a relationship."""
    return (
        Pregnancy.objects.filter(child__person=person).exists()
        or Relationship.objects.filter(child__person=person).exists()
    )


def break_glass(
    user: User,
    child: Person | None,
    reason: str,
    *,
    pregnancy: int | None = None,
    purpose: str = Purpose.DIRECT_CARE,
    about: ChildRef | None = None,
) -> BreakGlass:
    """Open time-limited access to a child without a relationship (or, `pregnancy` and child
    None, to an unborn child), for the declared `purpose`. Only a refusal for want of a
    relationship is answered (Decision.may_break_glass): not a purpose the role may not declare,
    nor a role that sees no case data, nor a child the user may see already, nor an adult.
    `about`: the whole child as the decision sees it (an unborn child's pregnancy rows), when the
    caller has it. Every session lands in the safeguarding lead's review queue."""
    if (child is None) == (pregnancy is None):
        raise AccessRefused("name the child, or for an unborn child its pregnancy")
    profile = profile_of(user)
    if profile is None or profile.role not in CASE_ROLES:
        raise AccessRefused("your role cannot break glass: it sees no child's case data")
    ref = about or _ref(child, pregnancy)
    decision = decide(user, Action.VIEW_CHILD, purpose, ref)
    if decision.allowed:
        raise AccessRefused("you may see this child already: there is no glass to break")
    if not decision.may_break_glass:
        raise AccessRefused(f"break glass cannot answer this refusal: {decision.reason}")
    problem = reason_problem(reason)
    if problem is not None:
        raise AccessRefused(problem)
    # last, once a session would open: an adult is answered as a reference Seen holds no child
    # under is (seen.web.child), so only a real sentence, audited, tells the two apart
    if child is not None and not _is_a_child(child):
        raise AccessRefused(no_child_to_open(child.reference))
    now = clock.now()
    return BreakGlass.objects.create(
        user_id=profile.user_id,
        child=child,
        pregnancy_id=pregnancy,
        reason=reason.strip(),
        started_at=now,
        expires_at=now + timedelta(hours=BREAK_GLASS_HOURS),
    )


def break_glass_to_review() -> list[BreakGlass]:
    return list(
        BreakGlass.objects.filter(reviewed_at__isnull=True)
        .select_related("user", "child")
        .order_by("started_at")
    )


def review_break_glass(session: BreakGlass, reviewer: User, outcome: str) -> BreakGlass:
    profile = profile_of(reviewer)
    if profile is None or profile.role != Role.SAFEGUARDING_LEAD:
        raise AccessRefused("only a safeguarding lead reviews break-glass sessions")
    if profile.user_id == session.user_id:
        raise AccessRefused("a break-glass session cannot be reviewed by the person who opened it")
    if not outcome.strip():
        raise AccessRefused("record the outcome of the review")
    session.reviewed_by_id = profile.user_id
    session.reviewed_at = clock.now()
    session.review_outcome = outcome.strip()
    session.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome"])
    return session


def record_basis(
    user: User,
    child: Person | None,
    purpose: str,
    basis: str,
    why_no_consent: str = "",
    *,
    pregnancy: int | None = None,
    about: ChildRef | None = None,
) -> Share:
    """The lawful basis for sharing the household's detail with this user, recorded once before
    the first share (the seven golden rules: necessary, proportionate, relevant, accurate,
    timely, secure, recorded). About a born child, or (`pregnancy`, child None) an unborn one;
    `about`: the whole child as the decision sees it, when the caller has it. Only for a user the
    decision allows at the flag level until the basis is recorded (Decision.needs_basis)."""
    if (child is None) == (pregnancy is None):
        raise AccessRefused("name the child, or for an unborn child its pregnancy")
    profile = profile_of(user)
    if profile is None:
        raise AccessRefused("you are not signed in with a role in Seen")
    if purpose not in Purpose.values:
        raise AccessRefused(f"unknown purpose {purpose!r}")
    # a basis is recorded by a user the decision already gives a relationship with the child,
    # waiting only for it: recording one is never a way in
    ref = about or _ref(child, pregnancy)
    decision = decide(user, Action.VIEW_CHILD, purpose, ref)
    if not decision.allowed:
        raise AccessRefused(decision.reason)
    if not decision.needs_basis:
        raise AccessRefused(
            "there is no lawful basis to record: "
            + (
                "it is recorded already"
                if decision.level >= Level.HOUSEHOLD
                else "your role sees the flag level only"
            )
        )
    if basis not in Share.Basis.values:
        raise AccessRefused(f"the lawful basis is one of: {', '.join(Share.Basis.values)}")
    if basis == Share.Basis.SAFEGUARDING and not why_no_consent.strip():
        raise AccessRefused(
            "sharing without consent needs the reason consent was not sought (for example, "
            "seeking it would place the child at risk)"
        )
    return Share.objects.create(
        user_id=profile.user_id,
        child=child,
        pregnancy_id=pregnancy,
        purpose=purpose,
        basis=basis,
        why_no_consent=why_no_consent.strip(),
        recorded_at=clock.now(),
    )


def notify_lead_of_unscheduled_view(viewer: User, child: Person, flags: list[str]) -> int:
    """As CP-IS does: when an ED or urgent-care user views a flagged child, the child's lead
    practitioners (plan leads and key workers, named social workers) are told. Returns how
    many were told."""
    from seen.facts.models import Plan
    from seen.people.models import Responsibility

    profile = profile_of(viewer)
    if profile is None or profile.role != Role.ED_CLINICIAN or not flags:
        return 0
    today = clock.today()
    current = Q(end__isnull=True) | Q(end__gte=today)
    leads = set(
        Plan.objects.filter(current, child__person=child)
        .exclude(lead_practitioner__isnull=True)
        .values_list("lead_practitioner_id", flat=True)
    )
    leads |= set(
        Responsibility.objects.filter(
            current,
            child__person=child,
            role__in=[Responsibility.Role.SOCIAL_WORKER, Responsibility.Role.LEAD_PRACTITIONER],
        ).values_list("practitioner_id", flat=True)
    )
    where = profile.agency.name if profile.agency else "an emergency department"
    text = (
        f"{child.reference} was looked up at {where} by an ED clinician on "
        f"{clock.now():%d %B %Y at %H:%M} (flags shown: {', '.join(flags)})."
    )
    now = clock.now()
    Notification.objects.bulk_create(
        [Notification(to_id=lead, child=child, text=text, created_at=now) for lead in leads]
    )
    return len(leads)
