"""The person page (/people/<reference>/): an adult, seen through the children around them
(seen.access.policy.decide_person; seen.casefile.personfile). Each child is shown at the
viewer's own decision for it; the adult's history and source records at the household level;
identity decisions about the adult's records (confirm, reject, split, each with a reason,
seen.linkage.decisions) for those allowed to decide links (MASH, safeguarding leads), POST
links/; for them too, each possible same person (seen.linkage.duplicates) with the evidence, a
link to the pair on the review page, and a merge with a reason, POST merge/
(seen.web.person_identity). The history is shown 50 entries a page, newest first (`?page=`,
seen.web.paging). Every read, write and refusal is audited."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse

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
from seen.linkage.duplicates import PossibleSamePerson, possible_same_persons
from seen.linkage.models import ClericalDecision
from seen.people.models import Person
from seen.web import gate
from seen.web.child import alert_link, link_to, page, sentence
from seen.web.forms import SeenForm, choice_field, text_field
from seen.web.gate import page as gated_page
from seen.web.gate import purpose_of
from seen.web.paging import PageForm, asked_page, page_form, paged
from seen.web.person_identity import MergeForm, offer_views
from seen.web.referrals import refer_links_for_children

DECISIONS = {
    "confirm": "Confirm: the same person",
    "reject": "Reject: not the same person",
    "split": "Split: this record is not this person",
}
MERGED = "person_merged"  # the session's last merge, which the page offers to undo once
COMPARE_WITH = (
    "Select the record to compare it with: another of this person's records or a possible match"
)


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


class LinkDecisionForm(SeenForm):
    """An identity decision about one of this person's records: confirm or reject a link with
    another record (this person's, or a possible match), or split the record off, with the
    reason every decision needs. The records offered are this person's (`records`) and the
    possible matches of each (`pairs`)."""

    decision = choice_field("Select confirm, reject or split", DECISIONS.items())
    record = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": "Select one of this person's records",
            "invalid_choice": "Select one of this person's records",
        },
    )
    other = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": COMPARE_WITH},
    )
    reason = text_field(
        "the reason", decisions.REASON_MAX, required="Enter the reason for the decision"
    )

    def __init__(
        self,
        *args: Any,
        records: list[tuple[int, str]],
        pairs: list[tuple[int, int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.mine = {pk for pk, _ in records}
        self.partners = {(mine, other) for mine, other, _ in pairs}
        matches = dict.fromkeys((other, label) for _, other, label in pairs)
        record: Any = self.fields["record"]
        record.choices = [(str(pk), label) for pk, label in records]
        other: Any = self.fields["other"]
        other.choices = [
            ("", "none (split)"),
            *((str(pk), f"{label} (this person)") for pk, label in records),
            *((str(pk), f"{label} (possible match)") for pk, label in matches),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        record, other = cleaned.get("record"), cleaned.get("other")
        # confirm and reject compare the record with another of this person's, or with a
        # possible match of this very record (not of another of theirs)
        comparable = other is not None and other != record
        comparable = comparable and (other in self.mine or (record, other) in self.partners)
        if cleaned.get("decision") in ("confirm", "reject") and record and not comparable:
            self.add_error("other", COMPARE_WITH)
        return cleaned


class HistoryPageForm(PageForm):
    anchor = "history"


def _offered(file: PersonFile) -> dict[str, Any]:
    """The form's choices: this person's records and the possible matches of each."""
    return {
        "records": [(r.id, f"{r.id}: {r.agency} {r.local_id}") for r in file.records],
        "pairs": [
            (p.mine, p.other.id, f"{p.other.id}: {p.other.agency} {p.other.local_id}")
            for p in file.pairs
        ],
    }


def _render(
    request: HttpRequest,
    person: Person,
    decision: PersonDecision,
    *,
    form: LinkDecisionForm | None = None,
    merge_form: MergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_decide = _may_decide(request, decision)
    file: PersonFile = person_file(person, decision, request.user, with_pairs=can_decide)
    purpose = purpose_of(request)
    offers = possible_same_persons(person) if can_decide and file.household else []
    offered = offer_views(request, offers, purpose)
    # the history a page at a time; a bad page number is the form's error (the first page shown)
    history_form = page_form(request.GET, HistoryPageForm) if request.method != "POST" else None
    history = paged(file.history, asked_page(history_form) if history_form else 1)
    gate.audit(
        request,
        "read",
        "person",
        person.reference,
        subject=person.reference,
        subjects=[
            *(c.reference for c in file.children if c.reference),
            *(o["reference"] for o in offered),
        ],
        disclosed={
            **file.disclosed(),
            **({"history_page": history.number} if file.household else {}),
            **({"possible_same": [o["reference"] for o in offered]} if offered else {}),
        },
    )
    if form is None and can_decide:
        form = LinkDecisionForm(**_offered(file))
    if merge_form is None and offers:
        merge_form = MergeForm(offers=offers)
    problems = [
        *(history_form.error_summary() if history_form and history_form.is_bound else []),
        *(form.error_summary() if form else []),
        *(merge_form.error_summary() if merge_form else []),
    ]
    if problems and status == 200:
        status = 400
    context = {
        "file": file,
        "purpose": purpose,
        "can_decide": can_decide,
        "form": form,
        "merge_form": merge_form,
        "offers": offered,
        "history": history,
        "history_pagination": history.pagination(
            lambda n: _history_page(request, person.reference, n)
        ),
        "problems": problems,
        "record_items": _options(form, "record") if form else [],
        "other_items": _options(form, "other") if form else [],
        "done": request.GET.get("done", ""),
        "undo_url": _undo_url(request),
        "child_link": lambda ref: link_to("child", ref) or f"/children/{ref}/",
        "alert_link": alert_link,
        # each child he is around that the viewer may refer him for
        "refer_links": refer_links_for_children(
            request, person, [c.reference for c in file.children if c.reference]
        ),
    }
    return page(request, "web/person.html", context, status=status)


def _history_page(request: HttpRequest, reference: str, number: int) -> str:
    """The address of the history's page `number` on the person's page (the purpose kept)."""
    query: dict[str, Any] = {"page": number}
    if purpose_of(request) != Purpose.DIRECT_CARE:
        query["purpose"] = purpose_of(request)
    return f"{reverse('person', args=[reference])}?{urlencode(query)}#history"


def _undo_url(request: HttpRequest) -> str:
    """Once, after a merge: the decision's own page, where it can be undone (while in force)."""
    made = request.session.pop(MERGED, None) if request.method != "POST" else None
    if not isinstance(made, int):
        return ""
    if not ClericalDecision.objects.filter(pk=made, undone_at__isnull=True).exists():
        return ""
    return reverse("review-decision", args=[made])


def _options(form: LinkDecisionForm, name: str) -> list[dict[str, Any]]:
    """A select's items from the form's choices, with what was chosen selected."""
    chosen = form.value_of(name)
    return [
        {"value": value, "text": label, "selected": value == chosen}
        for value, label in form.fields[name].choices  # type: ignore[attr-defined]
    ]


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


def _deciding(
    request: HttpRequest, person_reference: str
) -> HttpResponse | tuple[Person, PersonDecision]:
    """For a POST deciding identity from this page: the person and the decision about them, or
    the response (a GET back to the page; refused, audited, for a user who may not see the
    person or may not decide identity at the household level)."""
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
    return person, decision


def _decided(request: HttpRequest, person: Person, kind: str) -> HttpResponse:
    """303 to the person's page after a decision (their reference now), with the banner."""
    target = reverse("person", args=[resolve_person(person.reference).reference])
    done = {"done": kind}
    if purpose_of(request) != Purpose.DIRECT_CARE:
        done["purpose"] = purpose_of(request)
    return HttpResponseRedirect(f"{target}?{urlencode(done)}", status=303)


@gated_page(post=LinkDecisionForm)
def person_links(request: HttpRequest, person_reference: str) -> HttpResponse:
    """Confirm, reject or split a link of this person's records, with a reason (POST)."""
    deciding = _deciding(request, person_reference)
    if isinstance(deciding, HttpResponse):
        return deciding
    person, decision = deciding
    file = person_file(person, decision, request.user, with_pairs=True)
    form = gate.form(request, LinkDecisionForm, **_offered(file))
    if form.is_valid():
        kind = form.cleaned_data["decision"]
        record: int = form.cleaned_data["record"]
        other: int | None = form.cleaned_data["other"]
        reason = form.cleaned_data["reason"]
        user = request.user if request.user.is_authenticated else None
        try:
            if kind == "split":
                made = decisions.split(record, user=user, reason=reason)
            elif kind == "confirm":
                made = decisions.confirm(record, other or 0, user=user, reason=reason)
            else:
                made = decisions.reject(record, other or 0, user=user, reason=reason)
        except decisions.DecisionRefused as refused:
            form.add_refusal("decision", refused)
        else:
            gate.audit(
                request,
                "write",
                "clerical_decision",
                str(made.pk),
                subject=person.reference,
                disclosed={"decision": kind, "records": [r for r in (record, other) if r]},
            )
            return _decided(request, person, kind)
    return _render(request, person, decision, form=form, status=400)


@gated_page(post=MergeForm)
def person_merge(request: HttpRequest, person_reference: str) -> HttpResponse:
    """Merge this person with a possible same person the page offers, with a reason (POST):
    the pair named must join one of this person's records to the other person's, as offered
    now (a forged pair, or one about someone else, is the form's error)."""
    deciding = _deciding(request, person_reference)
    if isinstance(deciding, HttpResponse):
        return deciding
    person, decision = deciding
    offers: list[PossibleSamePerson] = possible_same_persons(person)
    form = gate.form(request, MergeForm, offers=offers)
    if form.is_valid():
        other = form.chosen.person
        user = request.user if request.user.is_authenticated else None
        try:
            made = decisions.merge(person, other, user=user, reason=form.cleaned_data["reason"])
        except decisions.DecisionRefused as refused:
            form.add_refusal("pair", refused)
        else:
            gate.audit(
                request,
                "write",
                "clerical_decision",
                str(made.pk),
                subject=person.reference,
                subjects=[person.reference, other.reference],
                disclosed={
                    "decision": "merge",
                    "persons": [person.reference, other.reference],
                    "pair": int(form.cleaned_data["pair"]),
                },
            )
            request.session[MERGED] = made.pk
            return _decided(request, person, "merge")
    return _render(request, person, decision, merge_form=form, status=400)


urlpatterns = [
    # the argument is not "reference" (the child's, in the access matrix's world)
    path("people/<str:person_reference>/", person_page, name="person"),
    path("people/<str:person_reference>/links/", person_links, name="person-links"),
    path("people/<str:person_reference>/merge/", person_merge, name="person-merge"),
]
