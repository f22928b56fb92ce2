"""The partnership learning pages' forms: which figures to show (the dashboard's and the CSV's
query, a GET form), and what a leader says is happening (a POST)."""

from __future__ import annotations

from typing import Any

from django import forms

from seen.learning import services
from seen.learning.measures import MEASURES, NOT_KNOWN_AREA
from seen.learning.models import LeadershipStatement
from seen.learning.quarters import Coverage, Quarter, span_name
from seen.web.forms import SeenForm, choice_field, text_field

AREA_MESSAGE = "Select an area from the list, or the whole partnership"
NOT_KNOWN_AREA_NAME = "Area not known"
PERIOD_MAX = LeadershipStatement._meta.get_field("period").max_length  # a quarter: 2025-Q3
# the query's names for the first and last quarter: words, not the form's attributes, since
# "from" is Python's
QUARTERS = {"from": "first", "to": "last"}


class FiguresQuery(SeenForm):
    """Which figures to show: an area (none: the whole partnership) and the first and last
    quarters, each one the data covers (none: the page's own range). Choosing figures changes
    nothing, so it is a GET form; a value not offered is the field's error, never a 500."""

    area = choice_field(AREA_MESSAGE, required=False)

    def __init__(
        self, data: Any, *, areas: dict[str, str], coverage: Coverage, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.coverage = coverage
        area: Any = self.fields["area"]
        area.choices = [
            ("", "Whole partnership"),
            *areas.items(),
            (NOT_KNOWN_AREA, NOT_KNOWN_AREA_NAME),
        ]
        covered = coverage.quarters()
        choices = [(q.code, quarter_choice(q, coverage)) for q in covered]
        for name, which in QUARTERS.items():
            if covered:
                invalid = (
                    f"Select the {which} quarter from the list: the data covers "
                    f"{span_name(covered[0], covered[-1])}"
                )
            else:
                invalid = "Seen holds no figures yet, so there is no quarter to choose"
            self.fields[name] = choice_field(
                f"Select the {which} quarter", choices, required=False, invalid=invalid
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:  # codes compare as quarters: "2025-Q4" < "2026-Q1"
            self.add_error("to", "The last quarter must be the same as or after the first")
        return data

    def chosen_area(self) -> str | None:
        return self.cleaned_data["area"] or None

    def given(self) -> tuple[Quarter | None, Quarter | None]:
        """The first and last quarters asked for (None where not)."""
        return Quarter.parse(self.cleaned_data["from"]), Quarter.parse(self.cleaned_data["to"])

    def span(self) -> tuple[Quarter, Quarter] | None:
        """The quarters to show: those asked for, the data's default where not (a lone first
        or last quarter keeps the other end of the default, unless the two would cross)."""
        default = self.coverage.default_span()
        start, end = self.given()
        if default is None:
            return None
        start = start or (default[0] if end is None or default[0] <= end else end)
        end = end or (default[1] if default[1] >= start else start)
        return start, end


def quarter_choice(quarter: Quarter, coverage: Coverage) -> str:
    return quarter.name + (" (partial)" if coverage.partial(quarter) else "")


class StatementForm(SeenForm):
    """What a leader says is happening: about which measure, for which area (none: the whole
    partnership) and quarter (none: any). The service checks the quarter and the text."""

    measure = choice_field(
        "Select the measure the statement is about", [(m.slug, m.title) for m in MEASURES]
    )
    area = choice_field(AREA_MESSAGE, required=False)
    period = forms.CharField(
        max_length=PERIOD_MAX,
        required=False,
        error_messages={"max_length": "Enter the quarter as a year and quarter, like 2025-Q3"},
    )
    statement = text_field(
        "the statement", services.STATEMENT_MAX, required="Enter what you believe is happening"
    )

    def __init__(self, *args: Any, areas: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area: Any = self.fields["area"]
        area.choices = [("", "Whole partnership"), *areas.items()]
