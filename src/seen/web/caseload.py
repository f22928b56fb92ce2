"""/caseload/: the children the signed-in practitioner is responsible for today (a health
visitor's, a midwife's, a social worker's, an Early Help key worker's, a personal adviser's),
each with what confirms who the child is (name, date of birth and age, postcode district),
the mandated contacts due or overdue, and the alerts open about the child, each row linking to
the child's page. A row is shown only where the one access decision about that child allows
it (the caseload is itself the relationship); where that relationship gives the household once
the lawful basis is recorded, the row links straight to that step on the child's page. The
read is audited with every child shown."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from seen.access.policy import Action, decide, profile_of
from seen.casefile.caseload import caseload_of
from seen.core import clock
from seen.web import gate
from seen.web.gate import page, purpose_of


@page()
def caseload(request: HttpRequest) -> HttpResponse:
    refusal = gate.allow(request, Action.VIEW_CASELOAD, "caseload")
    if refusal is not None:
        return refusal
    profile = profile_of(request.user)
    assert profile is not None  # the gate sends an account without a role away
    purpose = purpose_of(request)
    rows = []
    needs_basis = set()  # the children whose household waits for the lawful basis
    if profile.practitioner_id is not None:
        for row in caseload_of(profile.practitioner_id, request.user, clock.today()):
            decision = decide(request.user, Action.VIEW_CHILD, purpose, row.ref)
            if decision.allowed:
                rows.append(row)
            if decision.needs_basis:
                needs_basis.add(row.reference)
    gate.audit(
        request,
        "read",
        "caseload",
        disclosed={
            "children": [row.reference for row in rows],
            "fields": ["name", "dob", "age", "postcode district", "contacts due", "alerts"],
        },
    )
    context = {
        "rows": rows,
        "linked": profile.practitioner_id is not None,
        "needs_basis": needs_basis,
        "purpose": purpose,
    }
    return render(request, "web/caseload.html", context)


urlpatterns: list[URLPattern] = [path("caseload/", caseload, name="caseload")]
