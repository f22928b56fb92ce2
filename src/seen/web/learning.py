"""The partnership learning dashboard (/learning/): for safeguarding leads and strategic leaders,
how often the practice the national review asked for happens, per area and quarter, from the
hub's own data, small numbers suppressed, with what the strategic leaders say is happening
beside what the data shows.

- `/learning/` each measure as a chart with its table beside it, and the leaders' statement
  (GET filter: `area`, `from`, `to` as quarters like 2025-Q3; the last four quarters by default);
- `/learning/<measure>/` one measure over time, per area and quarter, and every statement about it;
- `/learning/statements/new/` record a statement (GET the form, POST records it, then 303);
- `/learning/export.csv` every measure per area and quarter (numerator, denominator, rate,
  suppressed marked).

Reading asks `decide(Action.VIEW_AGGREGATES)`, recording `decide(Action.STATE_PARTNERSHIP_VIEW)`;
the purpose is "strategic" unless the request declares another. Counts only: no child, adult or
record is named on these pages. Every page is audited (read, write, export, or denied)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from markupsafe import Markup

from seen.access.models import Purpose
from seen.access.policy import Action
from seen.core import clock
from seen.core.charts import bar_svg
from seen.learning import figures, services
from seen.learning.export import to_csv
from seen.learning.measures import (
    MEASURES,
    MEASURES_BY_SLUG,
    NOT_KNOWN_AREA,
    PARTNERSHIP,
    Count,
    Measure,
    parse_quarter,
    quarter_of,
)
from seen.learning.models import LeadershipStatement
from seen.web import gate
from seen.web.forms import SeenForm, choice_field, confirmations, select_items, text_field
from seen.web.gate import page, purpose_of
from seen.web.inline_svg import without_inline_style

DEFAULT_PURPOSE = Purpose.STRATEGIC.value
DEFAULT_QUARTERS = 4
PERIOD_MAX = LeadershipStatement._meta.get_field("period").max_length  # a quarter: 2025-Q3


@dataclass(frozen=True)
class Filter:
    area: str | None
    start: str
    end: str

    @property
    def label(self) -> str:
        return self.start if self.start == self.end else f"{self.start} to {self.end}"

    def query(self) -> str:
        return f"area={self.area or ''}&from={self.start}&to={self.end}"


def _quarters_back(today: date, n: int) -> str:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    index = year * 4 + quarter - 1 - (n - 1)
    return f"{index // 4}-Q{index % 4 + 1}"


def _filter(request: HttpRequest, areas: dict[str, str]) -> tuple[Filter, dict[str, str]]:
    """The GET filter, or the errors that name each bad field (the defaults stand in for them)."""
    today = clock.today()
    errors: dict[str, str] = {}
    area = request.GET.get("area", "").strip() or None
    if area is not None and area not in areas and area != NOT_KNOWN_AREA:
        errors["area"] = "Select an area from the list, or the whole partnership"
        area = None
    bounds = {"from": _quarters_back(today, DEFAULT_QUARTERS), "to": quarter_of(today)}
    for name in ("from", "to"):
        given = request.GET.get(name, "").strip()
        if given:
            parsed = parse_quarter(given)
            if parsed is None:
                errors[name] = (
                    f"Enter the {'first' if name == 'from' else 'last'} quarter as a "
                    "year and quarter, like 2025-Q3"
                )
            else:
                bounds[name] = parsed
    if not errors and bounds["from"] > bounds["to"]:
        errors["to"] = "The last quarter must be the same as or after the first"
    return Filter(area, bounds["from"], bounds["to"]), errors


def _error_list(errors: dict[str, str]) -> list[dict[str, str]]:
    return [{"text": text, "href": f"#{field}"} for field, text in errors.items()]


def _chart(title: str, rates: dict[str, int], *, horizontal: bool) -> Markup:
    """A bar chart of percentages, inline, without the inline CSS the page's policy refuses."""
    return Markup(without_inline_style(bar_svg(title, rates, horizontal=horizontal, percent=True)))


