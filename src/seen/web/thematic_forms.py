"""The thematic review pages' forms (seen.web.thematic, seen.web.thematic_findings): types,
choices, lengths and what must be given, with the limits the services and the models use. What
only the review's records can say (an area named twice, a case already a candidate, a move the
case's stage does not allow, a disagreement already agreed) stays in seen.thematic's services,
whose errors the pages put on these forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from seen.thematic.casedata import UPLOAD_MAX_BYTES
from seen.thematic.models import (
    CASE_ID_MAX,
    EXCERPT_MAX,
    REASON_MAX,
    TITLE_MAX,
    Meeting,
    Review,
    Stage,
    Theme,
)
from seen.thematic.reviews import AREA_MAX, COUNT_MAX, ROLE_MAX
from seen.web.forms import GovDateField, SeenForm, choice_field, row_id_field, text_field

ATTENDANCE_ROWS = 8
YES_NO = [("yes", "Applies"), ("no", "Does not apply")]
CHOOSE_A_DISAGREEMENT = "Choose a disagreement of this review to resolve"
Choices = Sequence[tuple[str, str]]


class ReviewForm(SeenForm):
    """Start a review."""

    title = text_field("the review's title", TITLE_MAX, required="Enter the review's title")
    kind = choice_field(
        "Select a local rapid review or a national thematic review", Review.Kind.choices
    )


class AreaForm(SeenForm):
    """Add an area to a review."""

    area = text_field("the area's name", AREA_MAX, required="Enter the area's name")


class CaseForm(SeenForm):
    """Add a candidate case to the longlist; `areas` are the review's, (id, name)."""

    case_id = text_field(
        "the case's identifier", CASE_ID_MAX, required="Enter the case's identifier"
    )
    area = choice_field("Select one of this review's areas", required=False)
    reason = text_field(
        "why the case is considered", REASON_MAX, required="Enter why the case is considered"
    )

    def __init__(self, *args: Any, areas: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = list(areas)  # type: ignore[attr-defined]


class MoveForm(SeenForm):
    """Move a case to another stage, with why; `moves` are the stages its stage allows."""

    to_stage = choice_field("Select where the case goes")
    reason = text_field(
        "the reason for the move", REASON_MAX, required="Enter the reason for the move"
    )

    def __init__(self, *args: Any, stage: str, moves: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = ", ".join(Stage(s).label.lower() for s in moves)
        field = self.fields["to_stage"]
        field.choices = [(s, Stage(s).label) for s in moves]  # type: ignore[attr-defined]
        # what the case's stage allows, said when it is not what was sent (the case may have
        # been moved meanwhile)
        field.error_messages["invalid_choice"] = (
            f"Select where the case goes: a case that is {Stage(stage).label.lower()} "
            f"can go to: {places}"
        )


class ExcerptForm(SeenForm):
    """Add an excerpt of a case's material for theme coding."""

    text = text_field("the excerpt", EXCERPT_MAX, required="Enter the excerpt")


class MeetingForm(SeenForm):
    """An engagement meeting: its area, day, kind and attendance by role, ATTENDANCE_ROWS rows
    of `role-<n>` and `count-<n>` (a blank row is left out; the service says what a row lacks
    and whether a role is counted twice)."""

    area = choice_field("Select the area")
    held_on = GovDateField(what="the date of the meeting", past=True)
    kind = choice_field("Select practitioners or strategic partners", Meeting.Kind.choices)

    def __init__(self, *args: Any, areas: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = list(areas)  # type: ignore[attr-defined]

    def attendance(self) -> list[tuple[str, str]]:
        """(role, count) of every row, as the service reads them."""
        data = self.cleaned_data
        return [
            (data[f"role-{row}"], "" if data[f"count-{row}"] is None else str(data[f"count-{row}"]))
            for row in range(ATTENDANCE_ROWS)
        ]


# the attendance rows are declared on the class so that every page's form is checked alike
# (tests/web/test_gate.py reads the declared fields)
for _row in range(ATTENDANCE_ROWS):
    _how_many = f"Enter how many attended in row {_row + 1}, a whole number above 0"
    MeetingForm.base_fields[f"role-{_row}"] = text_field("a role", ROLE_MAX)
    MeetingForm.base_fields[f"count-{_row}"] = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=COUNT_MAX,
        error_messages={"invalid": _how_many, "min_value": _how_many, "max_value": _how_many},
    )


class DatasetForm(SeenForm):
    """The case dataset as a CSV file, UPLOAD_MAX_BYTES at most (the service reads its rows,
    storing the good ones and keeping each refused one with its line and reason)."""

    dataset = forms.FileField(
        error_messages={
            "required": "Choose the case dataset CSV file to upload",
            "empty": "The file is empty: choose the case dataset CSV",
        }
    )

    def clean_dataset(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["dataset"]
        if upload.size is not None and upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file must be {UPLOAD_MAX_BYTES // (1024 * 1024)} MB or smaller"
            )
        return upload


class CodingForm(SeenForm):
    """A reviewer's calls on an excerpt: `theme-<id>` yes or no for each theme of `themes`."""

    def __init__(self, *args: Any, themes: Sequence[Theme] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes = list(themes)
        for theme in self.themes:
            self.fields[f"theme-{theme.pk}"] = choice_field(
                f"Say whether {theme.name} applies to this excerpt", YES_NO
            )

    def calls(self) -> dict[int, str]:
        return {t.pk: self.cleaned_data[f"theme-{t.pk}"] for t in self.themes}


class ResolutionForm(SeenForm):
    """The agreed call on one disagreement (excerpt and theme), with why. The agreement page
    shows a form per disagreement: the errors link to the fields of the one that was sent."""

    excerpt = row_id_field(CHOOSE_A_DISAGREEMENT)
    theme = row_id_field(CHOOSE_A_DISAGREEMENT)
    applies = choice_field("Say whether the theme applies", YES_NO)
    reason = text_field(
        "why this is the agreed call", REASON_MAX, required="Enter why this is the agreed call"
    )

    def chosen(self) -> tuple[int, int] | None:
        """The (excerpt, theme) this POST was about, when both are ids."""
        data = getattr(self, "cleaned_data", {})
        excerpt, theme = data.get("excerpt"), data.get("theme")
        return (excerpt, theme) if excerpt and theme else None

    def is_for(self, excerpt: int, theme: int) -> bool:
        return self.chosen() == (excerpt, theme)

    def field_id(self, name: str) -> str:
        chosen = self.chosen()
        if name in ("applies", "reason") and chosen:
            return f"{chosen[0]}-{chosen[1]}-{name}"
        return "disagreements"  # which disagreement is not known: the list of them
