"""The flags of a child and whom to call: what universal and unscheduled-care roles may see
(docs/access.md, the FLAG level). A flag says that something exists and its kind — a plan, an
open safeguarding alert — never the detail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from django.db.models import Q

from seen.areas.models import Practitioner
from seen.core import clock
from seen.facts.models import Plan
from seen.people.about import about_child, child_rows
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


def flags_for(child: Person) -> Flags:
    today = clock.today()
    about = about_child(child_rows(child.pk))
    current = Q(end__isnull=True) | Q(end__gte=today)
    plans = list(
        Plan.objects.filter(about, current, occurred_on__lte=today)
        .select_related("lead_practitioner__agency", "key_worker__agency", "agency")
        .order_by("occurred_on")
    )
    flags = Flags(child.reference)
    for plan in plans:
        kind = PLAN_FLAGS.get(plan.kind, plan.kind)
        if kind not in flags.kinds:
            flags.kinds.append(kind)
        for worker in (plan.lead_practitioner, plan.key_worker):
            if worker is not None:
                _add(flags, _contact(cast(Practitioner, worker)))
        if plan.lead_practitioner is None and plan.key_worker is None:
            _add(flags, Contact("duty team", "duty", plan.agency.name, plan.agency.duty_phone))
    if Alert.objects.filter(child=child).exclude(status=Alert.Status.CLOSED).exists():
        flags.kinds.append("open safeguarding alert")
    named = Responsibility.objects.filter(
        about,
        current,
        role__in=[Responsibility.Role.SOCIAL_WORKER, Responsibility.Role.LEAD_PRACTITIONER],
    ).select_related("practitioner__agency")
    for duty in named:
        _add(flags, _contact(duty.practitioner))
    return flags


def _contact(worker: Practitioner) -> Contact:
    agency = worker.agency
    return Contact(
        worker.name, worker.get_role_display(), agency.name, worker.phone or agency.duty_phone
    )


def _add(flags: Flags, contact: Contact) -> None:
    if contact not in flags.call:
        flags.call.append(contact)
