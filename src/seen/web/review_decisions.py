"""Identity decisions, recent first, and undoing one (/review/decisions/, /review/decisions/<id>/).

Each decision (confirm, reject, merge, split) with who made it, when, why, the records it binds
and the persons they belong to now; one in force can be undone with a reason through the
service (seen.linkage.decisions.undo), which keeps the decision and records who undid it, when
and why, then re-derives the persons: an undone merge gives the persons their own references
back. Seeing them is VIEW_LINK_QUEUE, undoing DECIDE_LINKS (MASH practitioners, safeguarding
leads), as on the review page; every read, write and refusal is audited. A reason's shielded
address is replaced for a viewer without clearance, as in all free text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from seen.access.policy import Action, decide
from seen.access.shielding import (
    ShieldedAddresses,
    cleared,
    redact_text,
    shielded_addresses,
)
from seen.linkage import decisions
from seen.linkage.models import ClericalDecision
from seen.people.models import SourceRecord
from seen.web import gate
from seen.web.forms import SeenForm, text_field
from seen.web.paging import PageForm, asked_page, page_form, paged

KIND_WORDS: dict[str, str] = {
    ClericalDecision.Kind.CONFIRM: "Same person: two records confirmed as one person",
    ClericalDecision.Kind.REJECT: "Different people: two records kept apart",
    ClericalDecision.Kind.MERGE: "Merge: two persons made one",
    ClericalDecision.Kind.SPLIT: "Split: a record taken off its person",
}


class UndoForm(SeenForm):
    """Undo an identity decision, with the reason (every identity decision and undo has one)."""

    reason = text_field(
        "the reason", decisions.REASON_MAX, required="Enter why the decision should be undone"
    )

    def input_id(self, name: str) -> str:
        return f"undo-{name}"


class DecisionsPageForm(PageForm):
    anchor = "decisions"


@dataclass(frozen=True)
class RecordShown:
    agency: str
    local_id: str
    person: str | None  # the person the record belongs to now


@dataclass(frozen=True)
class DecisionView:
    id: int
    kind: str
    what: str
    decided_by: str
    decided_at: datetime
    reason: str
    in_force: bool
    undone_by: str
    undone_at: datetime | None
    undone_reason: str
    records: list[RecordShown]

    @property
    def persons(self) -> list[str]:
        return sorted({r.person for r in self.records if r.person})


def _shown(record: SourceRecord) -> RecordShown:
    person = record.person
    return RecordShown(record.agency.name, record.local_id, person.reference if person else None)


def _who(user: Any) -> str:
    return user.get_username() if user is not None else "Seen (no one signed in)"


def _views(request: HttpRequest, found: list[ClericalDecision]) -> list[DecisionView]:
    """The decisions as the viewer may see them: the records of each with their persons now,
    and the reasons with any shielded address replaced unless the viewer is cleared."""
    ids = {r for d in found for pair in d.must_link + d.cannot_link for r in pair}
    records = SourceRecord.objects.select_related("agency", "person").in_bulk(ids)
    addresses = ShieldedAddresses(shielded_addresses(ids))
    clearance = cleared(request.user)
    views = []
    for d in found:
        mine = sorted({r for pair in d.must_link + d.cannot_link for r in pair})
        views.append(
            DecisionView(
                id=d.pk,
                kind=d.kind,
                what=KIND_WORDS.get(d.kind, d.kind),
                decided_by=_who(d.decided_by),
                decided_at=d.decided_at,
                reason=redact_text(d.reason, addresses, clearance=clearance),
                in_force=d.in_force,
                undone_by=_who(d.undone_by) if d.undone_at else "",
                undone_at=d.undone_at,
                undone_reason=redact_text(d.undone_reason, addresses, clearance=clearance),
                records=[_shown(records[r]) for r in mine if r in records],
            )
        )
    return views


def _here(request: HttpRequest, url: str) -> str:
    """The address with the purpose the page was opened with, if it declared one."""
    purpose = request.GET.get("purpose")
    return f"{url}?{urlencode({'purpose': purpose})}" if purpose else url


def _may_undo(request: HttpRequest) -> bool:
    return decide(request.user, Action.DECIDE_LINKS, gate.purpose_of(request)).allowed


@gate.page()
def recent_decisions(request: HttpRequest) -> HttpResponse:
    """The identity decisions, the most recent first, a page at a time; each opens its own
    page, where one in force can be undone."""
    refused = gate.allow(request, Action.VIEW_LINK_QUEUE, "clerical_decisions")
    if refused is not None:
        return refused
    form = page_form(request.GET, DecisionsPageForm)
    rows = ClericalDecision.objects.select_related("decided_by", "undone_by").order_by(
        "-decided_at", "-pk"
    )
    shown = paged(rows, asked_page(form), total=rows.count())
    views = _views(request, list(shown.items))
    gate.audit(
        request,
        "read",
        "clerical_decisions",
        subjects=sorted({p for v in views for p in v.persons}),
        disclosed={"decisions": [v.id for v in views], "page": shown.number},
    )
    purpose = request.GET.get("purpose")

    def href(number: int) -> str:
        query = {"page": number, **({"purpose": purpose} if purpose else {})}
        return f"{reverse('review-decisions')}?{urlencode(query)}#decisions"

    context = {
        "decisions": views,
        "shown": shown,
        "pagination": shown.pagination(href),
        "errors": form.error_summary() if form.is_bound else [],
        "may_undo": _may_undo(request),
        "decision_url": lambda pk: _here(request, reverse("review-decision", args=[pk])),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "web/review_decisions.html", context, status=status)


@gate.page(post=UndoForm)
def decision_page(request: HttpRequest, decision_id: int) -> HttpResponse:
    """One decision: GET shows it (and, while it is in force, the form to undo it); POST undoes
    it with a reason."""
    undoing = request.method == "POST"
    action = Action.DECIDE_LINKS if undoing else Action.VIEW_LINK_QUEUE
    refused = gate.allow(request, action, "clerical_decision", str(decision_id))
    if refused is not None:
        return refused
    found = (
        ClericalDecision.objects.select_related("decided_by", "undone_by")
        .filter(pk=decision_id)
        .first()
    )
    if found is None:
        return render(
            request,
            "web/review_missing.html",
            {"message": f"There is no identity decision {decision_id}."},
            status=404,
        )
    form = gate.form(request, UndoForm)
    if undoing and form.is_valid():
        user = request.user if request.user.is_authenticated else None
        try:
            decisions.undo(found, user=user, reason=form.cleaned_data["reason"])
        except decisions.DecisionRefused as error:
            form.add_refusal("reason", error)
        else:
            [view] = _views(request, [found])
            gate.audit(
                request,
                "write",
                "clerical_decision",
                str(found.pk),
                subjects=view.persons,
                disclosed={"undo": True, "decision": found.kind},
            )
            messages.success(request, f"Decision {found.pk} is undone: linkage has re-grouped")
            here = _here(request, reverse("review-decision", args=[found.pk]))
            return HttpResponseRedirect(here, status=303)
        found.refresh_from_db()  # as it stands, whatever the service left of it
    [view] = _views(request, [found])
    gate.audit(
        request,
        "read",
        "clerical_decision",
        str(found.pk),
        subjects=view.persons,
        disclosed={"decision": found.kind, "records": len(view.records)},
    )
    context = {
        "decision": view,
        "form": form,
        "errors": form.error_summary(),
        "banner": [str(m) for m in messages.get_messages(request)],
        "may_undo": view.in_force and _may_undo(request),
        "action_url": _here(request, reverse("review-decision", args=[found.pk])),
        "list_url": _here(request, reverse("review-decisions")),
    }
    return render(request, "web/review_decision.html", context, status=400 if undoing else 200)
