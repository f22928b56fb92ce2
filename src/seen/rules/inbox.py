"""What a user owes: the alerts they answer for, for every face (the `alerts` command, the home
page, the alerts inbox and alert page, the alerts API); and who may see and act on one alert
(`owns`, and `alert_access` with the access decision about its child)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from seen.access.models import StaffProfile
from seen.access.policy import ChildRef, Decision, answering, decide, profile_of
from seen.core import clock
from seen.rules.models import Alert


def owed_by(profile: StaffProfile) -> QuerySet[Alert]:
    """The alerts a user answers for (seen.access.policy.answering: routed to them by name, to
    their agency's team in their role, or escalated to them; open, or closed lately). The same
    rule gives the relationship that opens them, so every alert shown as owed can be opened."""
    return Alert.objects.filter(answering(profile))


UNANSWERED = (Alert.Status.RAISED, Alert.Status.SEEN)
# what a list of alerts shows of each: its owner, and its child's reference (child_reference)
RELATED = (
    "owner_agency",
    "owner_practitioner",
    "escalated_to",
    "child",
    "pregnancy__child__person",
)


def overdue(alert: Alert, now: datetime | None = None) -> bool:
    """Past its deadline and not yet acknowledged (as `seen alerts --overdue`)."""
    return alert.status in UNANSWERED and alert.deadline < (now or clock.now())


def open_owed_by(profile: StaffProfile, limit: int = 200) -> list[Alert]:
    """The open alerts a user answers for, most urgent first: overdue ones, then the rest, each
    by deadline; at most `limit`."""
    alerts = (
        owed_by(profile)
        .exclude(status=Alert.Status.CLOSED)
        .select_related(*RELATED)
        .order_by("deadline", "pk")[:limit]
    )
    now = clock.now()
    return sorted(alerts, key=lambda a: (not overdue(a, now), a.deadline, a.pk))


def audit_subject(alerts: list[Alert]) -> tuple[str, list[str]]:
    """What an audit entry for a list of alerts names: the child as its subject when there is
    one (the subject column holds one person reference), and every child in `disclosed`. A
    child by its reference (`child_reference`: what "who looked at this child" searches for),
    else by the rules' key."""
    children = sorted({child_reference(a) or a.child_key for a in alerts})
    return (children[0] if len(children) == 1 else ""), children


# ---- the inbox's filters ------------------------------------------------------------------------

SHOW = ("open", "overdue", "closed")


def owed_shown(profile: StaffProfile, show: str = "open", limit: int = 200) -> list[Alert]:
    """The alerts a user answers for, as the inbox shows them: `open` (overdue first, then by
    deadline), `overdue` (past the deadline and unacknowledged, by deadline) or `closed` (the
    most recently closed first); at most `limit`. Any other `show` is a ValueError."""
    if show not in SHOW:
        raise ValueError(f"show one of: {', '.join(SHOW)}")
    if show == "open":
        return open_owed_by(profile, limit)
    related = owed_by(profile).select_related(*RELATED)
    if show == "overdue":
        rows = related.filter(status__in=UNANSWERED, deadline__lt=clock.now())
        return list(rows.order_by("deadline", "pk")[:limit])
    return list(related.filter(status=Alert.Status.CLOSED).order_by("-closed_at", "-pk")[:limit])


def summary(explanation: str, limit: int = 160) -> str:
    """The first sentence of an explanation, cut at a word to `limit` characters."""
    first = explanation.strip().split(". ", 1)[0].rstrip(".")
    if len(first) <= limit:
        return first + "."
    return first[:limit].rsplit(" ", 1)[0] + "…"


# ---- which child, and who answers --------------------------------------------------------------


def child_reference(alert: Alert) -> str:
    """The child's reference as pages and the audit log name it (seen.casefile.subjects): the
    born child's `P…`, including a baby born since the alert was raised about its pregnancy,
    else `U` and the pregnancy's id."""
    if alert.child_id is not None and alert.child is not None:
        return alert.child.reference
    pregnancy = alert.pregnancy
    if pregnancy is None:
        return ""
    if pregnancy.child is not None and pregnancy.child.person is not None:
        return pregnancy.child.person.reference
    return f"U{pregnancy.pk}"


def child_ref(alert: Alert) -> ChildRef:
    """What the access decision is asked about: the child, and the pregnancy the alert was
    raised on (so a relationship recorded before or after the birth both count)."""
    person = alert.child_id
    if person is None and alert.pregnancy is not None and alert.pregnancy.child is not None:
        person = alert.pregnancy.child.person_id
    return ChildRef(person=person, pregnancies=(alert.pregnancy_id,) if alert.pregnancy_id else ())


def owns(profile: StaffProfile, alert: Alert) -> bool:
    """Whether this user answers for the alert: it is among those `owed_by` lists (its named
    practitioner, a member of the team it was routed to, the practitioner it was escalated
    to). Answering is not enough to open it: the access decision must allow it too
    (`alert_access`)."""
    return owed_by(profile).filter(pk=alert.pk).exists()


@dataclass(frozen=True)
class AlertAccess:
    allowed: bool
    reason: str
    decision: Decision | None = None


def alert_access(
    user: AbstractBaseUser | AnonymousUser | None, alert: Alert, action: str, purpose: str
) -> AlertAccess:
    """May this user see (Action.VIEW_CHILD) or act on (Action.ACT_ON_ALERT) this alert? Both
    that they answer for it and the access decision about its child, for the purpose declared
    (answering for an alert is itself a relationship with the child: "answers_alert" in
    seen.access.policy). Deny by default."""
    profile = profile_of(user)
    if profile is None:
        return AlertAccess(False, "you are not signed in with a role in Seen")
    if not owns(profile, alert):
        return AlertAccess(
            False, "this alert is not yours to answer: it is routed to another practitioner or team"
        )
    decision = decide(user, action, purpose, child_ref(alert))
    return AlertAccess(decision.allowed, decision.reason, decision)


# ---- what one alert shows -----------------------------------------------------------------------


@dataclass(frozen=True)
class Ground:
    """One fact an alert rests on, as its page shows it: what, when, from which agency."""

    kind: str  # the fact type (seen.rules.world.FACT_TYPES)
    label: str
    id: int
    occurred_on: date | None  # None: the fact is no longer held
    agency: str


def grounds(alert: Alert) -> list[Ground]:
    """The facts the alert rests on (Alert.facts), one query per kind of fact."""
    from seen.rules.world import FACT_TYPES

    wanted: dict[str, list[int]] = {}
    for kind, pk in alert.facts:
        wanted.setdefault(str(kind), []).append(int(pk))
    found: dict[tuple[str, int], tuple[date, str]] = {}
    for kind, ids in wanted.items():
        model = FACT_TYPES.get(kind)
        if model is None:
            continue
        rows = model._default_manager.filter(pk__in=ids).values_list(
            "pk", "occurred_on", "agency__name"
        )
        found.update({(kind, pk): (on, agency) for pk, on, agency in rows})
    out = []
    for kind, pk in alert.facts:
        model = FACT_TYPES.get(str(kind))
        label = str(model._meta.verbose_name) if model is not None else str(kind)
        on, agency = found.get((str(kind), int(pk)), (None, ""))
        out.append(Ground(str(kind), label.capitalize(), int(pk), on, agency))
    return out


@dataclass(frozen=True)
class Named:
    """A person an alert names, by reference (never by name: a shielded record's name stays
    out of every alert) and the part they play in it."""

    reference: str
    role: str


def people_named(alert: Alert) -> list[Named]:
    from seen.people.models import Person

    ids = [int(pk) for pk, _ in alert.people]
    references = dict(Person.objects.filter(pk__in=ids).values_list("pk", "reference"))
    return [
        Named(references.get(int(pk), f"person {pk}"), str(role).replace("_", " "))
        for pk, role in alert.people
    ]
