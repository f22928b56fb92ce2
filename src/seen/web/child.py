"""The child page (/children/<reference>/): the case file at the level the access decision gives
(seen.casefile.childfile, the same service as `GET /api/children/{reference}`).

- HOUSEHOLD: the people around the baby (each seen or not, and when; "not known" shown as a
  gap), plans and programmes with engagement, alerts with their explanations and lifecycle, and
  the timeline of facts across agencies and areas with their source.
- FLAG: the flags and whom to call; when the decision needs a lawful basis first, a form to
  record it (POST basis/).
- no relationship: a 403 page that says why and offers break glass with a reason (POST
  break-glass/).
Every read, write and refusal is audited; shielded values never reach the page without
clearance. A born child is P…, an unborn one U… (seen.casefile.subjects)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse

from seen.access.models import Purpose, Role, Share
from seen.access.policy import (
    CHILD_ACTION_ROLES,
    LEAD,
    Action,
    Decision,
    Level,
    children_around_person,
    decide,
    decide_person,
    profile_of,
)
from seen.access.services import (
    REASON_MAX_CHARS,
    AccessRefused,
    break_glass,
    no_child_to_open,
    reason_problem,
    record_basis,
)
from seen.casefile.childfile import case_file
from seen.casefile.personfile import is_a_child
from seen.casefile.subjects import NoSuchChild, Subject, resolve_child
from seen.incidents import services as incident_services
from seen.web import gate
from seen.web.forms import SeenForm, choice_field, text_field
from seen.web.gate import page as gated_page
from seen.web.gate import purpose_of

# the other page families' child pages, linked only once their URL names exist, and only for
# the roles (and at the level) whose action the page is for; each page decides again
RECORD_FACT_ROLES = CHILD_ACTION_ROLES[Action.RECORD_FACT]
RECORD_PAGES: list[tuple[str, str, frozenset[str], Level]] = [
    ("record-contact", "Record a contact", RECORD_FACT_ROLES, Level.FLAG),
    ("record-assessment", "Record an assessment", RECORD_FACT_ROLES, Level.FLAG),
    ("record-was-not-brought", "Record a was-not-brought", RECORD_FACT_ROLES, Level.FLAG),
    ("record-injury", "Record an injury observation", RECORD_FACT_ROLES, Level.FLAG),
    ("plans", "Plans and programmes", CHILD_ACTION_ROLES[Action.MANAGE_PLAN], Level.HOUSEHOLD),
    ("conference", "Record a conference", CHILD_ACTION_ROLES[Action.MANAGE_PLAN], Level.HOUSEHOLD),
    # offered at the flag level too: the triage page leads to the lawful basis where it is due
    ("triage", "MASH triage", CHILD_ACTION_ROLES[Action.DECIDE_TRIAGE], Level.FLAG),
    ("who-looked", "Who has looked at this child", LEAD | {Role.SAFEGUARDING_LEAD}, Level.FLAG),
    (
        "child-incident-new",
        "Record a serious incident notification",
        CHILD_ACTION_ROLES[Action.RECORD_INCIDENT],
        Level.HOUSEHOLD,
    ),
    (
        "chronology",
        "Chronology for a rapid review",
        CHILD_ACTION_ROLES[Action.VIEW_CHRONOLOGY],
        Level.HOUSEHOLD,
    ),
]


def record_links(role: str, level: Level, reference: str) -> list[tuple[str, str]]:
    """(address, text) of the pages this user may go on to for this child, where they exist."""
    return [
        (url, text)
        for name, text, roles, needs in RECORD_PAGES
        if role in roles and level >= needs and (url := link_to(name, reference)) is not None
    ]


def sentence(text: Any) -> str:
    """A phrase as the start of a sentence (Jinja's capitalize would lower the rest: "MASH")."""
    words = str(text)
    return words[:1].upper() + words[1:]


# ---- the forms: the lawful basis, and break glass ---------------------------------------------

# a reason typed too long is shown back to mend, bounded: the page never repeats megabytes
KEPT_TO_MEND = 2 * REASON_MAX_CHARS
WHY_NO_CONSENT_MIN = 10  # a few words at least: "risk" is not a reason


class BasisForm(SeenForm):
    """The lawful basis for seeing the household (the seven golden rules of information
    sharing): consent, or safeguarding without consent with why consent was not sought."""

    basis = choice_field(
        "Select the lawful basis for the share",
        [(value, sentence(label)) for value, label in Share.Basis.choices],
    )
    # a reason given in words, bounded as the access service bounds break glass's
    why_no_consent = text_field("why consent was not sought", REASON_MAX_CHARS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        without_consent = data.get("basis") == Share.Basis.SAFEGUARDING
        why = data.get("why_no_consent")  # None when the field itself was refused
        if without_consent and why is not None and len(why) < WHY_NO_CONSENT_MIN:
            self.add_error(
                "why_no_consent",
                "Say why consent was not sought (for example, seeking it would place the child "
                "at risk)",
            )
        return data


class BreakGlassForm(SeenForm):
    """Break glass: why this user needs the child's record now. Whether it is a sentence is the
    access service's to say (seen.access.services.reason_problem), for every face alike."""

    # worded as the access service words it for every face ("must be at most …")
    reason = forms.CharField(
        max_length=REASON_MAX_CHARS,
        error_messages={
            "required": "Enter why you need to see this child now",
            "max_length": "The reason for breaking glass must be at most "
            f"{REASON_MAX_CHARS:,} characters",
        },
    )


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render one of these pages, with the helpers their templates use."""
    return render(request, template, {"sentence": sentence, **context}, status=status)


def link_to(name: str, *args: Any) -> str | None:
    """The address of another family's page, or None while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def alert_link(alert_id: int) -> str:
    return link_to("alert", alert_id) or f"/alerts/{alert_id}/"


def person_link(reference: str) -> str:
    return link_to("person", reference) or f"/people/{reference}/"


def _here(reference: str, purpose: str, **query: str) -> str:
    """The child's page, with the purpose declared unless it is direct care."""
    params = {k: v for k, v in {"purpose": purpose, **query}.items() if v}
    if params.get("purpose") == Purpose.DIRECT_CARE:
        params.pop("purpose")
    url = reverse("child", args=[reference])
    return f"{url}?{urlencode(params)}" if params else url


def _pregnancy(subject: Subject) -> int | None:
    """The pregnancy a write about an unborn child is about (None: a born child, the baby)."""
    return subject.pregnancies[0].pk if subject.person is None else None


def _written(
    request: HttpRequest, subject: Subject, object_type: str, disclosed: dict[str, Any], done: str
) -> HttpResponse:
    """A write audited, and back to the child's page, which says it is `done`."""
    gate.audit(request, "write", object_type, subject.reference, disclosed=disclosed)
    url = _here(subject.reference, purpose_of(request), done=done)
    return HttpResponseRedirect(url, status=303)


def _unknown(
    request: HttpRequest, reference: str, error: NoSuchChild, object_type: str = "child"
) -> HttpResponse:
    """A reference Seen holds no child under: refused, audited and worded as a child this user
    has no relationship with would be (docs/access.md, "Refusals"); not found only for a
    reference that is not one, or for a user who may see any child."""
    decision = gate.refusal_for_unknown(request, reference, Action.VIEW_CHILD)
    if decision is None:
        return gate.not_a_child(request, error)
    return _refused(request, object_type, reference, decision)


def _refused(
    request: HttpRequest,
    object_type: str,
    reference: str,
    decision: Decision,
    *,
    subject: Subject | None = None,
    glass: BreakGlassForm | None = None,
    status: int = 403,
) -> HttpResponse:
    """The refusal, the same for every child the user may not see: it names only the reference
    as the address gave it, and offers break glass only where break glass answers the refusal
    (`glass`: the break-glass form that was refused, with its errors). Audited under the
    child's own reference (`subject`, where Seen holds the child), with the break-glass error
    where there is one, else the decision's reason."""
    glass = glass if glass is not None else BreakGlassForm()
    problems = glass.error_summary()
    context = {
        "reference": reference,
        "purpose": purpose_of(request),
        "may_break_glass": decision.may_break_glass,
        "glass": glass,
        "errors": problems,
        "reason_text": glass.value_of("reason")[:KEPT_TO_MEND],
        "sentence": sentence,
    }
    return gate.refused(
        request,
        object_type,
        subject.reference if subject is not None else reference,
        problems[0]["text"] if problems else decision.reason,
        template="web/child_refused.html",
        context={**context, "reason": decision.reason},
        status=status,
    )


def _page(
    request: HttpRequest,
    subject: Subject,
    decision: Decision,
    *,
    basis_form: BasisForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The child's page at the decision's level; `basis_form`: the lawful basis refused (400)."""
    file = case_file(subject, decision, request.user)
    purpose = purpose_of(request)
    gate.audit(request, "read", "child", subject.reference, disclosed=file.disclosed())
    profile = profile_of(request.user)
    role = profile.role if profile is not None else ""
    links = record_links(role, decision.level, subject.reference)
    chronology = link_to("chronology", subject.reference)
    if any(url == chronology for url, _ in links) and not incident_services.notified(
        subject.person
    ):
        links = [(url, text) for url, text in links if url != chronology]
    context = {
        "file": file,
        "subject": subject,
        "decision": decision,
        "purpose": purpose,
        "purposes": [(p.value, p.label) for p in Purpose if p not in _NOT_CASE_PURPOSES],
        "can_record_basis": decision.needs_basis,
        "basis_form": basis_form if basis_form is not None else BasisForm(),
        "errors": basis_form.error_summary() if basis_form is not None else [],
        "done": request.GET.get("done", ""),
        "links": links,
        "alert_link": alert_link,
        "person_link": person_link,
    }
    return page(request, "web/child.html", context, status=status)


_NOT_CASE_PURPOSES = {Purpose.STRATEGIC, Purpose.ADMINISTRATION, Purpose.AUDIT}


@gated_page()
def child_page(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        subject = resolve_child(reference)
    except NoSuchChild as error:
        return _unknown(request, reference, error)
    purpose = purpose_of(request)
    person = subject.person
    if person is not None and not is_a_child(person) and bool(children_around_person(person.pk)):
        # an adult's reference: their page is the person page, for a user who may see it; to
        # anyone else it is refused as a child would be, so it does not tell an adult exists
        if decide_person(request.user, purpose, person.pk).allowed:
            return HttpResponseRedirect(person_link(subject.reference))
        return _unknown(request, reference, NoSuchChild(f"no child {reference}"))
    decision = decide(request.user, Action.VIEW_CHILD, purpose, subject.ref)
    if not decision.allowed:
        return _refused(request, "child", reference, decision, subject=subject)
    return _page(request, subject, decision)


def _post_only(request: HttpRequest, reference: str) -> HttpResponse:
    """A GET of a POST-only address leads back to the child's page, whether or not the child
    exists (the page decides)."""
    return HttpResponseRedirect(_here(reference, purpose_of(request)), status=303)


@gated_page(post=BasisForm)
def child_basis(request: HttpRequest, reference: str) -> HttpResponse:
    """Record the lawful basis for seeing the household (POST; a GET leads back to the page)."""
    if request.method != "POST":
        return _post_only(request, reference)
    try:
        subject = resolve_child(reference)
    except NoSuchChild as error:
        return _unknown(request, reference, error, "share")
    purpose = purpose_of(request)
    decision = decide(request.user, Action.VIEW_CHILD, purpose, subject.ref)
    if not decision.allowed:
        return _refused(request, "share", reference, decision, subject=subject)
    if not decision.needs_basis:
        return HttpResponseRedirect(_here(subject.reference, purpose), status=303)
    form = gate.form(request, BasisForm)
    if form.is_valid():
        basis = form.cleaned_data["basis"]
        try:
            share = record_basis(
                request.user,
                subject.person,
                purpose,
                basis,
                form.cleaned_data["why_no_consent"],
                pregnancy=_pregnancy(subject),
                about=subject.ref,
            )
        except AccessRefused as refused:
            form.add_errors([("basis", sentence(refused))])
        else:
            return _written(request, subject, "share", {"share": share.pk, "basis": basis}, "basis")
    return _page(request, subject, decision, basis_form=form, status=400)


@gated_page(post=BreakGlassForm)
def child_break_glass(request: HttpRequest, reference: str) -> HttpResponse:
    """Open time-limited access without a relationship, on a stated reason (POST). Only a
    refusal for want of a relationship is answered (seen.access.services.break_glass); the
    reason is read only then, for a child Seen holds or not alike."""
    if request.method != "POST":
        return _post_only(request, reference)
    purpose = purpose_of(request)
    form = gate.form(request, BreakGlassForm)
    try:
        subject = resolve_child(reference)
    except NoSuchChild as missing:
        decision = gate.refusal_for_unknown(request, reference, Action.VIEW_CHILD)
        if decision is None:
            return gate.not_a_child(request, missing)
        if not decision.may_break_glass:  # refused as a real child's would be, glass or not
            return _unknown(request, reference, missing, "break_glass")
        # the reason is checked first, as for a real child; then break glass says there is
        # no record to open (as for an adult's reference), where a real child's would open a
        # session a safeguarding lead reviews
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            form.add_errors(
                [("reason", sentence(reason_problem(reason) or no_child_to_open(reference)))]
            )
        return _refused(request, "break_glass", reference, decision, glass=form, status=400)
    decision = decide(request.user, Action.VIEW_CHILD, purpose, subject.ref)
    if decision.allowed:  # nothing to open
        return HttpResponseRedirect(_here(subject.reference, purpose), status=303)
    if not decision.may_break_glass:  # a refusal break glass does not answer: the same 403
        return _refused(request, "break_glass", reference, decision, subject=subject)
    if form.is_valid():
        try:
            session = break_glass(
                request.user,
                subject.person,
                form.cleaned_data["reason"],
                pregnancy=_pregnancy(subject),
                purpose=purpose,
                about=subject.ref,
            )
        except AccessRefused as refused:
            form.add_errors([("reason", sentence(refused))])
        else:
            disclosed = {"break_glass": session.pk, "reason": session.reason}
            return _written(request, subject, "break_glass", disclosed, "break-glass")
    # a reason that is not one (or an adult's reference): 400, the text kept (bounded) to mend
    return _refused(
        request, "break_glass", reference, decision, subject=subject, glass=form, status=400
    )


urlpatterns = [
    path("children/<str:reference>/", child_page, name="child"),
    path("children/<str:reference>/basis/", child_basis, name="child-basis"),
    path("children/<str:reference>/break-glass/", child_break_glass, name="child-break-glass"),
]
