"""Check a child: the look-up for unscheduled care and universal services. For each child the
details identify, through the access decision and audited, the page shows what confirms it is
the child in front of you (name, date of birth and age, postcode district; seen.casefile.lookup
.identity_of) and the flag level only — that flags exist, their kind (an adult around the child
with a relevant history among them, never the history), and whom to call now; an ED look-up of
a flagged child tells the lead practitioner (as CP-IS does)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seen.access.models import Purpose, Role
from seen.access.policy import Action, ChildRef, decide, profile_of
from seen.casefile.flags import flags_for
from seen.casefile.lookup import Details, LookupError_, find_children, identity_of
from seen.people.models import SourceRecord
from seen.web import gate
from seen.web.forms import GovDateField, SeenForm, text_field
from seen.web.gate import page, purpose_of

PURPOSES = [Purpose.UNSCHEDULED_CARE, Purpose.DIRECT_CARE]
# an NHS number is 10 digits, typed with the spaces or dashes people put in (999 000 0026)
NHS_NUMBER_TYPED_MAX = 20


def stored_length(name: str) -> int:
    """The length of a person's detail as Seen stores it: no record holds a longer one (the
    look-up forms bound what is typed by it)."""
    field = SourceRecord._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"SourceRecord.{name} is not a bounded text column")
    return field.max_length


class CheckForm(SeenForm):
    """The look-up (a GET form: looking is not a change). Which details are enough, and whether
    an NHS number is one, is the look-up's to say (seen.casefile.lookup)."""

    nhs_number = text_field("the NHS number", NHS_NUMBER_TYPED_MAX)
    forename = text_field("the first name", stored_length("forename"))
    surname = text_field("the last name", stored_length("surname"))
    dob = GovDateField(what="the date of birth", past=True, required=False)
    postcode = text_field("the postcode", stored_length("postcode"))

    def error_summary(self) -> list[dict[str, str]]:
        """A look-up's refusal is about the details together: it links to the first of them."""
        return [{"href": "#nhs_number", **error} for error in super().error_summary()]

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            nhs_number=data["nhs_number"],
            forename=data["forename"],
            surname=data["surname"],
            dob=data["dob"],
            postcode=data["postcode"],
        )


# what makes a GET a look-up rather than the empty form: the form's marker, or any detail
SENT = (
    "search",
    "nhs_number",
    "forename",
    "surname",
    "postcode",
    "dob-day",
    "dob-month",
    "dob-year",
)


def _default_purpose(request: HttpRequest) -> str:
    """An ED clinician looks a child up for unscheduled care; everyone else for direct care."""
    profile = profile_of(request.user)
    role = profile.role if profile is not None else ""
    return Purpose.UNSCHEDULED_CARE if role == Role.ED_CLINICIAN else Purpose.DIRECT_CARE


@page(purpose=_default_purpose)
def check_child(request: HttpRequest) -> HttpResponse:
    purpose = purpose_of(request)
    sent = any(name in request.GET for name in SENT)
    form = CheckForm(request.GET) if sent else CheckForm()
    context: dict[str, Any] = {
        "purposes": [(p.value, p.label) for p in PURPOSES],
        "purpose": purpose,
        "form": form,
        "searched": False,
        "results": [],
    }
    if not sent:
        return render(request, "web/check.html", context)
    children = None
    if form.is_valid():
        try:
            children = find_children(form.details())
        except LookupError_ as error:
            # an NHS number that is not one is that box's error; else the details together
            about = "nhs_number" if form.cleaned_data["nhs_number"] else "details"
            form.add_refusal(about, error)
    if children is None:
        return render(request, "web/check.html", context, status=400)
    context["searched"] = True
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
        identity = identity_of(child, request.user)
        gate.audit(
            request,
            "read",
            "child_flags",
            child.reference,
            disclosed={
                "identity": ["name", "dob", "age", "postcode district"],
                "flags": flags.kinds,
                "contacts": len(flags.call),
                "lead_told": told,
            },
        )
        context["results"].append(
            {"reference": child.reference, "identity": identity, "flags": flags, "told": told}
        )
    return render(request, "web/check.html", context)
