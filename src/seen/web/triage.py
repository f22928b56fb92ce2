"""MASH triage of a child (/children/<reference>/triage/): the checks across agencies and areas
(the father's other areas included), each marked done with its result, and the decision, which
is refused until every check is done.

GET shows the triage; POST takes `step` = open, check or decide. Every step is decided through
`decide(Action.DECIDE_TRIAGE)` (MASH with a contact about the child under triage in their MASH,
or a safeguarding lead the child's alert was escalated to; the household level, so the lawful
basis recorded), and audited: the page as a read, each step as a write, a refusal as denied.

"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from seen.access.models import Purpose
from seen.access.policy import Action
from seen.casefile.subjects import Subject
from seen.triage import services
from seen.triage.models import Triage
from seen.web import gate
from seen.web.forms import as_id, confirmations, error_list, see_other, unstorable
from seen.web.gate import page, purpose_of

TRIAGE_PURPOSE = Purpose.MASH_TRIAGE.value


# ---- the triage page --------------------------------------------------------------------------


@page(purpose=TRIAGE_PURPOSE)
def triage_page(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.child(request, reference, Action.DECIDE_TRIAGE, "triage")
    if isinstance(gated, HttpResponse):
        return gated
    subject, _ = gated
    if request.method == "POST":
        return _post(request, subject, purpose)
    return _show(request, subject, purpose)


def _show(
    request: HttpRequest,
    subject: Subject,
    purpose: str,
    *,
    errors: list[tuple[str, str]] | None = None,
    values: Mapping[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    triages = services.triages_of(subject)
    triage = next((t for t in triages if not t.decided), triages[0] if triages else None)
    checks = services.ensure_checks(triage, subject) if triage is not None else []
    waiting = services.outstanding(checks)
    context = {
        "subject": subject,
        "purpose": purpose,
        "default_purpose": purpose == TRIAGE_PURPOSE,
        "triage": triage,
        "earlier": [t for t in triages if t is not triage],
        "checks": checks,
        "by_area": services.checks_by_area(checks),
        "kind_names": services.KIND_NAMES,
        "outstanding": [services.check_name(c) for c in waiting],
        "decisions": [(d.value, d.label) for d in Triage.Decision],
        "errors": error_list(errors or []),
        "field_errors": dict(errors or []),
        "values": values or {},
        "confirmations": confirmations(request),
    }
    gate.audit(
        request,
        "read",
        "triage",
        str(triage.pk) if triage else subject.reference,
        subject=subject.reference,
        disclosed={
            "triage": triage.pk if triage else None,
            "checks": len(checks),
            "areas": sorted({c.area.code for c in checks}),
            "decision": triage.decision if triage else "",
        },
    )
    return render(request, "web/triage.html", context, status=status)


def _post(request: HttpRequest, subject: Subject, purpose: str) -> HttpResponse:
    form = request.POST
    step = form.get("step", "")
    triage = services.open_triage_of(subject)
    try:
        if unstorable(form):
            raise services.TriageRefused(unstorable(form))
        if step == "open":
            triage = services.open_triage(request.user, subject)
            gate.audit(
                request,
                "write",
                "triage",
                str(triage.pk),
                subject=subject.reference,
                disclosed={"opened": triage.pk, "checks": triage.checks.count()},
            )
            messages.success(request, "Triage opened: do each check and record its result.")
        elif step == "check":
            if triage is None:
                raise services.TriageRefused([("step", "Open a triage first")])
            check_id = as_id(form.get("check", ""))
            if check_id is None:
                raise services.TriageRefused([("checks", "Choose a check of this triage")])
            check = services.mark_done(
                request.user, triage, check_id, form.get(f"result-{check_id}", "")
            )
            gate.audit(
                request,
                "write",
                "triage_check",
                str(check.pk),
                subject=subject.reference,
                disclosed={"triage": triage.pk, "check": services.check_name(check)},
            )
            messages.success(request, f"{services.check_name(check)}: done.")
        elif step == "decide":
            if triage is None:
                raise services.TriageRefused([("step", "Open a triage first")])
            services.record_decision(
                request.user, triage, subject, form.get("decision", ""), form.get("reason", "")
            )
            gate.audit(
                request,
                "write",
                "triage",
                str(triage.pk),
                subject=subject.reference,
                disclosed={"decision": triage.decision},
            )
            messages.success(request, f"Decision recorded: {triage.get_decision_display()}.")
        else:
            raise services.TriageRefused([("step", "Choose what to do: open, check or decide")])
    except services.TriageRefused as refusal:
        return _show(request, subject, purpose, errors=refusal.errors, values=form, status=400)
    return see_other("triage", subject.reference, purpose, TRIAGE_PURPOSE)


urlpatterns = [
    path("children/<str:reference>/triage/", triage_page, name="triage"),
]
