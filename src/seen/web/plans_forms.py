"""The forms of a child's plans page (seen.web.plans), each chosen by the POST's `step`: start a
plan, record a programme event, step a plan down, record who attended a conference; and the
conference page's form.

The forms check what a form can: types, the choices the page offered, lengths, what must be
given. Whether the write may happen (the step-down checklist, a pre-birth plan only for an
unborn child, whom a conference must invite, attendance only for those invited) stays with
seen.recording.plans, whose (field, message) errors the page puts on the form."""

from __future__ import annotations

from typing import Any

from django import forms

from seen.facts.models import Conference, ConferenceRole, Plan, ProgrammeEvent, YesNo
from seen.recording.validation import MAX_TEXT
from seen.web.forms import GovDateField, SeenForm

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


def _choice(message: str, *, required: bool = True, invalid: str = "") -> forms.ChoiceField:
    """A choice among those the page offers (set by the form's __init__ where they depend on
    the child): `message` when none is chosen, `invalid` (else the same) for one not offered."""
    return forms.ChoiceField(
        required=required,
        error_messages={"required": message, "invalid_choice": invalid or message},
    )


def _roles(message: str, *, required: bool = False) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=ROLES,
        required=required,
        error_messages={"required": message, "invalid_choice": "Select roles from the list"},
    )


class StepForm(SeenForm):
    """One of the plans page's forms. The page holds several with fields of the same name, so
    each field's id begins with the form's step (`start-kind`), as the error summary links."""

    step = ""

    def input_id(self, name: str) -> str:
        return f"{self.step}-{name}"


class StartPlanForm(StepForm):
    step = "start"
    kind = _choice("Select the kind of plan")
    start = GovDateField(
        what="the start date", error_messages={"required": "Enter the date the plan starts"}
    )
    category_of_abuse = forms.CharField(
        required=False,
        max_length=CATEGORY_MAX,
        error_messages={
            "max_length": f"The category of abuse must be {CATEGORY_MAX} characters or fewer"
        },
    )
    key_worker = _choice("Select a key worker from the list", required=False)
    review_date = GovDateField(what="the review date", required=False)
    information_sharing_plan = _choice("Select whether an information-sharing plan is in place")

    def __init__(self, *args: Any, kinds: Choices, key_workers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["key_worker"].choices = key_workers  # type: ignore[attr-defined]
        self.fields["information_sharing_plan"].choices = YES_NO  # type: ignore[attr-defined]


class ProgrammeForm(StepForm):
    step = "programme"
    plan = _choice("Select one of the child's plans")
    participant = _choice("Select who attends the programme")
    programme = _choice("Select the programme")
    status = _choice("Select what happened")
    on = GovDateField(what="the date of the event", past=True)

    def __init__(self, *args: Any, plans: Choices, participants: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = plans  # type: ignore[attr-defined]
        self.fields["participant"].choices = participants  # type: ignore[attr-defined]
        self.fields["programme"].choices = PROGRAMMES  # type: ignore[attr-defined]
        self.fields["status"].choices = STATUSES  # type: ignore[attr-defined]


class StepDownForm(StepForm):
    """The checklist (key worker, information-sharing plan, review date) is not required here:
    the service names every item missing at once, as the step-down rule asks."""

    step = "step_down"
    plan = _choice("Select the plan to step down from")
    on = GovDateField(what="the date of the step-down")
    key_worker = _choice("Select a key worker from the list", required=False)
    information_sharing_plan = _choice(
        "Select whether an information-sharing plan is in place", required=False
    )
    review_date = GovDateField(what="the review date", required=False)

    def __init__(self, *args: Any, plans: Choices, key_workers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = plans  # type: ignore[attr-defined]
        self.fields["key_worker"].choices = key_workers  # type: ignore[attr-defined]
        self.fields["information_sharing_plan"].choices = YES_NO  # type: ignore[attr-defined]


class AttendanceForm(StepForm):
    step = "attendance"
    conference = _choice("Select the conference")
    attended = _roles("Select who attended", required=True)

    def __init__(self, *args: Any, conferences: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["conference"].choices = conferences  # type: ignore[attr-defined]


class ConferenceForm(SeenForm):
    """A conference; for each role it must invite (as the partnership set the rule), the reason
    it was left out, which the service asks for when that role was not invited."""

    kind = _choice("Select the kind of conference")
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
            self.fields[reason_field(role)] = forms.CharField(
                required=False,
                max_length=MAX_TEXT,
                error_messages={
                    "max_length": f"Why {name} was not invited must be {MAX_TEXT} characters "
                    "or fewer"
                },
            )

    def reasons(self) -> dict[str, str]:
        """Each must-invite role's reason as given (cleaned), for the service."""
        return {role: self.cleaned_data.get(reason_field(role), "") for role in self.must}


def reason_field(role: str) -> str:
    return f"reason_{role}"
