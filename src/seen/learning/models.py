"""What the partnership's strategic leaders say is happening, kept beside what the data shows
(the national review found leaders' perceptions and practitioners' realities apart)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LeadershipStatement(models.Model):
    """A statement by a strategic leader or safeguarding lead about one measure, in one area
    (or the partnership when `area` is empty) and one quarter (or any period when `period` is
    blank), with who said it and when. Never changed: a new statement replaces it on the
    dashboard, the old one stays as history."""

    measure = models.CharField(max_length=40)
    area = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period = models.CharField(max_length=7, blank=True, help_text="A quarter, e.g. 2025-Q3.")
    statement = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200, help_text="who, as a person reads it")
    role = models.CharField(max_length=48)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["measure", "area"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.area_id or 'all'} {self.period or 'any'}"