def _area_name(code: str, areas: dict[str, str]) -> str:
    if code == PARTNERSHIP:
        return "Whole partnership"
    if code == NOT_KNOWN_AREA:
        return "Area not known"
    return areas.get(code, code)


# -- the dashboard ----------------------------------------------------------------------------


@page(purpose=DEFAULT_PURPOSE)
def dashboard(request: HttpRequest) -> HttpResponse:
    refusal = gate.allow(request, Action.VIEW_AGGREGATES, "learning_dashboard")
    if refusal is not None:
        return refusal
    areas = services.areas()
    chosen, errors = _filter(request, areas)
    context: dict[str, Any] = {
        "filter": chosen,
        "values": {k: request.GET.get(k, "") for k in ("area", "from", "to")},
        "area_items": select_items(list(areas.items()), chosen.area or "", "Whole partnership"),
        "errors": _error_list(errors),
        "field_errors": errors,
        "confirmations": confirmations(request),
    }
    if errors:
        gate.audit(
            request, "read", "learning_dashboard", disclosed={"refused_filter": list(errors)}
        )
        return render(request, "web/learning.html", {**context, "measures": []}, status=400)
    counts = figures.in_range(services.counts(), chosen.start, chosen.end)
    shown = [_measure_block(m, counts, chosen, areas) for m in MEASURES]
    gate.audit(
        request,
        "read",
        "learning_dashboard",
        disclosed={
            "measures": [m.slug for m in MEASURES],
            "area": chosen.area or PARTNERSHIP,
            "period": chosen.label,
            "counts_only": True,
        },
    )
    return render(request, "web/learning.html", {**context, "measures": shown})


def _measure_block(
    measure: Measure, counts: list[Count], chosen: Filter, areas: dict[str, str]
) -> dict[str, Any]:
    groups = []
    chart: dict[str, int] = {}
    for part in measure.parts:
        rows = []
        for f in figures.by_area(counts, measure.slug, part.key, chosen.label, chosen.area):
            rows.append({"area": _area_name(f.area, areas), "figure": f})
            percent = f.percent
            if percent is not None and (chosen.area is not None or f.area == PARTNERSHIP):
                chart[part.label[:1].upper() + part.label[1:]] = percent
        groups.append({"part": part, "rows": rows})
    title = (
        f"{measure.title}: per cent, {_area_name(chosen.area or PARTNERSHIP, areas)}, "
        f"{chosen.label}"
    )
    statement = services.latest_statement(measure.slug, chosen.area, chosen.start, chosen.end)
    return {
        "measure": measure,
        "groups": groups,
        # our own SVG, drawn from counts
        "chart": _chart(title, chart, horizontal=True),
        "charted": bool(chart),
        "statement": statement,
    }


# -- one measure over time --------------------------------------------------------------------


@page(purpose=DEFAULT_PURPOSE)
def measure_page(request: HttpRequest, measure: str) -> HttpResponse:
    refusal = gate.allow(request, Action.VIEW_AGGREGATES, "learning_measure")
    if refusal is not None:
        return refusal
    found = MEASURES_BY_SLUG.get(measure)
    if found is None:
        return render(
            request,
            "web/learning_missing.html",
            {"measures": MEASURES},
            status=404,
        )
    areas = services.areas()
    counts = services.counts()
    parts = []
    for part in found.parts:
        over_time = figures.by_quarter(counts, found.slug, part.key)
        partnership = {
            f.period: f.percent
            for f in over_time
            if f.area == PARTNERSHIP and f.percent is not None
        }
        title = f"{found.title}: {part.label}, per cent by quarter, whole partnership"
        parts.append(
            {
                "part": part,
                "rows": [{"area": _area_name(f.area, areas), "figure": f} for f in over_time],
                # our own SVG, drawn from counts
                "chart": _chart(title, partnership, horizontal=False),
            }
        )
    statements = [
        {"statement": s, "area": _area_name(s.area.code if s.area else PARTNERSHIP, areas)}
        for s in services.statements_for(found.slug)
    ]
    gate.audit(
        request,
        "read",
        "learning_measure",
        object_id=found.slug,
        disclosed={"measure": found.slug, "statements": len(statements), "counts_only": True},
    )
    return render(
        request,
        "web/learning_measure.html",
        {"measure": found, "parts": parts, "statements": statements},
    )


