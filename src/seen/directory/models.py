"""A service the partnership offers parents, as its directory holds it (imported from and
exported as Open Referral UK: seen.directory.oruk_import, oruk_export).

What Open Referral UK has a field for is kept in that field's terms (name, organisation, status,
ages, schedules, areas, languages, contact); what Seen needs and the standard does not carry
(who it is for, the procedures it serves, the waiting time and the time to first contact, how to
refer) travels as the service's attributes in Seen's own vocabulary (docs/services.md)."""

from __future__ import annotations

from django.db import models

from seen.facts.models import ProgrammeEvent


class Audience(models.TextChoices):
    FATHERS = "fathers"
    MALE_CARERS = "male_carers", "male carers"
    MOTHERS = "mothers"
    COUPLES = "couples"


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        INACTIVE = "inactive"
        DEFUNCT = "defunct"
        TEMPORARILY_CLOSED = "temporarily closed"

    oruk_id = models.CharField(max_length=64, unique=True, help_text="Open Referral UK id.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    organisation = models.CharField(max_length=200)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.ACTIVE)
    # what it is, in the programme kinds the programme-engagement rule watches
    kind = models.CharField(max_length=32, choices=ProgrammeEvent.Programme.choices)
    audiences = models.JSONField(default=list, help_text="Audience values: who it is for.")
    procedures = models.JSONField(default=list, help_text="Procedure ids the service serves.")
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    eligibility = models.TextField(blank=True, help_text="Who may use it, in words.")
    areas = models.ManyToManyField(
        "areas.Area", blank=True, related_name="+", help_text="None: the whole partnership."
    )
    # [{"days": ["MO", …], "opens_at": "18:00", "closes_at": "20:00", "description": "…"}]
    schedules = models.JSONField(default=list)
    evenings = models.BooleanField(default=False, help_text="Open at or after 17:30.")
    weekends = models.BooleanField(default=False, help_text="Open on a Saturday or Sunday.")
    self_referral = models.BooleanField(default=False)
    professional_referral = models.BooleanField(default=True)
    how_to_refer = models.CharField(max_length=300, blank=True, help_text="An address or phone.")
    phone = models.CharField(max_length=32, blank=True)
    email = models.CharField(max_length=254, blank=True)
    url = models.CharField(max_length=500, blank=True)
    wait_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Typical days from referral to a first session."
    )
    contact_within_days = models.PositiveSmallIntegerField(
        default=10, help_text="Days within which the service says it contacts a referred person."
    )
    languages = models.JSONField(default=list, help_text="Languages it is offered in.")
    last_modified = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
