"""The partnership's directory of services for parents: /services/ lists them, filtered by area,
who it is for and what it is (a GET form), fifty to a page; /services/<id>/ is one service.

What a practitioner needs to offer a service to a father is on the list itself: who runs it, who
it is for, where, the days and hours with evenings and weekends said plainly (a working parent
cannot go at ten on a Tuesday), how to refer, the waiting time and how soon the service says it
makes first contact, the languages. Every practitioner role and the partnership's leaders may
look (VIEW_DIRECTORY); the directory holds no personal data, so only a refusal is audited."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from seen.access.policy import PURPOSES_BY_ROLE, Action, profile_of
from seen.areas.models import Area
from seen.directory.listing import Filters, by_id, matching
from seen.directory.models import Audience, Service
from seen.directory.oruk_schema import UUID_FORM
from seen.directory.schedules import in_words
from seen.facts.models import ProgrammeEvent
from seen.web import gate
from seen.web.forms import SeenForm, choice_field
from seen.web.paging import PAGE_NUMBER, paged

AUDIENCE_WORDS = {
    Audience.FATHERS: "Fathers",
    Audience.MALE_CARERS: "Male carers",
    Audience.MOTHERS: "Mothers",
    Audience.COUPLES: "Couples",
}
Kind = ProgrammeEvent.Programme
KIND_WORDS = {
    Kind.PARENTING: "Parenting",
    Kind.MENTAL_HEALTH: "Mental health",
    Kind.DOMESTIC_ABUSE_PERPETRATOR: "Domestic-abuse perpetrator programme",
    Kind.SUBSTANCE_MISUSE: "Drug and alcohol",
    Kind.OTHER: "Other",
}
STATUS_WORDS = dict(Service.Status.choices)
PAGE_MAX = 100_000


def usual_purpose(request: HttpRequest) -> str:
    """The directory serves any purpose a role may declare: the role's usual one."""
    profile = profile_of(request.user)
    declared = PURPOSES_BY_ROLE.get(profile.role if profile else "", ())
    return declared[0] if declared else gate.DEFAULT_PURPOSE


class DirectoryForm(SeenForm):
    """The filters, from the address (a GET): each left empty shows every service."""

    area = choice_field("Select an area from the list", required=False)
    audience = choice_field(
        "Select who the service is for from the list", AUDIENCE_WORDS.items(), required=False
    )
    kind = choice_field(
        "Select a kind of service from the list", KIND_WORDS.items(), required=False
    )
    page = forms.IntegerField(
        min_value=1,
        max_value=PAGE_MAX,
        required=False,
        error_messages={k: PAGE_NUMBER for k in ("invalid", "min_value", "max_value")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [  # type: ignore[attr-defined]
            (area.code, area.name) for area in Area.objects.order_by("name")
        ]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(area=data["area"], audience=data["audience"], kind=data["kind"])


def _referral(service: Service) -> str:
    routes = [
        words
        for words, offered in (
            ("a parent may refer themselves", service.self_referral),
            ("a professional may refer", service.professional_referral),
        )
        if offered
    ]
    said = " and ".join(routes).capitalize() if routes else "Not stated"
    return f"{said}: {service.how_to_refer}" if service.how_to_refer else said


def shown(service: Service) -> dict[str, Any]:
    """A service as the list and its own page show it, in words."""
    areas = sorted(area.name for area in service.areas.all())
    when = [in_words(schedule) for schedule in service.schedules if in_words(schedule)]
    open_when = [
        words
        for words, yes in (("Evenings", service.evenings), ("Weekends", service.weekends))
        if yes
    ]
    return {
        "service": service,
        "url": reverse("directory-service", args=[service.oruk_id]),
        "audiences": [str(AUDIENCE_WORDS.get(a, a)) for a in service.audiences],
        "kind": KIND_WORDS.get(service.kind, service.kind),  # type: ignore[call-overload]
        "areas": ", ".join(areas) or "The whole partnership",
        "when": when,
        "open_when": open_when,
        "daytime_only": bool(when) and not open_when,
        "referral": _referral(service),
        "wait": "Not stated" if service.wait_days is None else _days(service.wait_days, "About"),
        "first_contact": _days(service.contact_within_days, "Within"),
        "languages": ", ".join(service.languages) or "Not stated",
        "status": "" if service.status == Service.Status.ACTIVE else STATUS_WORDS[service.status],
    }


def _days(days: int, lead: str) -> str:
    return "The same day" if days == 0 else f"{lead} {days} {'day' if days == 1 else 'days'}"


@gate.page(purpose=usual_purpose)
def services(request: HttpRequest) -> HttpResponse:
    refusal = gate.allow(request, Action.VIEW_DIRECTORY, "services")
    if refusal is not None:
        return refusal
    form = DirectoryForm(request.GET) if request.GET else DirectoryForm()
    context: dict[str, Any] = {"form": form, "purpose": request.GET.get("purpose", "")}
    if form.is_bound and not form.is_valid():
        context["errors"] = form.error_summary()
        return render(request, "directory/services.html", context, status=400)
    filters = form.filters() if form.is_bound else Filters()
    number = (form.cleaned_data.get("page") if form.is_bound else None) or 1
    page = paged(matching(filters), number)
    keep = {"purpose": context["purpose"]} if context["purpose"] else {}

    def href(n: int) -> str:
        query = {**{k: v for k, v in vars(filters).items() if v}, **keep, "page": n}
        return f"{reverse('directory')}?{urlencode(query)}#services"

    context.update(
        rows=[shown(service) for service in page.items],
        page=page,
        pagination=page.pagination(href),
        filtered=any(vars(filters).values()),
    )
    return render(request, "directory/services.html", context)


@gate.page(purpose=usual_purpose)
def service_page(request: HttpRequest, service_id: str) -> HttpResponse:
    refusal = gate.allow(request, Action.VIEW_DIRECTORY, "service", service_id[:64])
    if refusal is not None:
        return refusal
    # an address that is not a service's id (a UUID) names no service either
    service = by_id(service_id) if UUID_FORM.match(service_id) else None
    if service is None:
        return render(request, "directory/missing.html", {}, status=404)
    return render(request, "directory/service.html", {"row": shown(service)})


urlpatterns: list[URLPattern] = [
    path("services/", services, name="directory"),
    path("services/<str:service_id>/", service_page, name="directory-service"),
]
