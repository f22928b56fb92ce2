"""Clerical review of uncertain links, one pair at a time: the two source records side by side
(agency and area of each, shielded values replaced for a viewer without clearance), the
evidence of each comparison and the overall match probability, and a form to decide — the same
person (confirm), different people (reject) or skip — with the reason every decision needs.

The same services as the identity API (seen.api.linkage) and `seen review-links`: the queue is
seen.linkage.review.review_queue, the decisions seen.linkage.decisions. Seeing the queue is
VIEW_LINK_QUEUE, deciding DECIDE_LINKS (MASH practitioners, safeguarding leads); every read,
write and refusal is audited. After a decision the next page offers to undo it, on the
decision's own page (seen.web.review_decisions, which lists the recent decisions too)."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

from seen.access.policy import Action
from seen.access.shielding import cleared, redact, shields_of
from seen.casefile.pairs import (
    DISCLOSED_FIELDS,
    PairOut,
    decision_out,
    load_pair,
    pair_out,
    subjects_of,
)
from seen.linkage import decisions
from seen.linkage.explain import explain
from seen.linkage.models import CandidatePair, ClericalDecision
from seen.linkage.review import PRIORITY_TEXT, ReviewItem, priority_of, review_queue
from seen.linkage.settings import current_bands
from seen.people.models import SourceRecord
from seen.web import gate
from seen.web.forms import SeenForm, choice_field, text_field
from seen.web.review_decisions import decision_page, recent_decisions

SKIPPED = "review_skipped"  # the session's list of pairs skipped, shown again when none is left
DECIDED = "review_decided"  # the session's last decision, which the next page offers to undo
CHOICES = {
    "confirm": "Same person",
    "reject": "Different people",
    "skip": "Skip for now",
}
CHOOSE = "Select same person, different people or skip for now"
# the compared fields the API does not send, shown here beside their evidence
EXTRA_FIELDS = ["nhs_number", "postcode", "address", "phone"]
FIELDS = [
    ("forename", "First name"),
    ("surname", "Last name"),
    ("dob", "Date of birth"),
    ("sex", "Sex"),
    ("nhs_number", "NHS number"),
    ("postcode", "Postcode"),
    ("address", "Address"),
    ("phone", "Phone"),
    ("person", "Person in Seen now"),
]
PAGE_FIELDS = [*DISCLOSED_FIELDS, *EXTRA_FIELDS]


def _view_of(request: HttpRequest, pair: CandidatePair, why_first: str) -> dict[str, Any]:
    shields = shields_of([pair.record_l_id, pair.record_r_id])
    clearance = cleared(request.user)
    out: PairOut = pair_out(pair, why_first, shields, clearance)
    sides = []
    for record, shown in ((pair.record_l, out.left), (pair.record_r, out.right)):
        extra = redact(
            {name: getattr(record, name) or None for name in EXTRA_FIELDS},
            shields.get(record.pk, set()),
            clearance=clearance,
        )
        sides.append((record, {**shown.dict(), **extra}))
    explanation = explain(out.match_weight, out.match_probability, out.evidence, out.levels)
    rows = []
    for part in explanation.parts:
        field = part.comparison if part.comparison in dict(FIELDS) else None
        rows.append(
            {
                "label": part.name,
                "left": _text(sides[0][1].get(field)) if field else "",
                "right": _text(sides[1][1].get(field)) if field else "",
                "words": part.words,
                "weight": part.shown,
                "direction": part.direction,
            }
        )
    compared = {part.comparison for part in explanation.parts}
    not_compared = [
        {
            "label": label,
            "left": _text(sides[0][1].get(name)),
            "right": _text(sides[1][1].get(name)),
        }
        for name, label in FIELDS
        if name not in compared
    ]
    return {
        "out": out,
        "summary_rows": _summary(out, as_percent(out.match_probability)),
        "rows": rows,
        "not_compared": not_compared,
        "explanation": explanation,
        "sides": [_side(record) for record, _ in sides],
        "percent": as_percent(out.match_probability),
        "auto_link_percent": f"{current_bands().auto_link * 100:g}%",
    }


def as_percent(probability: float) -> str:
    """A probability as a percentage that never rounds up to a certainty it is not."""
    if probability >= 0.999 and probability < 1:
        return f"{math.floor(probability * 100_000) / 1000:.3f}%"
    return f"{probability * 100:.1f}%"


def _summary(out: PairOut, percent: str) -> list[dict[str, dict[str, str]]]:
    band = "clerical review"
    if out.band == CandidatePair.Band.LINK:
        band = "automatic link, held back for review" if out.held_back_because else "automatic link"
    rows = [
        ("Pair", str(out.pair)),
        ("Match probability", f"{percent} (total weight of evidence {out.match_weight:+.1f})"),
        ("Why it is reviewed now", out.why_first),
        ("Band", band),
    ]
    if out.held_back_because:
        rows.append(("Why Seen did not link them itself", out.held_back_because))
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


def _side(record: SourceRecord) -> dict[str, str]:
    agency = record.agency
    area = agency.area.name if agency.area_id and agency.area else "across the partnership"
    return {"agency": agency.name, "code": agency.code, "area": area}


def _text(value: Any) -> str:
    if value is None or value == "":
        return "not held"
    return str(value)


class PairDecisionForm(SeenForm):
    """The decision about one pair: the same person, different people (each with its reason),
    or skip for now."""

    decision = choice_field(CHOOSE, CHOICES.items())
    reason = text_field("the reason", decisions.REASON_MAX)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # a skip needs no reason; a decision binds every later linkage run, so it needs one
        if cleaned.get("decision") in ("confirm", "reject") and cleaned.get("reason") == "":
            self.add_error("reason", "Enter the reason for your decision")
        return cleaned


def _context(
    request: HttpRequest,
    pair: CandidatePair,
    why_first: str,
    form: PairDecisionForm | None = None,
    **more: Any,
) -> Any:
    context = _view_of(request, pair, why_first)
    form = PairDecisionForm() if form is None else form
    context.update(
        {
            "banner": [str(m) for m in messages.get_messages(request)],
            "undo": _undo_offer(request),
            "action_url": _here(request, reverse("review-pair-detail", args=[pair.pk])),
            "form": form,
            "errors": form.error_summary(),
            **more,
        }
    )
    return context


def _undo_offer(request: HttpRequest) -> dict[str, Any] | None:
    """The decision just made, to undo on its own page, while it is still in force (shown once,
    on the page after the decision)."""
    decided = request.session.pop(DECIDED, None)
    if not isinstance(decided, int):
        return None
    if not ClericalDecision.objects.filter(pk=decided, undone_at__isnull=True).exists():
        return None
    return {"decision": decided, "url": _here(request, reverse("review-decision", args=[decided]))}


def _here(request: HttpRequest, url: str) -> str:
    """The address with the purpose the page was opened with, if it declared one."""
    purpose = request.GET.get("purpose")
    return f"{url}?purpose={purpose}" if purpose else url


def _audit_read(request: HttpRequest, out: PairOut, **disclosed: Any) -> None:
    gate.audit(
        request,
        "read",
        "candidate_pair",
        object_id=str(out.pair),
        subjects=subjects_of(out),
        disclosed={"fields": PAGE_FIELDS, **disclosed},
    )


@gate.page()
def review_next(request: HttpRequest) -> HttpResponse:
    """The next pair in the queue (most important first), less those skipped this session."""
    refused = gate.allow(request, Action.VIEW_LINK_QUEUE, "review_queue")
    if refused is not None:
        return refused
    if request.GET.get("again"):
        request.session.pop(SKIPPED, None)
    skipped = set(request.session.get(SKIPPED, []))
    queue: list[ReviewItem] = review_queue()
    waiting = [item for item in queue if item.pair.pk not in skipped]
    if not waiting:
        gate.audit(request, "read", "review_queue", disclosed={"pairs": [], "waiting": len(queue)})
        return render(
            request,
            "web/review_empty.html",
            {
                "banner": [str(m) for m in messages.get_messages(request)],
                "undo": _undo_offer(request),
                "skipped": len(queue),
            },
        )
    item = waiting[0]
    context = _context(request, item.pair, item.why_first, waiting=len(waiting))
    _audit_read(request, context["out"], waiting=len(waiting))
    return render(request, "web/review.html", context)


@gate.page(post=PairDecisionForm)
def review_pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    """One pair: GET shows it; POST decides it (confirm or reject with a reason, or skip)."""
    deciding = request.method == "POST"
    action = Action.DECIDE_LINKS if deciding else Action.VIEW_LINK_QUEUE
    refused = gate.allow(request, action, "candidate_pair", str(pair_id))
    if refused is not None:
        return refused
    try:
        pair = load_pair(pair_id)
    except Http404:
        return render(
            request,
            "web/review_missing.html",
            {"message": f"There is no pair {pair_id} to review."},
            status=404,
        )
    why_first = PRIORITY_TEXT[priority_of(pair)]
    if not deciding:
        context = _context(request, pair, why_first)
        _audit_read(request, context["out"])
        return render(request, "web/review.html", context)
    return _decide(request, pair, why_first)


def _decide(request: HttpRequest, pair: CandidatePair, why_first: str) -> HttpResponse:
    form = gate.form(request, PairDecisionForm)
    if not form.is_valid():
        return _again(request, pair, why_first, form)
    choice, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    if choice == "skip":
        skipped = request.session.get(SKIPPED, [])
        request.session[SKIPPED] = [*skipped, pair.pk]
        messages.info(request, f"You skipped pair {pair.pk}: it comes back when the queue ends.")
        return HttpResponseRedirect(_here(request, reverse("review-pair")), status=303)
    record = decisions.confirm if choice == "confirm" else decisions.reject
    user = request.user if request.user.is_authenticated else None
    try:
        decision = record(pair.record_l_id, pair.record_r_id, user=user, reason=reason)
    except decisions.DecisionRefused as error:
        form.add_refusal("__all__", error)
        return _again(request, pair, why_first, form)
    out = decision_out(decision)
    gate.audit(
        request,
        "write",
        "clerical_decision",
        object_id=str(decision.pk),
        subjects=out.persons,
        disclosed={"decision": choice, "pair": pair.pk},
    )
    said = "the same person" if choice == "confirm" else "different people"
    messages.success(request, f"Pair {pair.pk} recorded as {said}.")
    request.session[DECIDED] = decision.pk
    return HttpResponseRedirect(_here(request, reverse("review-pair")), status=303)


def _again(
    request: HttpRequest, pair: CandidatePair, why_first: str, form: PairDecisionForm
) -> HttpResponse:
    """The pair again with what was wrong (400); what it shows is audited as a read."""
    context = _context(request, pair, why_first, form)
    _audit_read(request, context["out"])
    return render(request, "web/review.html", context, status=400)


urlpatterns = [
    path("review/", review_next, name="review-pair"),
    path("review/pairs/<int:pair_id>/", review_pair, name="review-pair-detail"),
    path("review/decisions/", recent_decisions, name="review-decisions"),
    path("review/decisions/<int:decision_id>/", decision_page, name="review-decision"),
]
