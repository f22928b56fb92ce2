"""Access beyond the ordinary, recorded: break glass (and its review), the lawful basis of a
share, and the lead practitioner told when unscheduled care looks at their child."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from seen.access.models import BreakGlass, Notification, Purpose, Role, Share
from seen.access.policy import BREAK_GLASS_HOURS, CASE_ROLES, profile_of
from seen.core import clock
from seen.people.models import Person

User = AbstractBaseUser | AnonymousUser | None


class AccessRefused(ValueError):
    """The request cannot be granted; the message says why (and shows nothing shielded)."""


def break_glass(
    user: User, child: Person | None, reason: str, *, pregnancy: int | None = None
) -> BreakGlass:
    """Open time-limited access to a child without a relationship (or, `pregnancy` and child
    None, to an unborn child). Every session lands in the safeguarding lead's review queue."""
    if (child is None) == (pregnancy is None):
        raise AccessRefused("name the child, or for an unborn child its pregnancy")
    profile = profile_of(user)
    if profile is None or profile.role not in CASE_ROLES:
        raise AccessRefused("your role cannot break glass: it sees no child's case data")
    if len(reason.strip()) < 10:
        raise AccessRefused("state the reason for breaking glass (at least a sentence)")
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
) -> Share:
    """The lawful basis for sharing the household's detail with this user, recorded once before
    the first share (the seven golden rules: necessary, proportionate, relevant, accurate,
    timely, secure, recorded). About a born child, or (`pregnancy`, child None) an unborn one."""
    if (child is None) == (pregnancy is None):
        raise AccessRefused("name the child, or for an unborn child its pregnancy")
    profile = profile_of(user)
    if profile is None:
        raise AccessRefused("you are not signed in with a role in Seen")
    if purpose not in Purpose.values:
        raise AccessRefused(f"unknown purpose {purpose!r}")
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
