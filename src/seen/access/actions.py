"""What a user asks to do (`Action`) and why (the purposes): which purposes each role may declare
and which each action serves, and the refusal of a purpose that is not among them. The access
decision (seen.access.policy) asks these first, for every action; they are the vocabulary the
faces name their actions and purposes in, so they sit apart from the decision's relationships."""

from __future__ import annotations

from seen.access.models import Purpose, Role, StaffProfile


class Action:
    """What a user asks to do. Each is listed in seen.access.policy's ALLOWED_ROLES or
    CHILD_ACTIONS (deny by default)."""

    VIEW_CHILD = "view_child"  # a child's case file, at the level the decision gives
    CHECK_CHILD = "check_child"  # the look-up: flags and whom to call
    VIEW_LINK_QUEUE = "view_link_queue"  # clerical review of identity links
    DECIDE_LINKS = "decide_links"
    VIEW_OWN_ALERTS = "view_own_alerts"
    OVERSEE_ALERTS = "oversee_alerts"  # the partnership's alerts: owner, status, not the finding
    VIEW_CASELOAD = "view_caseload"  # the children one is responsible for (each: VIEW_CHILD)
    VIEW_OWN_REFERRALS = "view_own_referrals"  # the referrals one made (each: VIEW_CHILD)
    WHO_LOOKED = "who_looked"  # audit of a child, for its lead practitioner
    SUBJECT_ACCESS = "subject_access"  # what Seen holds about a person, and who has seen it
    SHIELD = "shield"  # shield an address or a record, or lift a shield
    REVIEW_BREAK_GLASS = "review_break_glass"
    VIEW_AGGREGATES = "view_aggregates"
    VIEW_REVIEW_DATA = "view_review_data"
    ADMINISTER = "administer"
    SUBMIT_EXTRACT = "submit_extract"  # an agency system, its own agency's rows only
    # review and learning (not about one child each)
    MANAGE_REVIEW = "manage_review"  # thematic reviews: cases, dataset, meetings, theme coding
    LIST_INCIDENTS = "list_incidents"  # the notifications list and the blank form (each row and
    # each notification is decided about its child: RECORD_INCIDENT)
    LIST_CHRONOLOGIES = "list_chronologies"  # where a reviewer starts (each row: VIEW_CHRONOLOGY)
    STATE_PARTNERSHIP_VIEW = "state_partnership_view"  # what leaders say is happening
    # about one child, through the same relationships as VIEW_CHILD:
    RECORD_FACT = "record_fact"  # a contact, assessment, was-not-brought, injury observation
    ACT_ON_ALERT = "act_on_alert"  # acknowledge, record action, escalate, close
    DECIDE_TRIAGE = "decide_triage"  # MASH: mark the checks done, record the decision
    MANAGE_PLAN = "manage_plan"  # plans, programmes and attendance, step-down, conferences
    # about one child, through its relationships and the incident's own (INCIDENT_RELATIONSHIPS)
    RECORD_INCIDENT = "record_incident"  # a notification about the child, its clock, its steps
    VIEW_CHRONOLOGY = "view_chronology"  # a notified child's chronology, for its rapid review
    # the partnership's directory of services for parents (no case data in it)
    VIEW_DIRECTORY = "view_directory"


# ---- purposes --------------------------------------------------------------------------------
# The purposes each role may declare: anything else is refused, whatever the relationship. The
# first is the role's usual one.
_CARE = (Purpose.DIRECT_CARE, Purpose.SAFEGUARDING)
PURPOSES_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.MIDWIFE: _CARE,
    Role.HEALTH_VISITOR: _CARE,
    Role.GP: _CARE,
    Role.PERSONAL_ADVISER: _CARE,
    Role.ED_CLINICIAN: (Purpose.UNSCHEDULED_CARE, *_CARE),
    # a lead practitioner also audits who has looked at their child
    Role.SOCIAL_WORKER: (Purpose.SAFEGUARDING, Purpose.DIRECT_CARE, Purpose.AUDIT),
    Role.EARLY_HELP_KEY_WORKER: (Purpose.DIRECT_CARE, Purpose.SAFEGUARDING, Purpose.AUDIT),
    Role.POLICE_OFFICER: (Purpose.SAFEGUARDING, Purpose.DIRECT_CARE),
    Role.PROBATION_OFFICER: (Purpose.SAFEGUARDING, Purpose.DIRECT_CARE),
    Role.MENTAL_HEALTH_PRACTITIONER: (Purpose.DIRECT_CARE, Purpose.SAFEGUARDING),
    Role.MASH_PRACTITIONER: (Purpose.MASH_TRIAGE, Purpose.SAFEGUARDING, Purpose.DIRECT_CARE),
    Role.SAFEGUARDING_LEAD: (
        Purpose.SAFEGUARDING,
        Purpose.DIRECT_CARE,
        Purpose.MASH_TRIAGE,
        Purpose.REVIEW,
        Purpose.STRATEGIC,
        Purpose.AUDIT,
    ),
    Role.STRATEGIC_LEADER: (Purpose.STRATEGIC,),
    Role.REVIEWER: (Purpose.REVIEW,),
    Role.SYSTEM_ADMINISTRATOR: (Purpose.ADMINISTRATION,),
    Role.DATA_PROTECTION_OFFICER: (Purpose.AUDIT,),
    Role.AGENCY_SYSTEM: (Purpose.ADMINISTRATION,),
}
# The purposes each action serves (an action not listed serves any purpose its roles may
# declare). A child's case data is for care and safeguarding, never for strategy, audit,
# administration or review; who looked at a child is also an audit; a chronology is for a
# review and nothing else.
CARE_PURPOSES = frozenset(
    {Purpose.DIRECT_CARE, Purpose.UNSCHEDULED_CARE, Purpose.SAFEGUARDING, Purpose.MASH_TRIAGE}
)
ACTION_PURPOSES: dict[str, frozenset[str]] = {
    **{
        action: CARE_PURPOSES
        for action in (
            Action.VIEW_CHILD,
            Action.CHECK_CHILD,
            Action.RECORD_FACT,
            Action.ACT_ON_ALERT,
            Action.DECIDE_TRIAGE,
            Action.MANAGE_PLAN,
            Action.RECORD_INCIDENT,
            Action.VIEW_OWN_REFERRALS,
        )
    },
    Action.WHO_LOOKED: CARE_PURPOSES | {Purpose.AUDIT},
    Action.VIEW_CHRONOLOGY: frozenset({Purpose.REVIEW}),
    Action.LIST_CHRONOLOGIES: frozenset({Purpose.REVIEW}),
}


def purpose_refused(profile: StaffProfile, action: str, purpose: str) -> str | None:
    """Why this purpose cannot be declared for this action by this role, or None."""
    serves = ACTION_PURPOSES.get(action)
    if serves is not None and purpose not in serves:
        return f"{action.replace('_', ' ')} is only for: {', '.join(sorted(serves))}"
    declared = PURPOSES_BY_ROLE.get(profile.role, ())
    if purpose not in declared:
        return (
            f"the {profile.get_role_display()} role may declare only: {', '.join(declared)}"
            if declared
            else f"the {profile.get_role_display()} role declares no purpose"
        )
    return None
