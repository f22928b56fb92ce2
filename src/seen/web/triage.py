"""MASH triage of a child (/children/<reference>/triage/): the checks across agencies and areas
(the father's other areas included; an agency serving the whole partnership checked once), each
with what Seen already holds from that agency and whom to call there, marked done with its
result; and the decision, refused until every check is done and due within the timescale the
triage's RAG rating sets.

GET shows the triage; POST takes `step` = open, check or decide. Every step is decided through
`decide(Action.DECIDE_TRIAGE)` (MASH with a contact about the child under triage in their MASH,
or a safeguarding lead the child's alert was escalated to; the household level, so the lawful
basis recorded), and audited: the page as a read with what it disclosed (the facts and records
Seen holds, the contacts), each step as a write, a refusal as denied.

"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from seen.access.models import Purpose
from seen.access.policy import Action, Decision
from seen.casefile.subjects import Subject
from seen.triage import services, timescale
from seen.triage.held import Holdings, holdings
from seen.triage.models import Triage
from seen.web import gate
from seen.web.forms import (
    SeenForm,
    choice_field,
    confirmations,
    row_id_field,
    see_other,
    text_field,
)
from seen.web.gate import page, purpose_of

TRIAGE_PURPOSE = Purpose.MASH_TRIAGE.value
# a check's result and the decision's reason are text columns without a bound of their own,
# and no API takes them: the page bounds them
TEXT_MAX = 5000
CHOOSE_A_CHECK = "Choose a check of this triage"


# ---- the forms: one per step ------------------------------------------------------------------


class TriageForm(SeenForm):
    """A step of the triage. An error about no one field (open a triage first, checks still to
    do) links to the part of the page it is about: `about`."""

    about: ClassVar[str]

    def error_summary(self) -> list[dict[str, str]]:
        return [{"href": f"#{self.about}", **error} for error in super().error_summary()]


RAG_HINTS = {
    rag: f"The decision is due within {timescale.working_days_for(rag)} working "
    f"day{'s' if timescale.working_days_for(rag) > 1 else ''}"
    for rag in Triage.Rag.values
}


class OpenForm(TriageForm):
    """Open a triage, with its RAG rating (left unchosen, the alert it answers rates it)."""

    about = "step"
    rag = choice_field("Select red, amber or green", Triage.Rag.choices, required=False)


class CheckForm(TriageForm):
    """Mark one check done with its result (each check's row has its own form)."""

    about = "checks"
    check = row_id_field(CHOOSE_A_CHECK)
    result = text_field(
        "the result", TEXT_MAX, required="Enter the result of the check to mark it done"
    )

    def field_id(self, name: str) -> str:
        """The result's box is its check's (`result-<check>`); the check, the list of checks."""
        check = getattr(self, "cleaned_data", {}).get("check")
        if name == "result" and check is not None:
            return f"result-{check}"
        return "checks"

    def add_errors(self, errors: list[tuple[str, str]] | dict[str, str]) -> None:
        """The service names the result's box by its check (`result-<check>`) and the list of
        checks `checks`: on this form they are its `result` and its `check`."""
        pairs = errors.items() if isinstance(errors, dict) else errors
        super().add_errors([(self._own_name(name), message) for name, message in pairs])

    @staticmethod
    def _own_name(name: str) -> str:
        return "result" if name.startswith("result-") else "check" if name == "checks" else name

    def sent_for(self) -> int | None:
        """The check this form was sent for, as posted (to show its errors in its row)."""
        typed = self.value_of("check")
        return int(typed) if typed.isdigit() and len(typed) <= 18 else None


class DecideForm(TriageForm):
    """The decision, with its reason; the service refuses it until every check is done."""

    about = "checks"
    decision = choice_field(
        "Select the decision",
        [(value, label[:1].upper() + label[1:]) for value, label in Triage.Decision.choices],
    )
    reason = text_field("the reason", TEXT_MAX, required="Enter the reason for the decision")


STEPS: dict[str, type[TriageForm]] = {"open": OpenForm, "check": CheckForm, "decide": DecideForm}


# ---- the triage page --------------------------------------------------------------------------


@page(purpose=TRIAGE_PURPOSE, post=STEPS)
def triage_page(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.child(request, reference, Action.DECIDE_TRIAGE, "triage")
    if isinstance(gated, HttpResponse):
        return gated
    subject, decision = gated
    if request.method == "POST":
        return _post(request, subject, decision, purpose)
    return _show(request, subject, decision, purpose)


def _show(
    request: HttpRequest,
    subject: Subject,
    decision: Decision,
    purpose: str,
    *,
    refused: TriageForm | None = None,
) -> HttpResponse:
    """The triage page, audited as a read with what it disclosed; `refused`: the step's form
    that was not taken (400), with its errors, in place of that step's empty form."""
    triages = services.triages_of(subject)
    triage = next((t for t in triages if not t.decided), triages[0] if triages else None)
    checks = services.ensure_checks(triage, subject) if triage is not None else []
    held = holdings(subject, decision, request.user, checks) if checks else Holdings()
    waiting = services.outstanding(checks)
    check_form = refused if isinstance(refused, CheckForm) else CheckForm()
    open_form = refused if isinstance(refused, OpenForm) else None
    if open_form is None:
        open_form = OpenForm(initial={"rag": services.suggested_rag(request.user, subject)})
    due = timescale.due_at(triage) if triage is not None else None
    context = {
        "subject": subject,
        "purpose": purpose,
        "default_purpose": purpose == TRIAGE_PURPOSE,
        "triage": triage,
        "earlier": [t for t in triages if t is not triage],
        "checks": checks,
        "groups": services.grouped(checks),
        "held": held,
        "prefill": {c.pk: held.of(c).summary(TEXT_MAX) for c in checks},
        "kind_names": services.KIND_NAMES,
        "check_names": {c.pk: services.check_name(c) for c in checks},
        "outstanding": [services.check_name(c) for c in waiting],
        "due": timescale.by_words(due) if due is not None else "",
        "overdue": triage is not None and timescale.overdue(triage),
        "decided_late": triage is not None and timescale.decided_late(triage),
        "errors": refused.error_summary() if refused is not None else [],
        "open_form": open_form,
        "rag_hints": RAG_HINTS,
        "check_form": check_form,
        "sent_for": check_form.sent_for(),
        "decide_form": refused if isinstance(refused, DecideForm) else DecideForm(),
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
            "areas": sorted({c.area.code if c.area else "partnership" for c in checks}),
            "decision": triage.decision if triage else "",
            "due": due.isoformat() if due is not None else None,
            "held": held.disclosed(),
        },
    )
    status = 200 if refused is None else 400
    return render(request, "web/triage.html", context, status=status)


def _post(request: HttpRequest, subject: Subject, decision: Decision, purpose: str) -> HttpResponse:
    step = gate.step_of(request)
    triage = services.open_triage_of(subject)
    if step != "open" and triage is None:
        # nothing to check or decide: the page offers the form that opens one
        opener = OpenForm({})  # bound, with nothing to fill in, to carry the error
        opener.add_error(None, "Open a triage first")
        return _show(request, subject, decision, purpose, refused=opener)
    form = gate.form(request, STEPS[step])
    if form.is_valid():
        try:
            _take(request, subject, form, triage)
        except services.TriageRefused as refusal:
            form.add_errors(refusal.errors)
    if not form.is_valid():
        return _show(request, subject, decision, purpose, refused=form)
    return see_other("triage", subject.reference, purpose, TRIAGE_PURPOSE)


def _take(request: HttpRequest, subject: Subject, form: TriageForm, triage: Triage | None) -> None:
    """The step the form is for, audited as a write, with its confirmation."""
    data: dict[str, Any] = form.cleaned_data
    if isinstance(form, OpenForm):
        opened = services.open_triage(request.user, subject, data.get("rag") or "")
        gate.audit(
            request,
            "write",
            "triage",
            str(opened.pk),
            subject=subject.reference,
            disclosed={"opened": opened.pk, "checks": opened.checks.count(), "rag": opened.rag},
        )
        due = timescale.by_words(timescale.due_at(opened))
        messages.success(
            request,
            f"Triage opened: do each check and record its result. The decision is due {due}.",
        )
        return
    if triage is None:  # the caller answers this before: a check or decision needs one open
        raise services.TriageRefused([("step", "Open a triage first")])
    if isinstance(form, CheckForm):
        check = services.mark_done(request.user, triage, data["check"], data["result"])
        gate.audit(
            request,
            "write",
            "triage_check",
            str(check.pk),
            subject=subject.reference,
            disclosed={"triage": triage.pk, "check": services.check_name(check)},
        )
        messages.success(request, f"{services.check_name(check)}: done.")
        return
    services.record_decision(request.user, triage, subject, data["decision"], data["reason"])
    gate.audit(
        request,
        "write",
        "triage",
        str(triage.pk),
        subject=subject.reference,
        disclosed={"decision": triage.decision},
    )
    messages.success(request, f"Decision recorded: {triage.get_decision_display()}.")


urlpatterns = [
    path("children/<str:reference>/triage/", triage_page, name="triage"),
]
