"""The forms of a child's plans page (seen.web.plans), each chosen by the POST's `step`: start a
plan, record a programme event, step a plan down, record who attended a conference; and the
conference page's form.

The forms check what a form can: types, the choices the page offered, lengths, what must be
given. Whether the write may happen (the step-down checklist, a pre-birth plan only for an
unborn child, whom a conference must invite, attendance only for those invited) stays with
seen.recording.plans, whose (field, message) errors the page puts on the form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from seen.facts.models import Conference, ConferenceRole, Plan, ProgrammeEvent, YesNo
from seen.recording.validation import MAX_TEXT
from seen.web.forms import GovDateField, SeenForm, choice_field, text_field

Choices = list[tuple[str, str]]


def _column_limit(model: Any, name: str) -> int:
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if not isinstance(limit, int):
        raise TypeError(f"{model.__name__}.{name} has no length limit")
    return limit


# the column's own limit: the service writes the category as given, with no API of its own
CATEGORY_MAX = _column_limit(Plan, "category_of_abuse")
ROLE_LABELS: dict[str, str] = {
    ConferenceRole.MOTHER: "Mother",
    ConferenceRole.FATHER: "Father",
    ConferenceRole.MALE_CARER: "Male carer",
    ConferenceRole.GP: "GP",
    ConferenceRole.HEALTH_VISITOR: "Health visitor",
    ConferenceRole.MIDWIFE: "Midwife",
    ConferenceRole.HOUSING: "Housing",
    ConferenceRole.POLICE: "Police",
    ConferenceRole.PROBATION: "Probation",
    ConferenceRole.SOCIAL_WORKER: "Social worker",
    ConferenceRole.EARLY_HELP: "Early Help",
    ConferenceRole.ADULT_MENTAL_HEALTH: "Adult mental health",
    ConferenceRole.OTHER: "Other",
}
CONFERENCE_KINDS: dict[str, str] = {
    Conference.Kind.INITIAL: "Initial child protection conference",
    Conference.Kind.REVIEW: "Review child protection conference",
    Conference.Kind.PRE_BIRTH: "Pre-birth child protection conference",
}
ROLES: Choices = [(str(role), label) for role, label in ROLE_LABELS.items()]
YES_NO: Choices = [(YesNo.YES.value, "Yes"), (YesNo.NO.value, "No")]


def capitalised(value: str) -> str:
    return value[:1].upper() + value[1:]


PROGRAMMES: Choices = [
    (v, capitalised(str(label))) for v, label in ProgrammeEvent.Programme.choices
]
STATUSES: Choices = [(v, capitalised(str(label))) for v, label in ProgrammeEvent.Status.choices]


def _roles(message: str, *, required: bool = False) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=ROLES,
        required=required,
        error_messages={"required": message, "invalid_choice": "Select roles from the list"},
    )


class StepForm(SeenForm):
    """One of the plans page's forms. The page holds several with fields of the same name, so
    each field's id begins with the form's step (`start-kind`), as the error summary links.
    The choices that depend on the child come in by field (`offered`)."""

    step = ""

    def __init__(self, *args: Any, offered: Mapping[str, Choices], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in offered.items():
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    def input_id(self, name: str) -> str:
        return f"{self.step}-{name}"


class StartPlanForm(StepForm):
    step = "start"
    kind = choice_field("Select the kind of plan")
    start = GovDateField(
        what="the start date", error_messages={"required": "Enter the date the plan starts"}
    )
    category_of_abuse = text_field("the category of abuse", CATEGORY_MAX)
    key_worker = choice_field("Select a key worker from the list", required=False)
    review_date = GovDateField(what="the review date", required=False)
    information_sharing_plan = choice_field(
        "Select whether an information-sharing plan is in place", YES_NO
    )


class ProgrammeForm(StepForm):
    step = "programme"
    plan = choice_field("Select one of the child's plans")
    participant = choice_field("Select who attends the programme")
    programme = choice_field("Select the programme", PROGRAMMES)
    status = choice_field("Select what happened", STATUSES)
    on = GovDateField(what="the date of the event", past=True)


class StepDownForm(StepForm):
    """The checklist (key worker, information-sharing plan, review date) is not required here:
    the service names every item missing at once, as the step-down rule asks."""

    step = "step_down"
    plan = choice_field("Select the plan to step down from")
    on = GovDateField(what="the date of the step-down")
    key_worker = choice_field("Select a key worker from the list", required=False)
    information_sharing_plan = choice_field(
        "Select whether an information-sharing plan is in place", YES_NO, required=False
    )
    review_date = GovDateField(what="the review date", required=False)


class AttendanceForm(StepForm):
    step = "attendance"
    conference = choice_field("Select the conference")
    attended = _roles("Select who attended", required=True)


class ConferenceForm(SeenForm):
    """A conference; for each role it must invite (as the partnership set the rule), the reason
    it was left out, which the service asks for when that role was not invited."""

    kind = choice_field("Select the kind of conference")
    on = GovDateField(what="the date of the conference")
    invited = _roles("Select who was invited")
    attended = _roles("Select who attended")

    def __init__(
        self, *args: Any, kinds: Choices, must: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.must = [role for role, _ in must]
        for role, name in must:
            self.fields[reason_field(role)] = text_field(f"why {name} was not invited", MAX_TEXT)

    def reasons(self) -> dict[str, str]:
        """Each must-invite role's reason as given (cleaned), for the service."""
        return {role: self.cleaned_data.get(reason_field(role), "") for role in self.must}


def reason_field(role: str) -> str:
    return f"reason_{role}"
