"""Who looked, as CP-IS answers it: the unscheduled-care looks at a flagged child's flags (an
AuditEvent for each, newest first, the most recent MOST_RECENT), each naming the PractitionerRole
that looked (included in the Bundle): the practitioner's name, their role and their agency.
Read from Seen's own audit chain: the look-ups of the child's flags and case file made for
unscheduled care, on every face (the look-up page, the API, this face), but not the reads a
FHIR caller declared silent (`IsUnscheduledAccessEvent: false`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from seen.access.models import Purpose, Role, StaffProfile
from seen.areas.models import Agency
from seen.audit.models import AuditEvent, Outcome
from seen.fhir.terms import NHS_NUMBER

Resource = dict[str, Any]
MOST_RECENT = 25
# the audit entries of a look at a child: its flags (the look-up page, the flags API, CareTeam
# here) and its case file (the child page, the case-file API)
LOOK_TYPES = ("child_flags", "child")
SILENT = "unscheduled_access_event"  # the key this face writes false for a silent read
LIFECYCLE = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle"
ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass"
ROLE_LABELS: dict[str, str] = dict(Role.choices)


def unscheduled_looks(references: Iterable[str]) -> list[AuditEvent]:
    """The most recent unscheduled-care looks at the child under any of its references."""
    return list(
        AuditEvent.objects.filter(
            subject__in=list(references),
            purpose=Purpose.UNSCHEDULED_CARE,
            action="read",
            outcome=Outcome.ALLOWED,
            object_type__in=LOOK_TYPES,
        )
        # every other look has no such key (a missing key is not "not false" in SQL)
        .filter(Q(**{f"disclosed__{SILENT}__isnull": True}) | Q(**{f"disclosed__{SILENT}": True}))
        .order_by("-seq")[:MOST_RECENT]
    )


def _role_id(event: AuditEvent) -> str:
    """A PractitionerRole's id: the same account in the same role and agency, the same id;
    no account number given away."""
    key = f"{event.user_id}|{event.username}|{event.role}|{event.agency}".encode()
    return "staff-" + hashlib.sha256(key).hexdigest()[:24]


def practitioner_roles(events: list[AuditEvent]) -> list[Resource]:
    """The PractitionerRole of each who looked: their name (their practitioner record's, where
    their account has one), their role then, and their agency then."""
    users = {e.user_id for e in events if e.user_id is not None}
    names = dict(
        StaffProfile.objects.filter(user_id__in=users, practitioner__isnull=False).values_list(
            "user_id", "practitioner__name"
        )
    )
    agencies = dict(
        Agency.objects.filter(code__in={e.agency for e in events}).values_list("code", "name")
    )
    roles: dict[str, Resource] = {}
    for event in events:
        identifier = _role_id(event)
        if identifier in roles:
            continue
        role: Resource = {"resourceType": "PractitionerRole", "id": identifier}
        if event.user_id is not None and (name := names.get(event.user_id)):
            role["practitioner"] = {"display": name}
        if event.agency:
            role["organization"] = {"display": agencies.get(event.agency, event.agency)}
        if event.role:
            role["code"] = [{"text": ROLE_LABELS.get(event.role, event.role)}]
        roles[identifier] = role
    return list(roles.values())


def _agent(code: str, display: str, who: Resource, requestor: bool) -> Resource:
    return {
        "type": {"coding": [{"system": ROLE_CLASS, "code": code, "display": display}]},
        "who": who,
        "requestor": requestor,
    }


def audit_event(event: AuditEvent, nhs_number: str) -> Resource:
    """One look, as CP-IS's AuditEvent: when, by whom (the PractitionerRole), about the child
    named by the NHS number searched."""
    looked = {"reference": f"PractitionerRole/{_role_id(event)}"}
    return {
        "resourceType": "AuditEvent",
        "id": f"look-{event.seq}",
        "type": {
            "system": LIFECYCLE,
            "code": "access",
            "display": "Access/View Record Lifecycle Event",
        },
        "action": "R",
        "recorded": event.at.isoformat(),
        "outcome": "0",
        "purposeOfEvent": [{"text": Purpose.UNSCHEDULED_CARE.label}],
        "agent": [
            _agent(
                "PAT",
                "patient",
                {"identifier": {"system": NHS_NUMBER, "value": nhs_number}},
                requestor=False,
            ),
            _agent("ASSIGNED", "assigned entity", looked, requestor=True),
        ],
        "source": {"observer": looked},
    }