# -- recording what leaders say ---------------------------------------------------------------


class StatementForm(SeenForm):
    """What a leader says is happening: about which measure, for which area (none: the whole
    partnership) and quarter (none: any). The service checks the quarter and the text."""

    measure = choice_field(
        "Select the measure the statement is about", [(m.slug, m.title) for m in MEASURES]
    )
    area = choice_field("Select an area from the list, or the whole partnership", required=False)
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


@page(purpose=DEFAULT_PURPOSE, post=StatementForm)
def statement_new(request: HttpRequest) -> HttpResponse:
    refusal = gate.allow(request, Action.STATE_PARTNERSHIP_VIEW, "leadership_statement")
    if refusal is not None:
        return refusal
    areas = services.areas()
    # a link from the dashboard names the measure and area to start from
    given = {name: request.GET.get(name, "") for name in StatementForm.base_fields}
    form = gate.form(request, StatementForm, areas=areas, initial=given)
    if not form.is_bound:
        gate.audit(request, "read", "leadership_statement_form")
    elif form.is_valid():
        statement = services.StatementIn(**form.cleaned_data)
        try:
            saved = services.record_statement(request.user, purpose_of(request), statement)
        except services.Refused as refused:  # the gate allowed it; kept for safety
            return gate.refused(request, "leadership_statement", "", str(refused))
        except services.BadStatement as bad:
            form.add_errors(bad.errors)
        else:
            gate.audit(
                request,
                "write",
                "leadership_statement",
                object_id=str(saved.pk),
                disclosed={
                    "measure": saved.measure,
                    "area": saved.area.code if saved.area else PARTNERSHIP,
                    "period": saved.period or "any",
                },
            )
            messages.success(request, "Your statement is recorded and shown beside the figures.")
            return HttpResponseRedirect(_dashboard_showing(saved), status=303)
    context = {
        "form": form,
        "errors": form.error_summary(),
        "purpose": purpose_of(request),
        "measure_items": form.options("measure", "Choose a measure"),
        "area_items": form.options("area", "Whole partnership"),
    }
    return render(
        request, "web/learning_statement.html", context, status=400 if form.errors else 200
    )


def _dashboard_showing(saved: LeadershipStatement) -> str:
    """The dashboard for the statement's area over a range that includes its quarter, so the
    leader sees what she recorded beside the figures (an older quarter widens the range)."""
    today = clock.today()
    start, end = _quarters_back(today, DEFAULT_QUARTERS), quarter_of(today)
    if saved.period:
        start, end = min(start, saved.period), max(end, saved.period)
    area = saved.area.code if saved.area else ""
    return f"{reverse('learning')}?area={area}&from={start}&to={end}"


# -- CSV --------------------------------------------------------------------------------------


@page(purpose=DEFAULT_PURPOSE)
def export_csv(request: HttpRequest) -> HttpResponse:
    refusal = gate.allow(request, Action.VIEW_AGGREGATES, "learning_export")
    if refusal is not None:
        return refusal
    counts = services.counts()
    rows = [
        f
        for measure in MEASURES
        for part in measure.parts
        for f in figures.by_quarter(counts, measure.slug, part.key)
    ]
    gate.audit(
        request,
        "export",
        "learning_export",
        disclosed={"format": "csv", "rows": len(rows), "counts_only": True},
    )
    response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="seen-learning-{clock.today().isoformat()}.csv"'
    )
    return response


urlpatterns = [
    path("learning/", dashboard, name="learning"),
    path("learning/export.csv", export_csv, name="learning-export"),
    path("learning/statements/new/", statement_new, name="learning-statement"),
    path("learning/<slug:measure>/", measure_page, name="learning-measure"),
]
