"""The partnership learning dashboard (/learning/): for safeguarding leads and strategic leaders,
how often the practice the national review asked for happens, per area and quarter, from the
hub's own data, small numbers suppressed, with what the strategic leaders say is happening
beside what the data shows.

- `/learning/` each measure as a chart with its table beside it, and the leaders' statement
  (GET form `FiguresQuery`: `area`, `from`, `to`, each quarter one the data covers, like
  2025-Q3; by default the last four complete quarters of the data, seen.learning.quarters),
  then "Services for fathers" in the same area and quarters (seen.web.learning_reach);
- `/learning/<measure>/` one measure over time, per area and quarter, and every statement about it;
- `/learning/statements/new/` record a statement (GET the form, POST records it, then 303);
- `/learning/export.csv` every measure per area and quarter (numerator, denominator, rate,
  suppressed and partial marked), then every service's reach; the same query narrows it to an
  area and quarters.

Quarters are named in words ("April to June 2026"); one the data covers only part of is marked
partial, and never drawn as 0%. Reading asks `decide(Action.VIEW_AGGREGATES)`, recording
`decide(Action.STATE_PARTNERSHIP_VIEW)`; the purpose is "strategic" unless the request declares
another. Counts only: no child, adult or record is named on these pages. Every page is audited
(read, write, export, or denied)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

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
from seen.learning.figures import Figure
from seen.learning.measures import (
    MEASURES,
    MEASURES_BY_SLUG,
    NOT_KNOWN_AREA,
    PARTNERSHIP,
    Count,
    Measure,
    Part,
)
from seen.learning.models import LeadershipStatement
from seen.learning.quarters import Coverage, Quarter, span_name
from seen.web import gate, learning_reach
from seen.web.forms import confirmations
from seen.web.gate import page, purpose_of
from seen.web.inline_svg import without_inline_style
from seen.web.learning_forms import (
    NOT_KNOWN_AREA_NAME,
    QUARTERS,
    FiguresQuery,
    StatementForm,
    quarter_choice,
)

DEFAULT_PURPOSE = Purpose.STRATEGIC.value
Span = tuple[Quarter, Quarter]


def _period(start: Quarter, end: Quarter, coverage: Coverage) -> dict[str, Any]:
    """A run of quarters as the pages name it: in words, and where the data covers only part
    of it, the days it does (the template writes them with the `day` filter)."""
    data_from, data_to = coverage.data_from(start), coverage.data_to(end)
    return {
        "name": span_name(start, end),
        "partial": coverage.partial(start) or coverage.partial(end),
        "data_from": data_from,
        "data_to": data_to,
    }


def _codes(start: Quarter, end: Quarter) -> str:
    return start.code if start == end else f"{start.code} to {end.code}"


def _quarter_name(code: str) -> str:
    quarter = Quarter.parse(code)
    return quarter.name if quarter is not None else code


def _chart(title: str, bars: list[tuple[str, Figure | None]], *, horizontal: bool) -> Markup | None:
    """A bar chart of percentages, inline, without the inline CSS the page's policy refuses;
    None when no figure has a rate to draw. A figure without one (no cases, withheld, a partial
    quarter with nothing counted yet) keeps its place, with no bar and the reason written where
    the bar's label would be."""
    if all(figure is None or figure.plotted is None for _, figure in bars):
        return None
    data: dict[str, float] = {}
    texts: dict[str, str] = {}
    for label, figure in bars:
        plotted = figure.plotted if figure is not None else None
        data[label] = plotted or 0
        if plotted is not None:
            texts[label] = f"{plotted}%"
        else:
            texts[label] = figure.not_plotted if figure is not None else "no cases"
    svg = bar_svg(title, data, horizontal=horizontal, percent=True, texts=texts)
    return Markup(without_inline_style(svg))


def _area_name(code: str, areas: dict[str, str]) -> str:
    if code == PARTNERSHIP:
        return "Whole partnership"
    if code == NOT_KNOWN_AREA:
        return NOT_KNOWN_AREA_NAME
    return areas.get(code, code)


