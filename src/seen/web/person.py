"""The person page (/people/<reference>/): an adult, seen through the children around them
(seen.access.policy.decide_person; seen.casefile.personfile). Each child is shown at the
viewer's own decision for it; the adult's history and source records at the household level;
identity decisions about the adult's records (confirm, reject, split, each with a reason,
seen.linkage.decisions) for those allowed to decide links (MASH, safeguarding leads), POST
links/. Every read, write and refusal is audited."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from seen.access.models import Purpose
from seen.access.policy import (
    Action,
    ChildRef,
    Level,
    PersonDecision,
    decide,
    decide_person,
)
from seen.casefile.personfile import (
    PERSON_REFERENCE,
    NoSuchPerson,
    PersonFile,
    is_a_child,
    person_file,
    resolve_person,
)
from seen.linkage import decisions
from seen.people.models import Person
from seen.web import gate
from seen.web.child import alert_link, link_to, page, sentence
from seen.web.gate import page as gated_page
from seen.web.gate import purpose_of

DECISIONS = {
    "confirm": "Confirm: the same person",
    "reject": "Reject: not the same person",
    "split": "Split: this record is not this person",
}


def _start(request: HttpRequest, reference: str) -> HttpResponse | Person | None:
    """The person, None for a well-formed reference Seen holds no one under (refused as a
    person around no child is, docs/access.md "Refusals"), or the response to send."""
    try:
        return resolve_person(reference)
    except NoSuchPerson as error:
        if PERSON_REFERENCE.match(reference):
            return None
        return page(request, "web/person_not_found.html", {"message": str(error)}, status=404)


def _refused(request: HttpRequest, reference: str, decision: PersonDecision) -> HttpResponse:
    """The same refusal for every person this user may not see, whether or not Seen holds
    them: it names only the reference as the address gave it."""
    return gate.refused(
        request,
        "person",
        reference,
        decision.reason,
        subject=reference,
        template="web/person_refused.html",
        context={"sentence": sentence},
    )


def _decision(request: HttpRequest, person: Person | None, purpose: str) -> PersonDecision:
    """The decision about the person's page; for one Seen does not hold, the decision about a
    person around no child (seen.access.policy.decide_person)."""
    return decide_person(request.user, purpose, person.pk if person is not None else 0)


def _may_decide(request: HttpRequest, decision: PersonDecision) -> bool:
    return (
        decision.level >= Level.HOUSEHOLD
        and decide(request.user, Action.DECIDE_LINKS, purpose_of(request)).allowed
    )


def _render(
    request: HttpRequest,
    person: Person,
    decision: PersonDecision,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_decide = _may_decide(request, decision)
    file: PersonFile = person_file(person, decision, request.user, with_pairs=can_decide)
    gate.audit(
        request,
        "read",
        "person",
        person.reference,
        subject=person.reference,
        subjects=[c.reference for c in file.children if c.reference],
        disclosed=file.disclosed(),
    )
    context = {
        "file": file,
        "purpose": purpose_of(request),
        "can_decide": can_decide,
        "choices": DECISIONS,
        "errors": errors or {},
        "values": values or {},
        "done": request.GET.get("done", ""),
        "child_link": lambda ref: link_to("child", ref) or f"/children/{ref}/",
        "alert_link": alert_link,
    }
    return page(request, "web/person.html", context, status=status)


@gated_page()
def person_page(request: HttpRequest, person_reference: str) -> HttpResponse:
    started = _start(request, person_reference)
    if isinstance(started, HttpResponse):
        return started
    person = started
    purpose = purpose_of(request)
    decision = _decision(request, person, purpose)
    if person is not None and not decision.allowed and not decision.children:
        # a child's reference: their page is the child's, for a user who may see it (to anyone
        # else it is refused here as a person around no child is)
        child = ChildRef(person=person.pk)
        if is_a_child(person) and decide(request.user, Action.VIEW_CHILD, purpose, child).allowed:
            return HttpResponseRedirect(reverse("child", args=[person.reference]))
    if person is None or not decision.allowed:
        return _refused(request, person_reference, decision)
    return _render(request, person, decision)


def _parse_record(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 19 else None


@gated_page()
@require_http_methods(["GET", "POST"])
def person_links(request: HttpRequest, person_reference: str) -> HttpResponse:
    """Confirm, reject or split a link of this person's records, with a reason (POST)."""
    started = _start(request, person_reference)
    if isinstance(started, HttpResponse):
        return started
    person = started
    # the page's address as given, whether or not Seen holds the person (the page decides)
    here = reverse("person", args=[person_reference])
    purpose = purpose_of(request)
    query = f"?{urlencode({'purpose': purpose})}" if purpose != Purpose.DIRECT_CARE else ""
    if request.method != "POST":
        return HttpResponseRedirect(here + query, status=303)
    decision = _decision(request, person, purpose)
    if person is None or not decision.allowed:
        return _refused(request, person_reference, decision)
    if not _may_decide(request, decision):
        reason = decide(request.user, Action.DECIDE_LINKS, purpose).reason
        if decision.level < Level.HOUSEHOLD:
            reason = "identity decisions need the household level of this person's children"
        gate.audit(
            request,
            "denied",
            "clerical_decision",
            "",
            subject=person.reference,
            outcome="denied",
            reason=reason,
        )
        return page(request, "web/person_refused.html", {"reason": reason}, status=403)
    form = request.POST
    values = {k: form.get(k, "") for k in ("decision", "record", "other", "reason")}
    errors: dict[str, str] = {}
    kind = values["decision"]
    record = _parse_record(values["record"])
    other = _parse_record(values["other"])
    file = person_file(person, decision, request.user, with_pairs=True)
    mine = {r.id for r in file.records}
    partners = {(p.mine, p.other.id) for p in file.pairs}
    if kind not in DECISIONS:
        errors["decision"] = "Select confirm, reject or split"
    elif record is None or record not in mine:
        errors["decision"] = "Choose one of this person's records"
    elif kind in ("confirm", "reject") and not (
        other is not None and other != record and (other in mine or (record, other) in partners)
    ):
        errors["decision"] = (
            "Choose the record to compare it with: another of this person's records or a "
            "possible match"
        )
    reason = values["reason"]
    if not reason.strip():
        errors["reason"] = "Give the reason for the decision"
    elif "\x00" in reason or len(reason) > 2000:
        errors["reason"] = "The reason must be at most 2000 characters of text"
    if not errors:
        user = request.user if request.user.is_authenticated else None
        try:
            if kind == "split":
                made = decisions.split(record or 0, user=user, reason=reason)
            elif kind == "confirm":
                made = decisions.confirm(record or 0, other or 0, user=user, reason=reason)
            else:
                made = decisions.reject(record or 0, other or 0, user=user, reason=reason)
        except decisions.DecisionRefused as refused:
            errors["decision"] = str(refused)
        else:
            gate.audit(
                request,
                "write",
                "clerical_decision",
                str(made.pk),
                subject=person.reference,
                disclosed={"decision": kind, "records": [r for r in (record, other) if r]},
            )
            target = reverse("person", args=[resolve_person(person.reference).reference])
            done = {"done": kind}
            if purpose != Purpose.DIRECT_CARE:
                done["purpose"] = purpose
            return HttpResponseRedirect(f"{target}?{urlencode(done)}", status=303)
    return _render(request, person, decision, errors=errors, values=values, status=400)


urlpatterns = [
    # the argument is not "reference" (the child's, in the access matrix's world)
    path("people/<str:person_reference>/", person_page, name="person"),
    path("people/<str:person_reference>/links/", person_links, name="person-links"),
]
