"""/alerts/partnership/: the safeguarding lead's view of the partnership's alerts, apart from her
own (/alerts/). The escalation overview (per owning agency: open, overdue and unacknowledged,
escalated), then every alert filtered by area, rule, owning agency, severity and status, fifty to
a page (seen.rules.oversight).

A row shows who owns the alert and where it stands, not the finding or the child: those are on
the alert's page, which opens for whoever answers for the alert. The rows she answers for
herself are marked as hers and link to it, with their child. The read is audited with every
alert shown and the children of her own."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from seen.access.models import Purpose
from seen.access.policy import Action, profile_of
from seen.areas.models import Agency, Area, Practitioner
from seen.core import clock
from seen.core.procedures import title_of
from seen.rules.inbox import child_reference, overdue, owed_by
from seen.rules.models import Alert, Severity
from seen.rules.oversight import (
    PARTNERSHIP_WIDE,
    STATUSES,
    Filters,
    escalation_overview,
    page_of,
)
from seen.rules.registry import RULES
from seen.web import gate
from seen.web.forms import SeenForm, choice_field
from seen.web.gate import page, purpose_of

PAGE_MAX = 100_000
ROLE_WORDS = dict(Practitioner.Role.choices)


class OversightForm(SeenForm):
    """The filters, from the address (a GET): each empty value shows every alert."""

    area = choice_field("Select an area from the list", required=False)
    rule = choice_field("Select a rule from the list", required=False)
    owner = choice_field("Select an agency from the list", required=False)
    severity = choice_field("Select a severity from the list", Severity.choices, required=False)
    status = choice_field("Select which alerts to show", STATUSES.items(), required=False)
    page = forms.IntegerField(
        min_value=1,
        max_value=PAGE_MAX,
        required=False,
        error_messages={
            k: f"The page must be a number from 1 to {PAGE_MAX:,}"
            for k in ("invalid", "min_value", "max_value")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = [(a.code, a.name) for a in Area.objects.order_by("name")]
        self.fields["area"].choices = [*areas, (PARTNERSHIP_WIDE, "Across the partnership")]  # type: ignore[attr-defined]
        self.fields["rule"].choices = sorted(  # type: ignore[attr-defined]
            ((rule.id, title_of(rule.id)) for rule in RULES), key=lambda choice: choice[1]
        )
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (a.code, a.name) for a in Agency.objects.order_by("name")
        ]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            area=data["area"],
            rule=data["rule"],
            owner=data["owner"],
            severity=data["severity"],
            status=data["status"] or "open",
        )


def _owner(alert: Alert) -> str:
    """Who answers for the alert, in words: the practitioner, else the team in its agency."""
    if alert.owner_practitioner is not None:
        return alert.owner_practitioner.name
    role = str(ROLE_WORDS.get(alert.owner_role, alert.owner_role.replace("_", " ")))
    agency = alert.owner_agency.name if alert.owner_agency is not None else "no agency"
    return f"{role[:1].upper()}{role[1:]}s, {agency}"


def _area(alert: Alert) -> str:
    agency = alert.owner_agency
    return agency.area.name if agency is not None and agency.area is not None else "All areas"


def _address(filters: Filters, number: int = 1, **changed: str) -> str:
    values = {**vars(filters), **changed}
    query = {k: v for k, v in values.items() if v and not (k == "status" and v == "open")}
    if number > 1:
        query["page"] = str(number)
    return reverse("partnership-alerts") + (f"?{urlencode(query)}" if query else "")


@page(purpose=Purpose.SAFEGUARDING)
def partnership_alerts(request: HttpRequest) -> HttpResponse:
    refusal = gate.allow(request, Action.OVERSEE_ALERTS, "partnership_alerts")
    if refusal is not None:
        return refusal
    profile = profile_of(request.user)
    assert profile is not None  # the gate sends an account without a role away
    form = OversightForm(request.GET)
    now = clock.now()
    overview = escalation_overview(now)
    context: dict[str, Any] = {
        "form": form,
        "overview": [
            (load, _address(Filters(owner=load.code), status="overdue")) for load in overview
        ],
        "own_open": owed_by(profile).exclude(status=Alert.Status.CLOSED).count(),
        "own_url": reverse("alerts"),
        "purpose": purpose_of(request),
    }
    if not form.is_valid():
        context["errors"] = form.error_summary()
        gate.audit(request, "read", "partnership_alerts", disclosed={"agencies": len(overview)})
        return render(request, "web/oversight.html", context, status=400)
    filters = form.filters()
    shown = page_of(filters, form.cleaned_data["page"] or 1, now)
    own = set(owed_by(profile).filter(pk__in=[a.pk for a in shown]).values_list("pk", flat=True))
    rows = [_row(alert, alert.pk in own, now) for alert in shown]
    children = sorted({row["child"] for row in rows if row["child"]})
    context.update(
        rows=rows,
        shown=shown,
        status_words=STATUSES[filters.status].lower(),
        previous=_address(filters, shown.number - 1) if shown.has_previous() else "",
        next=_address(filters, shown.number + 1) if shown.has_next() else "",
    )
    gate.audit(
        request,
        "read",
        "partnership_alerts",
        subjects=children,
        disclosed={
            "filters": {k: v for k, v in vars(filters).items() if v},
            "page": shown.number,
            "alerts": [row["alert"].pk for row in rows],
            "children": children,
            "agencies": len(overview),
        },
    )
    return render(request, "web/oversight.html", context)


def _row(alert: Alert, own: bool, now: Any) -> dict[str, Any]:
    return {
        "alert": alert,
        "own": own,
        "url": reverse("alert", args=[alert.pk]) if own else "",
        "child": child_reference(alert) if own else "",
        "rule": title_of(alert.rule_id),
        "area": _area(alert),
        "owner": _owner(alert),
        "late": overdue(alert, now),
    }


urlpatterns: list[URLPattern] = [
    path("alerts/partnership/", partnership_alerts, name="partnership-alerts")
]
