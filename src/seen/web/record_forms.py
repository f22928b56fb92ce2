"""The record pages' forms (seen.web.record): a contact, a pre-birth assessment, a 'was not
brought' and an injury observation, one SeenForm each.

A form reads types, choices, lengths and required-ness, with the limits the API's schemas use
(seen.recording.validation); what a fact needs beyond that (a reason when the father was not
seen, a date not before the child's birth, a born child) is seen.recording.facts's to say. The
choices that depend on the child come in at construction: the men recorded around the child
(and "not known") as the father, and the contacts a born or an unborn child can have."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from seen.facts.models import Appointment, Contact, Injury, Mobility, YesNo, YesNoNA
from seen.recording import facts as recording
from seen.recording.facts import (
    AssessmentDetails,
    ContactDetails,
    InjuryDetails,
    Man,
    WasNotBroughtDetails,
)
from seen.recording.validation import MAX_BODY_SITE, MAX_TEXT
from seen.web.forms import GovDateField, SeenForm, choice_field, text_field

YES_NO_NOT_KNOWN = [(YesNoNA.YES, "Yes"), (YesNoNA.NO, "No"), (YesNoNA.NOT_KNOWN, "Not known")]
YES_NO = [(YesNo.YES, "Yes"), (YesNo.NO, "No")]
CONTACT_KINDS = [
    (Contact.Kind.ANTENATAL_BOOKING, "Antenatal booking"),
    (Contact.Kind.ANTENATAL, "Antenatal contact"),
    (Contact.Kind.NEW_BIRTH, "New birth visit (10 to 14 days)"),
    (Contact.Kind.SIX_TO_EIGHT_WEEKS, "6 to 8 week review"),
    (Contact.Kind.ONE_YEAR, "1 year review"),
    (Contact.Kind.HOME_VISIT, "Home visit"),
    (Contact.Kind.SOCIAL_WORK_VISIT, "Social work visit"),
    (Contact.Kind.EARLY_HELP_VISIT, "Early Help visit"),
    (Contact.Kind.OTHER, "Other"),
]
SERVICES = [(s.value, s.value.replace("_", " ").capitalize()) for s in Appointment.Service]
INJURIES = [(k.value, k.value.replace("_", " ").capitalize()) for k in Injury.Kind]
MOBILITY = [(m.value, m.value.replace("_", "-").capitalize()) for m in recording.MOBILITIES]
MOBILITY_HINTS = {str(Mobility.NON_MOBILE): "Not yet rolling over, crawling or walking"}


class RecordForm(SeenForm):
    """What the four forms share: the father's choices, and the values the service is handed.
    Every form is built alike, with the men around the child and whether the child is unborn
    (what ContactForm offers depends on it)."""

    def __init__(
        self, *args: Any, men: Sequence[Man] = (), unborn: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if "father" in self.fields:
            father: forms.ChoiceField = self.fields["father"]  # type: ignore[assignment]
            father.choices = [(m.reference, m.label) for m in men] + [
                (recording.NOT_KNOWN, "Not known")
            ]

    def cleaned(self, name: str) -> Any:
        """A field's cleaned value; "" (None for a date) where the form refused it, so that the
        service still checks every other field and says what it needs."""
        if name in self.errors:  # reading the errors cleans the form first
            return None if isinstance(self.fields[name], GovDateField) else ""
        return self.cleaned_data[name]

    def known(self) -> dict[str, str]:
        """What the form refused, by field: the service refuses the record with these reasons
        and its own for the other fields, all at once."""
        return {name: str(messages[0]) for name, messages in self.errors.items()}

    def details(self) -> Any:
        raise NotImplementedError


class ContactForm(RecordForm):
    occurred_on = GovDateField(what="the date of the contact", past=True)
    kind = choice_field("Select the kind of contact", CONTACT_KINDS)
    mother_seen = choice_field("Select whether the mother was seen", YES_NO_NOT_KNOWN)
    father = choice_field("Select who the father or male carer is, or 'Not known'")
    father_seen = choice_field("Select whether the father or male carer was seen", YES_NO_NOT_KNOWN)
    father_not_seen_reason = text_field("why he was not seen", MAX_TEXT)

    def __init__(self, *args: Any, unborn: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # an unborn child's contacts are antenatal; a born child's are not
        wrong = recording.BORN_CONTACTS if unborn else recording.UNBORN_CONTACTS
        kind: forms.ChoiceField = self.fields["kind"]  # type: ignore[assignment]
        kind.choices = [(k, label) for k, label in CONTACT_KINDS if k not in wrong]

    def details(self) -> ContactDetails:
        return ContactDetails(
            self.cleaned("occurred_on"),
            self.cleaned("kind"),
            self.cleaned("mother_seen"),
            self.cleaned("father"),
            self.cleaned("father_seen"),
            self.cleaned("father_not_seen_reason"),
        )


class AssessmentForm(RecordForm):
    occurred_on = GovDateField(what="the date of the assessment", past=True)
    father = choice_field("Select who the father or male carer is, or 'Not known'")
    father_involved = choice_field(
        "Select whether the father or male carer was involved in the assessment", YES_NO_NOT_KNOWN
    )
    father_not_involved_reason = text_field("why he was not involved", MAX_TEXT)
    mother_checks_done = choice_field(
        "Select whether background checks were made on the mother", YES_NO
    )
    father_checks_done = choice_field(
        "Select whether background checks were made on the father or male carer", YES_NO
    )

    def details(self) -> AssessmentDetails:
        return AssessmentDetails(
            self.cleaned("occurred_on"),
            self.cleaned("father"),
            self.cleaned("father_involved"),
            self.cleaned("father_not_involved_reason"),
            self.cleaned("mother_checks_done"),
            self.cleaned("father_checks_done"),
        )


class WasNotBroughtForm(RecordForm):
    occurred_on = GovDateField(what="the date of the appointment", past=True)
    service = choice_field("Select the service the appointment was with", SERVICES)
    followed_up_on = GovDateField(what="the date of the follow-up", past=True, required=False)

    def details(self) -> WasNotBroughtDetails:
        return WasNotBroughtDetails(
            self.cleaned("occurred_on"), self.cleaned("service"), self.cleaned("followed_up_on")
        )


class InjuryForm(RecordForm):
    occurred_on = GovDateField(what="the date of the injury", past=True)
    kind = choice_field("Select the kind of injury", INJURIES)
    body_site = text_field(
        "where on the body", MAX_BODY_SITE, required="Enter where on the body the injury is"
    )
    mobility = choice_field("Select the child's mobility", MOBILITY)
    explanation = text_field(
        "the explanation",
        MAX_TEXT,
        required="Enter the explanation given (if none was given, say so)",
    )

    def details(self) -> InjuryDetails:
        return InjuryDetails(
            self.cleaned("occurred_on"),
            self.cleaned("kind"),
            self.cleaned("body_site"),
            self.cleaned("mobility"),
            self.cleaned("explanation"),
        )
