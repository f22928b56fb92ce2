"""Check a child: the look-up for unscheduled care and universal services. The page shows the
flag level only — that flags exist, their kind, and whom to call now — for each child the
details identify, through the access decision, audited; an ED look-up of a flagged child tells
the lead practitioner (as CP-IS does)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seen.access.models import Purpose, Role
from seen.access.policy import Action, ChildRef, decide, profile_of
from seen.casefile.flags import flags_for
from seen.casefile.lookup import Details, LookupError_, find_children
from seen.web import gate
from seen.web.forms import read_date
from seen.web.gate import page, purpose_of

PURPOSES = [Purpose.UNSCHEDULED_CARE, Purpose.DIRECT_CARE]
# what the form sends (the date of birth as GOV.UK day, month and year boxes)
FIELDS = ("nhs_number", "forename", "surname", "postcode", "dob-day", "dob-month", "dob-year")


def _default_purpose(request: HttpRequest) -> str:
    """An ED clinician looks a child up for unscheduled care; everyone else for direct care."""
    profile = profile_of(request.user)
    role = profile.role if profile is not None else ""
    return Purpose.UNSCHEDULED_CARE if role == Role.ED_CLINICIAN else Purpose.DIRECT_CARE


@page(purpose=_default_purpose)
def check_child(request: HttpRequest) -> HttpResponse:
    query = request.GET
    purpose = purpose_of(request)
    context: dict[str, Any] = {
        "purposes": [(p.value, p.label) for p in PURPOSES],
        "purpose": purpose,
        "values": {k: query.get(k, "") for k in FIELDS},
        "searched": "search" in query,
        "results": [],
        "error": "",
    }
    if not context["searched"]:
        return render(request, "web/check.html", context)
    try:
        children = find_children(_details(query))
    except LookupError_ as error:
        context["error"] = str(error)
        return render(request, "web/check.html", context, status=400)
    for child in children:
        decision = decide(request.user, Action.CHECK_CHILD, purpose, ChildRef(person=child.pk))
        if not decision.allowed:
            gate.audit(
                request,
                "denied",
                "child_flags",
                child.reference,
                outcome="denied",
                reason=decision.reason,
            )
            context["results"].append({"reference": child.reference, "refused": decision.reason})
            continue
        flags = flags_for(child, request.user)  # an ED look tells the lead (casefile.flags)
        told = flags.lead_told
        gate.audit(
            request,
            "read",
            "child_flags",
            child.reference,
            disclosed={"flags": flags.kinds, "contacts": len(flags.call), "lead_told": told},
        )
        context["results"].append({"reference": child.reference, "flags": flags, "told": told})
    return render(request, "web/check.html", context)


def _details(query: Any) -> Details:
    errors: list[tuple[str, str]] = []
    born = read_date(query, "dob", "the date of birth", errors, past=True)
    if errors:
        raise LookupError_(errors[0][1])
    return Details(
        nhs_number=query.get("nhs_number", ""),
        forename=query.get("forename", ""),
        surname=query.get("surname", ""),
        dob=born,
        postcode=query.get("postcode", ""),
    )