def _bar_label(measure: Measure, part: Part) -> str:
    """The part's label, with what it is of where another part of the measure counts the same
    (programmes "completed", of those started and of those ended)."""
    label = part.label[:1].upper() + part.label[1:]
    if sum(p.label == part.label for p in measure.parts) > 1:
        label += f", of {part.of}"
    return label


# -- the dashboard ----------------------------------------------------------------------------


def _query_context(form: FiguresQuery, coverage: Coverage, span: Span | None) -> dict[str, Any]:
    """The filter's selects: what was chosen selected (the quarters shown, or on an error the
    data's default), each quarter named in words."""
    span = span or coverage.default_span()
    chosen = dict(zip(QUARTERS, span or ("", ""), strict=True))
    return {
        "form": form,
        "errors": form.error_summary(),
        "coverage": coverage,
        "area_items": form.options("area", "Whole partnership"),
        "quarter_items": {
            name: [
                {
                    "value": q.code,
                    "text": quarter_choice(q, coverage),
                    "selected": q == chosen[name],
                }
                for q in coverage.quarters()
            ]
            for name in QUARTERS
        },
    }


def _bad_query(
    request: HttpRequest, form: FiguresQuery, coverage: Coverage, object_type: str
) -> HttpResponse:
    """The dashboard with the error summary naming each field the query got wrong."""
    gate.audit(request, "read", object_type, disclosed={"refused_filter": sorted(form.errors)})
    context = {
        **_query_context(form, coverage, None),
        "measures": [],
        "confirmations": confirmations(request),
    }
    return render(request, "web/learning.html", context, status=400)


@page(purpose=DEFAULT_PURPOSE)
def dashboard(request: HttpRequest) -> HttpResponse:
    refusal = gate.allow(request, Action.VIEW_AGGREGATES, "learning_dashboard")
    if refusal is not None:
        return refusal
    areas = services.areas()
    measured = services.measured()
    coverage = measured.coverage
    form = FiguresQuery(request.GET, areas=areas, coverage=coverage)
    if not form.is_valid():
        return _bad_query(request, form, coverage, "learning_dashboard")
    span = form.span()
    area = form.chosen_area()
    context: dict[str, Any] = {
        **_query_context(form, coverage, span),
        "area": area,
        "confirmations": confirmations(request),
        "measures": [],
    }
    if span is None:  # no data yet: nothing to count, but the directory's gaps are there
        context["reach"] = learning_reach.section(area, None, None, areas)
        gate.audit(request, "read", "learning_dashboard", disclosed={"counts_only": True})
        return render(request, "web/learning.html", context)
    start, end = span
    period = _period(start, end, coverage)
    context["reach"] = learning_reach.section(area, span, period, areas)
    counts = figures.in_range(measured.counts, start.code, end.code)
    context["period"] = period
    context["area_name"] = _area_name(area or PARTNERSHIP, areas)
    context["measures"] = [_measure_block(m, counts, area, span, period, areas) for m in MEASURES]
    query = {"area": area or "", "from": start.code, "to": end.code}
    context["export_query"] = urlencode(query)
    gate.audit(
        request,
        "read",
        "learning_dashboard",
        disclosed={
            "measures": [m.slug for m in MEASURES],
            "area": area or PARTNERSHIP,
            "period": _codes(start, end),
            "service_reach": [row["service"] for row in context["reach"]["rows"]],
            "counts_only": True,
        },
    )
    return render(request, "web/learning.html", context)


