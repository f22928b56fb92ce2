"""Alerts, their lifecycle, and the partnership's settings for rules (thresholds and routing)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Severity(models.TextChoices):
    SAME_DAY = "same_day", "same day"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Alert(models.Model):
    """A rule's finding about a child (born or unborn), owed an answer by its owner."""

    class Status(models.TextChoices):
        RAISED = "raised"
        SEEN = "seen"
        ACKNOWLEDGED = "acknowledged"
        ACTIONED = "actioned", "action recorded"
        CLOSED = "closed"

    rule_id = models.CharField(max_length=64, db_index=True)
    rule_version = models.PositiveIntegerField()
    key = models.CharField(
        max_length=200, help_text="What the alert is about: the child and the finding's anchor."
    )
    child_key = models.CharField(max_length=40, db_index=True)
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pregnancy = models.ForeignKey(
        "people.Pregnancy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facts = models.JSONField(default=list, help_text='[["injury", 12], ...]: the facts it rests on')
    people = models.JSONField(default=list, help_text='[[person id, "role"], ...]')
    explanation = models.TextField()
    stage = models.PositiveSmallIntegerField(
        default=0, help_text="How far the finding had worsened (seen.rules.base.Finding.stage)."
    )
    severity = models.CharField(max_length=16, choices=Severity.choices)
    raised_at = models.DateTimeField()
    deadline = models.DateTimeField()
    owner_agency = models.ForeignKey(
        "areas.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_role = models.CharField(max_length=48)
    owner_practitioner = models.ForeignKey(
        "areas.Practitioner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    routed_because = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RAISED)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        "areas.Practitioner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            # one open alert per finding; a closed one stays as history
            models.UniqueConstraint(
                fields=["rule_id", "key"],
                condition=~Q(status="closed"),
                name="one_open_alert_per_finding",
            )
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.child_key} ({self.status})"

    @property
    def open(self) -> bool:
        return self.status != self.Status.CLOSED


class AlertEvent(models.Model):
    """One step of an alert's life, with who and when. Never changed once written."""

    class Kind(models.TextChoices):
        RAISED = "raised"
        UPDATED = "updated", "updated by new facts"
        SEEN = "seen"
        ACKNOWLEDGED = "acknowledged"
        ACTION = "action", "action recorded"
        ESCALATED = "escalated"
        CLOSED = "closed"
        RESOLVED = "resolved", "closed: new facts resolved it"

    class Action(models.TextChoices):
        REFERRAL_MADE = "referral_made"
        ESCALATED = "escalated"
        STRATEGY_DISCUSSION = "strategy_discussion"
        NO_FURTHER_ACTION = "no_further_action"

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.CharField(max_length=200, help_text="who, as a person reads it (or 'Seen')")
    action = models.CharField(max_length=32, choices=Action.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class RuleParameter(models.Model):
    """A partnership's own value for one of a rule's thresholds (ages, counts, windows,
    deadlines); a rule uses its documented default where there is none."""

    rule_id = models.CharField(max_length=64)
    name = models.CharField(max_length=64)
    value = models.JSONField()
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule_id", "name"], name="one_value_per_parameter")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}.{self.name} = {self.value!r}"


class Route(models.Model):
    """The partnership's routing for one rule: to which agency kind and role, how severe, how
    soon; a rule uses its documented default where there is none."""

    rule_id = models.CharField(max_length=64, unique=True)
    agency_kind = models.CharField(max_length=32)
    role = models.CharField(max_length=48)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    deadline_hours = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.rule_id} -> {self.agency_kind}/{self.role}"
