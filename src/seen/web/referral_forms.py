"""The referral pages' forms (seen.web.referrals): referring a parent to one of the services that
fit him, and recording a step of the referral's uptake, one SeenForm each.

A form reads types, choices, lengths and required-ness; what a referral or a step needs beyond
that (the lawful basis without consent, a session for a session, a date not before the referral,
nothing after the end) is seen.recording.referrals's to say, every field's reason at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from seen.directory.fitting import Fit
from seen.facts.models import ServiceReferral, ServiceUptake
from seen.recording.referrals import MAX_SESSION, ReferralDetails, StepDetails, step_words
from seen.recording.validation import MAX_TEXT
from seen.web.forms import GovDateField, SeenForm, choice_field, text_field

CONSENT = [("yes", "Yes"), ("no", "No")]
STEPS = [(s.value, step_words(s.value).capitalize()) for s in ServiceUptake.Status]
SESSION = "Enter the session's number, from 1 to 500"


class PostedForm(SeenForm):
    def cleaned(self, name: str) -> Any:
        """A field's cleaned value; "" (None for a date or a number) where the form refused
        it, so that the service still checks every other field."""
        if name in self.errors:
            field = self.fields[name]
            return None if isinstance(field, GovDateField | forms.IntegerField) else ""
        return self.cleaned_data[name]

    def known(self) -> dict[str, str]:
        """What the form refused, by field, for the service to refuse with its own reasons."""
        return {name: str(messages[0]) for name, messages in self.errors.items()}


class ReferForm(PostedForm):
    """The service (one of those that fit him), why, and his consent or the lawful basis."""

    service = choice_field("Select the service to refer him to")
    reason = text_field(
        "why you are referring him", MAX_TEXT, required="Say why you are referring him"
    )
    consent = choice_field("Select whether he consents to the referral", CONSENT)
    lawful_basis = text_field("the lawful basis", MAX_TEXT)

    def __init__(self, *args: Any, fits: Sequence[Fit] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service: forms.ChoiceField = self.fields["service"]  # type: ignore[assignment]
        service.choices = [(str(f.service.pk), f.service.name) for f in fits]

    def details(self, procedure: str) -> ReferralDetails:
        chosen = self.cleaned("service")
        consent = self.cleaned("consent")
        basis = {
            "yes": ServiceReferral.Basis.CONSENT,
            "no": ServiceReferral.Basis.LAWFUL_BASIS,
        }.get(consent, "")
        return ReferralDetails(
            int(chosen) if chosen else None,
            self.cleaned("reason"),
            basis,
            self.cleaned("lawful_basis"),
            procedure,
        )


class StepForm(PostedForm):
    """One step of the referral's uptake."""

    status = choice_field("Select the step", STEPS)
    occurred_on = GovDateField(what="the date of the step", past=True)
    session = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_SESSION,
        error_messages={k: SESSION for k in ("invalid", "min_value", "max_value")},
    )
    reason = text_field("the reason", MAX_TEXT)

    def input_id(self, name: str) -> str:
        # the page shows the referral's own reason above the form: the form's ids are its own
        return f"step-{name}"

    def details(self) -> StepDetails:
        return StepDetails(
            self.cleaned("status"),
            self.cleaned("occurred_on"),
            self.cleaned("session"),
            self.cleaned("reason"),
        )