def _measure_block(
    measure: Measure,
    counts: list[Count],
    area: str | None,
    span: Span,
    period: dict[str, Any],
    areas: dict[str, str],
) -> dict[str, Any]:
    groups = []
    bars: list[tuple[str, Figure | None]] = []
    for part in measure.parts:
        found = figures.by_area(
            counts, measure.slug, part.key, _codes(*span), area, partial=period["partial"]
        )
        rows = [{"area": _area_name(f.area, areas), "figure": f} for f in found]
        charted = next((f for f in found if f.area == (area or PARTNERSHIP)), None)
        bars.append((_bar_label(measure, part), charted))
        groups.append({"part": part, "rows": rows})
    partial = " (partial)" if period["partial"] else ""
    title = (
        f"{measure.title}: per cent, {_area_name(area or PARTNERSHIP, areas)}, "
        f"{period['name']}{partial}"
    )
    start, end = span
    statement = services.latest_statement(measure.slug, area, start.code, end.code)
    return {
        "measure": measure,
        "groups": groups,
        # our own SVG, drawn from counts
        "chart": _chart(title, bars, horizontal=True),
        "statement": statement,
        "statement_quarter": _quarter_name(statement.period) if statement else "",
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
    measured = services.measured()
    coverage = measured.coverage
    parts = []
    for part in found.parts:
        over_time = figures.by_quarter(measured.counts, found.slug, part.key, coverage)
        rows = []
        bars: list[tuple[str, Figure | None]] = []
        for f in over_time:
            quarter = Quarter.parse(f.period)
            assert quarter is not None  # the measures count by quarter
            rows.append(
                {
                    "area": _area_name(f.area, areas),
                    "figure": f,
                    "period": _period(quarter, quarter, coverage),
                }
            )
            if f.area == PARTNERSHIP:
                bars.append((quarter_choice(quarter, coverage), f))
        title = f"{found.title}: {part.label}, per cent by quarter, whole partnership"
        parts.append(
            {
                "part": part,
                "rows": rows,
                # our own SVG, drawn from counts
                "chart": _chart(title, bars, horizontal=True),
            }
        )
    statements = [
        {
            "statement": s,
            "area": _area_name(s.area.code if s.area else PARTNERSHIP, areas),
            "quarter": _quarter_name(s.period) if s.period else "any",
        }
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
        {"measure": found, "parts": parts, "statements": statements, "coverage": coverage},
    )


# -- recording what leaders say ---------------------------------------------------------------


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
            location, recorded = _dashboard_showing(saved)
            messages.success(request, recorded)
            return HttpResponseRedirect(location, status=303)
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


def _dashboard_showing(saved: LeadershipStatement) -> tuple[str, str]:
    """The dashboard for the statement's area, and what to tell the leader: over a range that
    includes the statement's quarter (an older or newer one widens the data's default), so the
    leader sees what she recorded beside the figures; a quarter the data does not cover has no
    figures to stand beside, and the message says where the statement is listed instead."""
    query = {"area": saved.area.code if saved.area else ""}
    recorded = "Your statement is recorded and shown beside the figures."
    quarter = Quarter.parse(saved.period) if saved.period else None
    if quarter is not None:
        coverage = services.measured().coverage
        default = coverage.default_span()
        if default is not None and quarter in coverage.quarters():
            query["from"] = min(default[0], quarter).code
            query["to"] = max(default[1], quarter).code
        else:
            recorded = (
                f"Your statement is recorded. It is about {quarter.name}, which the data does "
                "not cover, so it is listed on the measure's page rather than beside these "
                "figures."
            )
    return f"{reverse('learning')}?{urlencode(query)}", recorded


# -- CSV --------------------------------------------------------------------------------------


@page(purpose=DEFAULT_PURPOSE)
def export_csv(request: HttpRequest) -> HttpResponse:
    refusal = gate.allow(request, Action.VIEW_AGGREGATES, "learning_export")
    if refusal is not None:
        return refusal
    areas = services.areas()
    measured = services.measured()
    form = FiguresQuery(request.GET, areas=areas, coverage=measured.coverage)
    if not form.is_valid():
        return _bad_query(request, form, measured.coverage, "learning_export")
    # no quarter given: every quarter; no area: every area and the partnership
    start, end = form.given()
    area = form.chosen_area()
    rows = [
        f
        for measure in MEASURES
        for part in measure.parts
        for f in figures.by_quarter(measured.counts, measure.slug, part.key, measured.coverage)
        if (area is None or f.area == area)
        and (start is None or f.period >= start.code)
        and (end is None or f.period <= end.code)
    ]
    reach = learning_reach.csv_rows(area, start, end, measured.coverage)
    gate.audit(
        request,
        "export",
        "learning_export",
        disclosed={
            "format": "csv",
            "rows": len(rows) + len(reach),
            "area": area or "every area",
            "period": f"{start.code if start else 'first'} to {end.code if end else 'last'}",
            "counts_only": True,
        },
    )
    response = HttpResponse(to_csv(rows, reach), content_type="text/csv; charset=utf-8")
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
