"""The flags of a child and whom to call: what universal and unscheduled-care roles may see
(docs/access.md, the FLAG level). A flag says that something exists and its kind — a plan, an
open safeguarding alert — never the detail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection

from seen.access.services import notify_lead_of_unscheduled_view
from seen.areas.models import Practitioner
from seen.core import clock
from seen.facts.models import Plan
from seen.people.models import Person, Responsibility
from seen.rules.models import Alert

PLAN_FLAGS: dict[str, str] = {
    Plan.Kind.CHILD_PROTECTION: "child protection plan",
    Plan.Kind.CHILD_IN_NEED: "child in need plan",
    Plan.Kind.EARLY_HELP: "Early Help plan",
    Plan.Kind.LOOKED_AFTER: "looked after",
    Plan.Kind.PRE_BIRTH: "pre-birth plan",
}


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    agency: str
    phone: str


@dataclass
class Flags:
    child: str  # the person reference
    kinds: list[str] = field(default_factory=list)
    call: list[Contact] = field(default_factory=list)
    lead_told: int = 0  # lead practitioners told an ED clinician was shown these flags


# One statement for the whole look-up, the hottest read Seen serves (an ED asks it of every baby
# in front of it): the child's records and pregnancies, its current plans with their workers,
# its open alerts, its named social workers and lead practitioners. Each part reaches the child
# through indexed ids (a UNION, never an OR across joins), and no ORM query is compiled per call.
_WORKER_COLUMNS = "{w}.name, {w}.role, {w}.phone, {a}.name, {a}.duty_phone"
_NO_WORKER = "NULL, NULL, NULL, NULL, NULL"
# an open alert's rule and its owner (whom to call about it), up to its WHERE
_OPEN_ALERTS = f"""SELECT 1, NULL, al.id, al.rule_id, oa.name, oa.duty_phone,
       {_WORKER_COLUMNS.format(w="op", a="opa")}, {_NO_WORKER}
FROM rules_alert al
LEFT JOIN areas_agency oa ON oa.id = al.owner_agency_id
LEFT JOIN areas_practitioner op ON op.id = al.owner_practitioner_id
LEFT JOIN areas_agency opa ON opa.id = op.agency_id
WHERE"""
FLAGS_SQL = f"""
WITH recs AS (SELECT id FROM people_sourcerecord WHERE person_id = %s),
pregs AS (
    SELECT id FROM people_pregnancy WHERE child_id IN (SELECT id FROM recs)
    UNION
    SELECT id FROM people_pregnancy WHERE id IN ({{pregnancies}})
),
plans AS (
    SELECT id FROM facts_plan WHERE child_id IN (SELECT id FROM recs)
    UNION
    SELECT id FROM facts_plan WHERE pregnancy_id IN (SELECT id FROM pregs)
),
duties AS (
    SELECT id FROM people_responsibility WHERE child_id IN (SELECT id FROM recs)
    UNION
    SELECT id FROM people_responsibility WHERE pregnancy_id IN (SELECT id FROM pregs)
)
SELECT 0 AS part, pl.occurred_on AS started, pl.id AS row_id, pl.kind, ag.name, ag.duty_phone,
       {_WORKER_COLUMNS.format(w="lp", a="la")}, {_WORKER_COLUMNS.format(w="kw", a="ka")}
FROM facts_plan pl
JOIN areas_agency ag ON ag.id = pl.agency_id
LEFT JOIN areas_practitioner lp ON lp.id = pl.lead_practitioner_id
LEFT JOIN areas_agency la ON la.id = lp.agency_id
LEFT JOIN areas_practitioner kw ON kw.id = pl.key_worker_id
LEFT JOIN areas_agency ka ON ka.id = kw.agency_id
WHERE pl.id IN (SELECT id FROM plans)
  AND (pl."end" IS NULL OR pl."end" >= %s) AND pl.occurred_on <= %s
