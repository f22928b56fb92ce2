"""Referring a parent to a service, and the steps of the referral's uptake (pages).

- `/people/<person>/refer/?child=<child>&procedure=<id>&alert=<id>`: "Refer him to a service":
  the services that fit him for this child (seen.directory.fitting, those serving the procedure
  first), why, and his consent or the lawful basis; a POST writes the referral
  (seen.recording.referrals.refer) and goes on (303) to the referral's page. Decided about the
  child (RECORD_FACT, as every recorded fact), the man one the recording forms offer this user
  around the child.
- `/referrals/<number or local id>/`: the referral, its uptake steps in order, the day the
  service said it would make contact by and whether that passed; a form records a step. Seen
  by those who see the child at the household level (VIEW_CHILD); a step needs RECORD_FACT too.
  A referral Seen does not hold is refused as a child without a relationship is.
- `/referrals/`: "Your referrals", those the user made, each one they may open.

The links to the first page from the alert page, the adult's page and a recorded contact's
confirmation are made here (`refer_links_for_alert`, `refer_links_for_children`,
`refer_link_after_contact`), each only where the page would let the user refer him. Every
form shown, referral or step written, page read and refusal is audited."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from seen.access.policy import (
    Action,
    Decision,
    Level,
    decide,
    decide_unknown_child,
    profile_of,
)
from seen.areas.models import Agency, Practitioner
from seen.casefile.personfile import PERSON_REFERENCE
from seen.casefile.subjects import NoSuchChild, Subject, resolve_child
from seen.core.procedures import title_of
from seen.directory.fitting import HOURS, parent_for
from seen.facts.models import ServiceReferral
from seen.people.models import Person, SourceRecord
from seen.recording import referrals
from seen.recording.facts import Man, RecordingInvalid, RecordingRefused, men_around
from seen.recording.referrals import PROCEDURE_IDS, REFERRING_PROCEDURES, NoSuchReferral
from seen.rules.inbox import child_reference
from seen.rules.models import Alert
from seen.web import gate
from seen.web.gate import DEFAULT_PURPOSE, purpose_of
from seen.web.referral_forms import CONSENT, STEPS, ReferForm, StepForm

ALERT_ID = re.compile(r"^[0-9]{1,18}$")
RELATION_WORDS = {
    "birth_father": "birth father",
    "mothers_partner": "mother's partner",
    "male_carer": "male carer",
    "household_adult": "adult in the household",
}


# --- the links other pages offer ------------------------------------------------------------------


def refer_url(
    person: str, child: str, purpose: str, *, procedure: str = "", alert: int | None = None
) -> str:
    query = {"child": child}
    if procedure:
        query["procedure"] = procedure
    if alert is not None:
        query["alert"] = str(alert)
    if purpose != DEFAULT_PURPOSE:
        query["purpose"] = purpose
    return reverse("refer", args=[person]) + "?" + urlencode(query)


def _men(request: HttpRequest, subject: Subject) -> list[Man]:
    """The men this user may refer for this child: none unless the decision allows recording."""
    decision = referrals.may_refer(request.user, purpose_of(request), subject)
    if not decision.allowed:
        return []
    return men_around(subject, request.user, decision)


def refer_links_for_alert(request: HttpRequest, alert: Alert) -> list[tuple[str, str]]:
    """For an alert of a procedure a service answers: (the man's reference, the address) for
    each man it names whom this user may refer for its child."""
    reference = child_reference(alert)
    if alert.rule_id not in REFERRING_PROCEDURES or not reference:
        return []
    try:
        subject = resolve_child(reference)
    except NoSuchChild:
        return []
    named = {int(pk) for pk, _ in alert.people}
    ids = dict(Person.objects.filter(pk__in=named).values_list("reference", "pk"))
    purpose = purpose_of(request)
    return [
        (
            man.reference,
            refer_url(
                man.reference, subject.reference, purpose, procedure=alert.rule_id, alert=alert.pk
            ),
        )
        for man in _men(request, subject)
        if ids.get(man.reference) in named
    ]


def refer_links_for_children(
    request: HttpRequest, person: Person, children: list[str]
) -> dict[str, str]:
    """On an adult's page: child reference -> the address referring him for that child, for
    each child he is around that this user may refer him for."""
    links = {}
    for reference in children:
        try:
            subject = resolve_child(reference)
        except NoSuchChild:
            continue
        if any(m.reference == person.reference for m in _men(request, subject)):
            links[reference] = refer_url(person.reference, subject.reference, purpose_of(request))
    return links


def refer_link_after_contact(request: HttpRequest, subject: Subject, father: int | None) -> str:
    """On a recorded contact's confirmation: the address referring the father it names."""
    if father is None:
        return ""
    reference = (
        SourceRecord.objects.filter(pk=father).values_list("person__reference", flat=True).first()
    )
    if not reference or not any(m.reference == reference for m in _men(request, subject)):
        return ""
    return refer_url(reference, subject.reference, purpose_of(request))


# --- referring ------------------------------------------------------------------------------------


def _problem(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    title = "There is a problem with the address" if status == 400 else "Page not found"
    return render(
        request, "web/audit_problem.html", {"title": title, "message": message}, status=status
    )


def _child(request: HttpRequest, reference: str, action: str) -> Subject | HttpResponse:
    """The child of the address, or the refusal (a reference Seen holds no child under is
    refused as a child without a relationship is; 404 for what is not a reference)."""
    try:
        return resolve_child(reference)
    except NoSuchChild as error:
        unknown = gate.refusal_for_unknown(request, reference, action)
        if unknown is not None:
            return gate.refused(request, "referral", reference[:40], unknown.reason)
        return gate.not_a_child(request, error)


def _alert(request: HttpRequest, subject: Subject) -> Alert | HttpResponse | None:
    """The alert the referral answers (?alert=), about this child; None when none is named."""
    value = request.GET.get("alert", "")
    if not value:
        return None
    found = Alert.objects.filter(pk=int(value)).first() if ALERT_ID.match(value) else None
    if found is None or child_reference(found) != subject.reference:
        return _problem(
            request, f"Seen holds no alert {value[:20]} about child {subject.reference}."
        )
    return found


@gate.page(post=ReferForm)
def refer_page(request: HttpRequest, person_reference: str) -> HttpResponse:
    if not PERSON_REFERENCE.match(person_reference):
        return _problem(
            request, f"{person_reference[:40]!r} is not a person's reference (P and digits).", 404
        )
    child = request.GET.get("child", "")
    if not child:
        return _problem(
            request, "Say which child the referral is for: ?child= and the child's reference."
        )
    subject = _child(request, child, Action.RECORD_FACT)
    if isinstance(subject, HttpResponse):
        return subject
    purpose = purpose_of(request)
    decision = referrals.may_refer(request.user, purpose, subject)
    if not decision.allowed:
        return gate.refused(request, "referral", subject.reference, decision.reason)
    procedure = request.GET.get("procedure", "")
    if procedure and procedure not in PROCEDURE_IDS:
        return _problem(request, f"Seen knows no procedure {procedure[:64]!r}.")
    alert = _alert(request, subject)
    if isinstance(alert, HttpResponse):
        return alert
    procedure = procedure or (alert.rule_id if alert is not None else "")
    man = referrals.man_to_refer(request.user, subject, decision, person_reference)
    if man is None:
        return _problem(
            request,
            f"{person_reference} is not a father or male carer recorded around child "
            f"{subject.reference} that you may refer.",
            404,
        )
    hours = request.GET.get("hours", "")
    if hours not in HOURS:
        return _problem(request, "When he can come is one of: any time, evenings, weekends.")
    fits = referrals.services_for(man, subject, decision, procedure, hours)
    form = gate.form(request, ReferForm, fits=fits)
    show = (request, subject, decision, man, procedure, hours, fits, form)
    if not form.is_bound:
        return _refer_form(*show, 200)
    try:
        referred = referrals.refer(
            request.user,
            purpose,
            subject,
            man.reference,
            form.details(procedure),
            alert=alert,
            known=form.known(),
        )
    except RecordingRefused as refused:
        return gate.refused(request, "referral", subject.reference, str(refused))
    except RecordingInvalid as invalid:
        form.add_errors([(k, m) for k, m in invalid.errors.items() if k not in form.errors])
        return _refer_form(*show, 400)
    referral = referred.referral
    gate.audit(
        request,
        "write",
        "referral",
        str(referral.pk),
        subject=subject.reference,
        subjects=[subject.reference, man.reference],
        disclosed={
            "local_id": referral.local_id,
            "person": man.reference,
            "service": referral.service_id,
            "alert": alert.pk if alert is not None else None,
            "alert_event": referred.alert_event.pk if referred.alert_event else None,
        },
    )
    if decision.level < Level.HOUSEHOLD and decision.needs_basis:
        # the referral's page shows the household: the way there is the lawful basis
        basis = reverse("child", args=[subject.reference]) + f"?{urlencode({'purpose': purpose})}"
        return HttpResponseRedirect(basis + "#basis", status=303)
    if decision.level < Level.HOUSEHOLD:
        # no basis would open the household to this user: told the referral is made, where
        # their referrals are counted
        done = {"done": "referral", **({"purpose": purpose} if purpose != DEFAULT_PURPOSE else {})}
        return HttpResponseRedirect(reverse("referrals") + f"?{urlencode(done)}", status=303)
    return HttpResponseRedirect(_referral_url(referral, purpose), status=303)


def _refer_form(
    request: HttpRequest,
    subject: Subject,
    decision: Decision,
    man: Man,
    procedure: str,
    hours: str,
    fits: list[Any],
    form: ReferForm,
    status: int,
) -> HttpResponse:
    gate.audit(
        request,
        "read",
        "referral_form",
        man.reference,
        subject=subject.reference,
        subjects=[subject.reference, man.reference],
        disclosed={"person": man.reference, "services": [f.service.pk for f in fits]},
    )
    context = {
        "form": form,
        "errors": form.error_summary(),
        "subject": subject,
        "man": man,
        "household": decision.level >= Level.HOUSEHOLD,
        "procedure": title_of(procedure) if procedure else "",
        "fits": fits,
        "hours": hours,
        # the same page for another answer to "when can he come?", the rest of the query kept
        "hours_links": [
            (HOURS[value], _with_query(request, hours=value), value == hours) for value in HOURS
        ],
        "chosen": form.value_of("service"),
        "consent": CONSENT,
        "action": request.get_full_path(),
        "purpose": purpose_of(request),
    }
    return render(request, "referrals/refer.html", context, status=status)


def _with_query(request: HttpRequest, **changes: str) -> str:
    query = request.GET.copy()
    for name, value in changes.items():
        if value:
            query[name] = value
        else:
            query.pop(name, None)
    return f"{request.path}?{query.urlencode()}"


# --- the referral ---------------------------------------------------------------------------------


def _referral_url(referral: ServiceReferral, purpose: str, **more: str) -> str:
    query = {**more, **({"purpose": purpose} if purpose != DEFAULT_PURPOSE else {})}
    url = reverse("referral", args=[referral.local_id or str(referral.pk)])
    return url + (f"?{urlencode(query)}" if query else "")


@gate.page(post=StepForm)
def referral_page(request: HttpRequest, key: str) -> HttpResponse:
    try:
        held = referrals.held_referral(key)
    except NoSuchReferral as error:
        return _problem(request, f"{error}.", 404)
    purpose = purpose_of(request)
    if held is None:
        # refused as a child without a relationship is, so the refusal tells no one which
        # referrals exist; only a user who may see any child is told there is none
        unknown = decide_unknown_child(request.user, Action.VIEW_CHILD, purpose)
        if unknown.allowed:
            return _problem(request, f"Seen holds no referral {key}.", 404)
        return gate.refused(request, "referral", key[:64], unknown.reason)
    referral, subject = held
    checked = gate.child(request, subject.reference, Action.VIEW_CHILD, "referral")
    if isinstance(checked, HttpResponse):
        return checked
    form = gate.form(request, StepForm)
    if not form.is_bound:
        done = "A step is recorded" if request.GET.get("done") == "step" else ""
        return _show(request, referral, subject, form, 200, banner=done)
    try:
        stepped = referrals.record_step(
            request.user, purpose, referral, form.details(), known=form.known()
        )
    except RecordingRefused as refused:
        return gate.refused(
            request, "referral_step", str(referral.pk), str(refused), subject=subject.reference
        )
    except RecordingInvalid as invalid:
        form.add_errors([(k, m) for k, m in invalid.errors.items() if k not in form.errors])
        return _show(request, referral, subject, form, 400)
    step = stepped.step
    gate.audit(
        request,
        "write",
        "referral_step",
        str(step.pk),
        subject=subject.reference,
        disclosed={"referral": referral.pk, "status": step.status, "local_id": step.local_id},
    )
    return HttpResponseRedirect(_referral_url(referral, purpose, done="step"), status=303)


def _show(
    request: HttpRequest,
    referral: ServiceReferral,
    subject: Subject,
    form: StepForm,
    status: int,
    *,
    banner: str = "",
) -> HttpResponse:
    uptake = referrals.uptake_of(referral)
    man = referrals.parent_reference(referral) or "not linked"
    relation = _relation(referral, subject)
    words = referrals.free_text_for(referral, subject, request.user)
    service = referral.service
    agency = Agency.objects.get(pk=referral.agency_id).name
    referrer = (
        Practitioner.objects.filter(pk__in=[referral.referrer_id])
        .values_list("name", flat=True)
        .first()
    )
    gate.audit(
        request,
        "read",
        "referral",
        str(referral.pk),
        subject=subject.reference,
        subjects=[subject.reference, man],
        disclosed={
            "fields": ["person", "service", "date", "referrer", "basis", "reason", "steps"],
            "person": man,
            "steps": [s.pk for s in uptake.steps],
        },
    )
    context = {
        "referral": referral,
        "subject": subject,
        "man": man,
        "relation": relation,
        "service": service,
        "referrer": ", ".join(n for n in (referrer or "", agency) if n),
        "basis": (
            "With his consent"
            if referral.basis == ServiceReferral.Basis.CONSENT
            else "Without his consent, on a lawful basis: " + words(referral.lawful_basis)
        ),
        "reason": words(referral.reason),
        "procedure": title_of(referral.procedure) if referral.procedure else "",
        "uptake": uptake,
        "steps": [
            {
                "day": s.occurred_on,
                "status": referrals.step_words(s.status).capitalize(),
                "session": s.session,
                "reason": words(s.reason),
            }
            for s in uptake.steps
        ],
        "form": form,
        "errors": form.error_summary(),
        "step_items": STEPS,
        "action": request.get_full_path(),
        "purpose": purpose_of(request),
        "banner": banner,
        "list_url": reverse("referrals"),
    }
    return render(request, "referrals/referral.html", context, status=status)


def _relation(referral: ServiceReferral, subject: Subject) -> str:
    """What the man is to the child, from the relationships recorded on his records."""
    person = Person.objects.filter(records__pk=referral.subject_id).first()
    if person is None:
        return ""
    relations = parent_for(person, subject).relations
    return ", ".join(RELATION_WORDS[r] for r in RELATION_WORDS if r in relations)


# --- your referrals -------------------------------------------------------------------------------


@gate.page()
def referral_list(request: HttpRequest) -> HttpResponse:
    """The referrals the user made, each they may open now (VIEW_CHILD at the household level)
    with where it stands; the others counted, not named."""
    refusal = gate.allow(request, Action.VIEW_OWN_REFERRALS, "referrals")
    if refusal is not None:
        return refusal
    profile = profile_of(request.user)
    assert profile is not None  # the gate
    purpose = purpose_of(request)
    rows = []
    hidden = 0
    decisions: dict[str, Decision] = {}
    for referral in referrals.referred_by(profile.practitioner_id):
        try:
            subject = referrals.subject_of(referral)
        except NoSuchChild:
            hidden += 1
            continue
        if subject.reference not in decisions:
            decisions[subject.reference] = decide(
                request.user, Action.VIEW_CHILD, purpose, subject.ref
            )
        decision = decisions[subject.reference]
        if not decision.allowed or decision.level < Level.HOUSEHOLD:
            hidden += 1
            continue
        uptake = referrals.uptake_of(referral)
        rows.append(
            {
                "url": _referral_url(referral, purpose),
                "day": referral.occurred_on,
                "child": subject.reference,
                "person": (referrals.parent_reference(referral) or "not linked"),
                "service": referral.service.name,
                "status": referrals.step_words(uptake.status).capitalize(),
                "overdue": uptake.overdue,
            }
        )
    children = sorted({str(r["child"]) for r in rows})
    gate.audit(
        request,
        "read",
        "referrals",
        subjects=children,
        disclosed={"referrals": [r["url"] for r in rows], "children": children},
    )
    made = request.GET.get("done") == "referral"
    return render(request, "referrals/list.html", {"rows": rows, "hidden": hidden, "made": made})


urlpatterns: list[URLPattern] = [
    path("people/<str:person_reference>/refer/", refer_page, name="refer"),
    path("referrals/", referral_list, name="referrals"),
    path("referrals/<str:key>/", referral_page, name="referral"),
]
