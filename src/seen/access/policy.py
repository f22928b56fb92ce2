"""The one place Seen decides who may see what: role + agency + legitimate relationship to the
child + declared purpose -> allow or deny, at what level, and why. Deny by default.

Levels (minimum necessary):
- FLAG: that a flag exists, its kind, and whom to call (named worker, duty number). Universal
  and unscheduled-care roles (midwife, health visitor, GP, ED clinician, personal adviser) and
  the agencies that hold an adult's history (police, probation, adult mental health).
- HOUSEHOLD: the household and its facts. Lead practitioners (social worker, Early Help key
  worker) with the child on their caseload or plan; a midwife, health visitor or personal
  adviser with the child (or its parent) on their caseload; MASH with a contact about the child
  under triage; the safeguarding lead for an alert escalated to them. Every such share records
  its lawful basis first (Share); until it does, the decision is FLAG with the reason.
- AGGREGATE (strategic leaders: counts with small numbers suppressed), DEIDENTIFIED (reviewers),
  and NONE (the system administrator, who manages users and settings and sees no case data).
  The data-protection officer sees the audit of any person and makes subject-access reports.

A user with a case role but no relationship may break glass: time-limited access on a stated
reason, at the level a relationship would give, reviewed by a safeguarding lead. The decision
says when break glass is the remedy (`Decision.may_break_glass`: refused only for want of a
relationship), so no other refusal (a purpose the role may not declare, an action the role may
not take) can be turned into access.

Each role declares only the purposes listed for it (PURPOSES_BY_ROLE), and each action serves
only its purposes (ACTION_PURPOSES: a child's case data is for care and safeguarding, a
chronology for a review); both are in seen.access.actions, with the actions. Serious
incidents are decided about their child like any other child action: recording a notification
needs the safeguarding lead's relationship with that child, and a chronology the reviewer a
lead shared its rapid review with (or the lead's own relationship, or the notification the
lead recorded). A reference Seen holds no child under is
refused exactly as a child without a relationship is (`decide_unknown_child`), so a refusal
never tells whether a child exists.

The relationships are found in ONE query (a UNION over caseload, plans, triage, escalations,
history held, break glass and recorded shares), so a request costs one query for its access
decision once the user's profile is loaded with the user (seen.access.backends), and for the
roles whose relationships run through the child's records (caseload, plans, history held) two
indexed look-ups of those records first (seen.people.about)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import IntEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import CharField, Q, QuerySet, Value

# Action and the purposes live in seen.access.actions; they are named here too, as every face
# imports them from the decision
from seen.access.actions import ACTION_PURPOSES as ACTION_PURPOSES
from seen.access.actions import PURPOSES_BY_ROLE as PURPOSES_BY_ROLE
from seen.access.actions import Action, purpose_refused
from seen.access.models import BreakGlass, Purpose, Role, Share, StaffProfile
from seen.core import clock
from seen.people.about import about_child, child_rows


class Level(IntEnum):
    NONE = 0
    AGGREGATE = 1
    DEIDENTIFIED = 2
    FLAG = 3
    HOUSEHOLD = 4


UNIVERSAL = frozenset(
    {Role.MIDWIFE, Role.HEALTH_VISITOR, Role.GP, Role.ED_CLINICIAN, Role.PERSONAL_ADVISER}
)
LEAD = frozenset({Role.SOCIAL_WORKER, Role.EARLY_HELP_KEY_WORKER})
HISTORY_HOLDERS = frozenset(
    {Role.POLICE_OFFICER, Role.PROBATION_OFFICER, Role.MENTAL_HEALTH_PRACTITIONER}
)
CASE_ROLES = UNIVERSAL | LEAD | HISTORY_HOLDERS | {Role.MASH_PRACTITIONER, Role.SAFEGUARDING_LEAD}
CASELOAD_ROLES = (UNIVERSAL | LEAD) - {Role.ED_CLINICIAN}  # children they answer for
FAMILY_WORKERS = frozenset({Role.MIDWIFE, Role.HEALTH_VISITOR, Role.PERSONAL_ADVISER})

# who may record a fact about a child (a relationship is needed as well), and so refer a parent
RECORDING_ROLES = UNIVERSAL | LEAD | {Role.MASH_PRACTITIONER, Role.SAFEGUARDING_LEAD}

# Actions that are not about one child: which roles may take them.
ALLOWED_ROLES: dict[str, frozenset[str]] = {
    Action.VIEW_LINK_QUEUE: frozenset({Role.MASH_PRACTITIONER, Role.SAFEGUARDING_LEAD}),
    Action.DECIDE_LINKS: frozenset({Role.MASH_PRACTITIONER, Role.SAFEGUARDING_LEAD}),
    Action.VIEW_OWN_ALERTS: frozenset(CASE_ROLES),
    Action.VIEW_CASELOAD: CASELOAD_ROLES,
    Action.VIEW_OWN_REFERRALS: RECORDING_ROLES,
    Action.OVERSEE_ALERTS: frozenset({Role.SAFEGUARDING_LEAD}),
    Action.REVIEW_BREAK_GLASS: frozenset({Role.SAFEGUARDING_LEAD}),
    Action.VIEW_AGGREGATES: frozenset({Role.STRATEGIC_LEADER, Role.SAFEGUARDING_LEAD}),
    Action.VIEW_REVIEW_DATA: frozenset({Role.REVIEWER, Role.SAFEGUARDING_LEAD}),
    Action.ADMINISTER: frozenset({Role.SYSTEM_ADMINISTRATOR}),
    Action.SUBMIT_EXTRACT: frozenset({Role.AGENCY_SYSTEM}),
    Action.SUBJECT_ACCESS: frozenset({Role.DATA_PROTECTION_OFFICER}),
    Action.SHIELD: frozenset({Role.SAFEGUARDING_LEAD, Role.SOCIAL_WORKER, Role.MASH_PRACTITIONER}),
    Action.MANAGE_REVIEW: frozenset({Role.REVIEWER, Role.SAFEGUARDING_LEAD}),
    Action.LIST_INCIDENTS: frozenset({Role.SAFEGUARDING_LEAD}),
    Action.LIST_CHRONOLOGIES: frozenset({Role.REVIEWER, Role.SAFEGUARDING_LEAD}),
    Action.STATE_PARTNERSHIP_VIEW: frozenset({Role.STRATEGIC_LEADER, Role.SAFEGUARDING_LEAD}),
    # the directory of services: every practitioner and the partnership's leaders
    Action.VIEW_DIRECTORY: CASE_ROLES | {Role.STRATEGIC_LEADER},
}
NO_CASE_DATA = frozenset({Action.ADMINISTER, Action.SUBMIT_EXTRACT, Action.VIEW_DIRECTORY})
# which roles may take each child action (a relationship is needed as well); VIEW_CHILD,
# CHECK_CHILD and WHO_LOOKED are open to every case role and decided below
CHILD_ACTION_ROLES: dict[str, frozenset[str]] = {
    Action.RECORD_FACT: RECORDING_ROLES,
    Action.ACT_ON_ALERT: CASE_ROLES,
    Action.DECIDE_TRIAGE: frozenset({Role.MASH_PRACTITIONER, Role.SAFEGUARDING_LEAD}),
    Action.MANAGE_PLAN: LEAD | {Role.SAFEGUARDING_LEAD},
    Action.RECORD_INCIDENT: frozenset({Role.SAFEGUARDING_LEAD}),
    Action.VIEW_CHRONOLOGY: frozenset({Role.REVIEWER, Role.SAFEGUARDING_LEAD}),
}
CHILD_ACTIONS = frozenset(
    {Action.VIEW_CHILD, Action.CHECK_CHILD, Action.WHO_LOOKED, *CHILD_ACTION_ROLES}
)
# child actions that need the household level (a relationship that gives it, and the lawful
# basis recorded); the others are allowed at the flag level
NEEDS_HOUSEHOLD = frozenset(
    {Action.DECIDE_TRIAGE, Action.MANAGE_PLAN, Action.RECORD_INCIDENT, Action.VIEW_CHRONOLOGY}
)

# the relationships that make each role's access to a child legitimate, and the level each gives
# ("answers_alert": the user answers for an alert about the child: routed to them by name or to
# their team, or escalated to them; open, or closed within ANSWERED_ALERT_DAYS)
RELATIONSHIP_LEVEL: dict[str, dict[str, Level]] = {
    **{
        role: {"caseload": Level.FLAG, "presenting": Level.FLAG, "answers_alert": Level.FLAG}
        for role in UNIVERSAL
    },
    # a midwife, a health visitor and a personal adviser work with the family itself: their
    # caseload gives the household, once the lawful basis is recorded
    **{
        role: {"caseload": Level.HOUSEHOLD, "presenting": Level.FLAG, "answers_alert": Level.FLAG}
        for role in FAMILY_WORKERS
    },
    **{
        role: {
            "caseload": Level.HOUSEHOLD,
            "lead": Level.HOUSEHOLD,
            "answers_alert": Level.HOUSEHOLD,
        }
        for role in LEAD
    },
    **{
        role: {"holds_history": Level.FLAG, "answers_alert": Level.FLAG} for role in HISTORY_HOLDERS
    },
    Role.MASH_PRACTITIONER: {"mash_triage": Level.HOUSEHOLD, "answers_alert": Level.HOUSEHOLD},
    Role.SAFEGUARDING_LEAD: {"escalated": Level.HOUSEHOLD, "answers_alert": Level.HOUSEHOLD},
}
# relationships that count only for the serious-incident actions (RECORD_INCIDENT,
# VIEW_CHRONOLOGY), beside the role's own above: the safeguarding lead who recorded a
# notification about the child ("notified": they had the household level, lawful basis
# recorded, to record it); a reviewer a safeguarding lead shared the child's rapid review with
# ("rapid_review": the lead recorded the share, purpose review, with its lawful basis;
# seen.incidents.services.share_with_reviewer)
INCIDENT_ACTIONS = frozenset({Action.RECORD_INCIDENT, Action.VIEW_CHRONOLOGY})
INCIDENT_RELATIONSHIPS: dict[str, dict[str, Level]] = {
    Role.SAFEGUARDING_LEAD: {"notified": Level.HOUSEHOLD},
    Role.REVIEWER: {"rapid_review": Level.HOUSEHOLD},
}
ANSWERED_ALERT_DAYS = 30  # an alert's owner may look back at it this long after closing it
BREAK_GLASS_HOURS = 4
NO_RELATIONSHIP = (
    "you have no legitimate relationship with this child (not on your caseload or plan, "
    "not presenting in your setting, no contact under triage); break glass with a "
    "reason if you must"
)
NO_RAPID_REVIEW = "no safeguarding lead has shared this child's rapid review with you"


@dataclass(frozen=True)
class ChildRef:
    """The child a request is about: a person, or an unborn child as its pregnancy rows."""

    person: int | None = None
    pregnancies: tuple[int, ...] = ()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    level: Level
    reason: str
    relationships: frozenset[str] = field(default_factory=frozenset)
    break_glass: bool = False
    needs_basis: bool = False  # HOUSEHOLD would be given once a lawful basis is recorded
    # refused only for want of a relationship, to a role that may break glass: the one refusal
    # break glass may answer (seen.access.services.break_glass)
    may_break_glass: bool = False


def _deny(reason: str) -> Decision:
    return Decision(False, Level.NONE, reason)


def profile_of(user: AbstractBaseUser | AnonymousUser | None) -> StaffProfile | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        profile: StaffProfile = user.staff_profile  # type: ignore[attr-defined]
    except StaffProfile.DoesNotExist:
        return None
    return profile


Lookup = Callable[[StaffProfile, ChildRef, str], frozenset[str]]


def decide(
    user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    purpose: str,
    child: ChildRef | None = None,
) -> Decision:
    return _decide(user, action, purpose, child, relationships)


# stands for a reference Seen holds no child under: it is never looked up
UNKNOWN_CHILD = ChildRef(person=0)


def decide_unknown_child(
    user: AbstractBaseUser | AnonymousUser | None, action: str, purpose: str
) -> Decision:
    """The decision about a well-formed reference Seen holds no child under: what this user
    would be told about a child they have no relationship with. A face refuses with it exactly
    as for a real child, so a refusal never tells whether the child exists; only a user who may
    see any child (an ED clinician, for a child presenting now) is told there is none."""
    return _decide(user, action, purpose, UNKNOWN_CHILD, _only_presenting)


def _only_presenting(profile: StaffProfile, child: ChildRef, purpose: str) -> frozenset[str]:
    return frozenset({"presenting"}) if presenting(profile, purpose) else frozenset()


def _decide(
    user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    purpose: str,
    child: ChildRef | None,
    lookup: Lookup,
) -> Decision:
    profile = profile_of(user)
    if profile is None:
        return _deny("you are not signed in with a role in Seen")
    if purpose not in Purpose.values:
        return _deny(f"declare why you are looking (one of: {', '.join(Purpose.values)})")
    role = profile.role
    if action not in CHILD_ACTIONS:
        allowed = ALLOWED_ROLES.get(action)
        if allowed is None:
            return _deny(f"{action!r} is not an action Seen knows")
        if role not in allowed:
            doing = action.replace("_", " ")
            return _deny(f"the {profile.get_role_display()} role may not {doing}")
        if (refused := purpose_refused(profile, action, purpose)) is not None:
            return _deny(refused)
        # administering, submitting and the directory show no case data
        level = Level.NONE if action in NO_CASE_DATA else Level.HOUSEHOLD
        return Decision(True, level, f"the {profile.get_role_display()} role")
    if child is None or (child.person is None and not child.pregnancies):
        return _deny("no child named")
    if action == Action.WHO_LOOKED and role == Role.DATA_PROTECTION_OFFICER:
        if (refused := purpose_refused(profile, action, purpose)) is not None:
            return _deny(refused)
        return Decision(True, Level.NONE, "the data-protection officer audits every look")
    roles = CHILD_ACTION_ROLES.get(action, CASE_ROLES)
    if role not in roles and role not in CASE_ROLES:
        return _deny(f"the {profile.get_role_display()} role sees no child's case data")
    if role not in roles:
        doing = action.replace("_", " ")
        return _deny(f"the {profile.get_role_display()} role may not {doing}")
    if (refused := purpose_refused(profile, action, purpose)) is not None:
        return _deny(refused)
    if action == Action.CHECK_CHILD and presenting(profile, purpose):
        # a check gives the flag level at most, which presenting gives: nothing to look up
        return Decision(True, Level.FLAG, "presenting", frozenset({"presenting"}))
    found = lookup(profile, child, purpose)
    levels = dict(RELATIONSHIP_LEVEL.get(role, {}))
    if action in INCIDENT_ACTIONS:
        levels |= INCIDENT_RELATIONSHIPS.get(role, {})
    held = {r for r in found if r in levels}
    glass = "break_glass" in found and role in CASE_ROLES
    if action == Action.WHO_LOOKED:
        if (role in LEAD and held) or role == Role.SAFEGUARDING_LEAD:
            return Decision(True, Level.HOUSEHOLD, "lead practitioner", frozenset(held))
        return _deny("only the child's lead practitioner or a safeguarding lead sees who looked")
    if held:
        level = max(levels[r] for r in held)
        why = ", ".join(sorted(held))
    elif glass:
        level = max(levels.values(), default=Level.FLAG)
        why = "break glass"
    elif role in CASE_ROLES:
        return Decision(False, Level.NONE, NO_RELATIONSHIP, may_break_glass=True)
    else:
        return _deny(NO_RAPID_REVIEW)
    if action == Action.CHECK_CHILD:
        level = Level.FLAG
    if action in NEEDS_HOUSEHOLD and level < Level.HOUSEHOLD:
        return _deny(f"{why}: this needs the household level, which your role does not have")
    if level == Level.HOUSEHOLD and "share" not in found:
        return Decision(
            action not in NEEDS_HOUSEHOLD,
            Level.FLAG,
            f"{why}; record the lawful basis to see the household",
            frozenset(held),
            glass and not held,
            needs_basis=True,
        )
    return Decision(True, level, why, frozenset(held), glass and not held)


@dataclass(frozen=True)
class PersonDecision:
    """The decision about an adult's page: the best level any child around them gives this
    viewer, and the decision for each of those children (the page shows each at its own)."""

    allowed: bool
    level: Level
    reason: str
    children: dict[ChildRef, Decision] = field(default_factory=dict)


def children_around_person(person: int) -> list[ChildRef]:
    """The children (born, or unborn as a pregnancy) an adult is recorded around: as a parent,
    partner or household member, or as the mother of a pregnancy."""
    from seen.people.models import Pregnancy, Relationship

    refs: dict[ChildRef, None] = {}
    related = Relationship.objects.filter(person__person_id=person).values_list(
        "child__person_id", "pregnancy_id", "pregnancy__child__person_id"
    )
    carried = Pregnancy.objects.filter(mother__person_id=person).values_list(
        "child__person_id", "pk"
    )
    for child, pregnancy, born in [*related, *((c, p, None) for c, p in carried)]:
        if child or born:
            refs[ChildRef(person=child or born)] = None
        elif pregnancy:
            refs[ChildRef(pregnancies=(pregnancy,))] = None
    return list(refs)


def decide_person(
    user: AbstractBaseUser | AnonymousUser | None, purpose: str, person: int
) -> PersonDecision:
    """An adult's page is seen through the children around them: a viewer with no legitimate
    relationship to any of those children sees nothing of the adult."""
    decisions = {
        ref: decide(user, Action.VIEW_CHILD, purpose, ref) for ref in children_around_person(person)
    }
    allowed = [d for d in decisions.values() if d.allowed]
    if not allowed:
        first = next(iter(decisions.values()), None)
        if first is None:
            # no child around them (or no such person): refused as a child the user has no
            # relationship with would be, so the refusal does not tell an adult exists; only a
            # user who may see any child is told there is none around this person
            unknown = decide_unknown_child(user, Action.VIEW_CHILD, purpose)
            reason = (
                "this person is not recorded around any child in Seen"
                if unknown.allowed
                else unknown.reason
            )
        else:
            reason = first.reason
        return PersonDecision(False, Level.NONE, reason, decisions)
    best = max(allowed, key=lambda d: d.level)
    return PersonDecision(True, best.level, best.reason, decisions)


def _kind(queryset: QuerySet, kind: str) -> QuerySet:
    # "access_kind": a name no model uses (Plan has a "kind" field)
    return queryset.annotate(access_kind=Value(kind, output_field=CharField())).values_list(
        "access_kind"
    )


def answering(profile: StaffProfile) -> Q:
    """The alerts this user answers for, as a filter on alerts: routed to them by name, to
    their agency's team in their role, or escalated to them; open, or closed within
    ANSWERED_ALERT_DAYS. The one rule for what a user is shown as owed (seen.rules.inbox) and
    for the "answers_alert" relationship that lets them open it: what is owed can be opened."""
    from seen.rules.models import Alert

    mine = (
        Q(owner_role=profile.role, owner_agency_id=profile.agency_id)
        if profile.agency_id
        else Q(pk__in=[])
    )
    if profile.practitioner_id:
        practitioner = profile.practitioner_id
        mine |= Q(owner_practitioner_id=practitioner) | Q(escalated_to_id=practitioner)
    recent = ~Q(status=Alert.Status.CLOSED) | Q(
        closed_at__gte=clock.now() - timedelta(days=ANSWERED_ALERT_DAYS)
    )
    return mine & recent


def presenting(profile: StaffProfile, purpose: str) -> bool:
    """As CP-IS: any ED may see the flag of a child in front of it (unscheduled care)."""
    return profile.role == Role.ED_CLINICIAN and purpose == Purpose.UNSCHEDULED_CARE


def relationships(profile: StaffProfile, child: ChildRef, purpose: str) -> frozenset[str]:
    """Every legitimate relationship this user has with the child, in one query (after, for
    the roles that need them, the two look-ups of the child's rows)."""
    from seen.facts.models import Conviction, MentalHealth, Plan, ProbationSupervision
    from seen.incidents.models import Incident
    from seen.people.models import Relationship, Responsibility
    from seen.rules.models import Alert

    today: date = clock.today()
    now: datetime = clock.now()
    role = profile.role
    kinds: set[str] = set()
    if presenting(profile, purpose):
        kinds.add("presenting")
    # about the child: its records, its pregnancies, and the pregnancy that became it (two
    # indexed look-ups, made only for the roles whose relationships are found through them)
    about = Q(pk__in=[])
    if role in UNIVERSAL | LEAD | HISTORY_HOLDERS:
        about = about_child(child_rows(child.person, child.pregnancies))
    current = Q(end__isnull=True) | Q(end__gte=today)
    parts: list[QuerySet] = []
    practitioner = profile.practitioner_id
    if practitioner and role in (UNIVERSAL | LEAD):
        parts.append(
            _kind(
                Responsibility.objects.filter(about, current, practitioner_id=practitioner),
                "caseload",
            )
        )
    if practitioner and role in LEAD:
        lead = Q(lead_practitioner_id=practitioner) | Q(key_worker_id=practitioner)
        parts.append(_kind(Plan.objects.filter(about, current, lead), "lead"))
    open_alerts = Alert.objects.exclude(status=Alert.Status.CLOSED)
    alert_about = Q(child_id=child.person) if child.person else Q(pk__in=[])
    if child.pregnancies:
        alert_about |= Q(pregnancy_id__in=child.pregnancies)
    if role == Role.MASH_PRACTITIONER and profile.agency_id:
        parts.append(
            _kind(
                open_alerts.filter(
                    alert_about,
                    owner_role=Role.MASH_PRACTITIONER,
                    owner_agency_id=profile.agency_id,
                ),
                "mash_triage",
            )
        )
    if role == Role.SAFEGUARDING_LEAD and practitioner:
        parts.append(
            _kind(open_alerts.filter(alert_about, escalated_to_id=practitioner), "escalated")
        )
    # answering for an alert about the child (to open it, act on it, look back at it)
    parts.append(_kind(Alert.objects.filter(alert_about, answering(profile)), "answers_alert"))
    if role in HISTORY_HOLDERS and profile.agency_id:
        adults = Relationship.objects.filter(about).values("person__person_id")
        for model in (Conviction, ProbationSupervision, MentalHealth):
            parts.append(
                _kind(
                    model.objects.filter(
                        agency_id=profile.agency_id, subject__person_id__in=adults
                    ),
                    "holds_history",
                )
            )
    # break glass open on the child, or on the pregnancy that stood for it
    glassed = Q(child_id=child.person) if child.person else Q(pk__in=[])
    if child.pregnancies:
        glassed |= Q(pregnancy_id__in=child.pregnancies)
    parts.append(
        _kind(
            BreakGlass.objects.filter(glassed, user_id=profile.user_id, expires_at__gt=now),
            "break_glass",
        )
    )
    # the lawful basis recorded, about the child or the pregnancy that stood for it
    shared = Q(child_id=child.person) if child.person else Q(pk__in=[])
    if child.pregnancies:
        shared |= Q(pregnancy_id__in=child.pregnancies)
    parts.append(_kind(Share.objects.filter(shared, user_id=profile.user_id), "share"))
    # the serious-incident relationships (INCIDENT_RELATIONSHIPS): a notification the lead
    # recorded; a rapid review a lead shared with the reviewer (a share for the purpose review)
    if role == Role.SAFEGUARDING_LEAD and child.person:
        parts.append(
            _kind(
                Incident.objects.filter(
                    child_id=child.person, recorded_by_id=profile.user_id
                ).order_by(),  # no ordering inside the UNION
                "notified",
            )
        )
    if role == Role.REVIEWER:
        parts.append(
            _kind(
                Share.objects.filter(shared, user_id=profile.user_id, purpose=Purpose.REVIEW),
                "rapid_review",
            )
        )
    if parts:
        first, *rest = parts
        kinds |= {row[0] for row in first.union(*rest, all=True)}
    return frozenset(kinds)