UNION ALL
{_OPEN_ALERTS} al.child_id = %s AND al.status <> %s
UNION ALL
{_OPEN_ALERTS} al.pregnancy_id IN (SELECT id FROM pregs) AND al.status <> %s
UNION ALL
SELECT 2, NULL, du.id, NULL, NULL, NULL, {_WORKER_COLUMNS.format(w="pr", a="pa")}, {_NO_WORKER}
FROM people_responsibility du
JOIN areas_practitioner pr ON pr.id = du.practitioner_id
JOIN areas_agency pa ON pa.id = pr.agency_id
WHERE du.id IN (SELECT id FROM duties)
  AND (du."end" IS NULL OR du."end" >= %s) AND du.role IN (%s, %s)
ORDER BY part, started, row_id
"""
ROLE_LABELS: dict[str, str] = dict(Practitioner.Role.choices)
# the procedures whose alert says an adult around the child has a relevant history (a
# conviction, domestic abuse, MARAC, mental health): flagged as that, with whom to call (the
# alert's owner), never the history itself
ADULT_HISTORY_RULES = frozenset(
    {
        "man-with-relevant-history",
        "domestic-abuse-checks",
        "marac-baby",
        "think-family-mental-health",
    }
)
ADULT_HISTORY = "an adult around this child has a relevant history"
OPEN_ALERT = "open safeguarding alert"
Viewer = AbstractBaseUser | AnonymousUser | None


def flags_for(child: Person, viewer: Viewer = None) -> Flags:
    return child_flags(child.reference, child.pk, viewer=viewer)


def child_flags(
    reference: str, person: int | None, pregnancies: Sequence[int] = (), *, viewer: Viewer = None
) -> Flags:
    """The flags of a child (`person`), or of an unborn child (its `pregnancies`), or both (a
    baby and the pregnancies that stood for it: an alert raised before birth still counts).

    `viewer`: whom they are shown to. Every face that shows a child's flags (the look-up, the
    flags API, the child page and `GET /api/children/{reference}` through the case file, the
    person page for each child around the adult) passes its viewer here, so that an ED
    clinician shown a flagged child tells the child's lead practitioners wherever the look is
    made (as CP-IS does: seen.access.services.notify_lead_of_unscheduled_view)."""
    flags = _flags(reference, person, pregnancies)
    if viewer is not None and person is not None and flags.kinds:
        shown = Person(pk=person, reference=reference)  # the child, as the notification names it
        flags.lead_told = notify_lead_of_unscheduled_view(viewer, shown, flags.kinds)
    return flags


def _flags(reference: str, person: int | None, pregnancies: Sequence[int]) -> Flags:
    today = clock.today()
    ids = [int(p) for p in pregnancies]
    sql = FLAGS_SQL.replace("{pregnancies}", ", ".join(["%s"] * len(ids)) or "NULL")
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                person,
                *ids,
                today,
                today,
                person,
                Alert.Status.CLOSED,
                Alert.Status.CLOSED,
                today,
                Responsibility.Role.SOCIAL_WORKER,
                Responsibility.Role.LEAD_PRACTITIONER,
            ],
        )
        rows = cursor.fetchall()
    flags = Flags(reference)
    alerted = history = False
    history_owners: list[Contact] = []
    for part, _, _, kind, agency, duty_phone, *workers in rows:
        if part == 1:
            alerted = True
            if kind in ADULT_HISTORY_RULES:
                history = True
                name, role, phone, its_agency, its_duty = workers[:5]
                history_owners.append(
                    Contact(name, ROLE_LABELS.get(role, role), its_agency, phone or its_duty)
                    if name is not None
                    else Contact("duty team", "duty", agency or "", duty_phone or "")
                )
            continue
        if part == 0:
            label = PLAN_FLAGS.get(kind, kind)
            if label not in flags.kinds:
                flags.kinds.append(label)
        named = [workers[:5], workers[5:]]
        for name, role, phone, its_agency, its_duty in named:
            if name is not None:
                label = ROLE_LABELS.get(role, role)
                _add(flags, Contact(name, label, its_agency, phone or its_duty))
        if part == 0 and all(worker[0] is None for worker in named):
            _add(flags, Contact("duty team", "duty", agency, duty_phone))
    if history:
        flags.kinds.append(ADULT_HISTORY)
        for contact in history_owners:
            _add(flags, contact)
    if alerted:
        flags.kinds.append(OPEN_ALERT)
    return flags


def _add(flags: Flags, contact: Contact) -> None:
    if contact not in flags.call:
        flags.call.append(contact)
