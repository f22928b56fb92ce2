"""A serious incident notification about a child, and the two statutory steps that follow it:
the notification to the national Child Safeguarding Practice Review Panel within 5 working
days, and the rapid review within 15 working days, each counted from the day the local
authority learned of the incident (seen.core.working_days).

A notification is about a born child (a `Person`): a serious incident is a child's death or
serious harm, so a pregnancy is not notified; an incident that harmed a baby is notified under
the baby's reference once born."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from seen.core.working_days import add_working_days

NOTIFY_WITHIN_WORKING_DAYS = 5
RAPID_REVIEW_WITHIN_WORKING_DAYS = 15
DESCRIPTION_MAX = 1000


class Incident(models.Model):
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(help_text="The day of the incident.")
    learned_on = models.DateField(
        help_text="The day the local authority learned of it: the statutory clock starts here."
    )
    description = models.TextField(max_length=DESCRIPTION_MAX)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200, help_text="who, as a person reads it")
    notified_on = models.DateField(null=True, blank=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rapid_review_on = models.DateField(null=True, blank=True)
    rapid_review_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["learned_on", "pk"]
        indexes = [models.Index(fields=["child"])]

    def __str__(self) -> str:
        return f"incident {self.pk} (learned of {self.learned_on})"

    @property
    def notification_due(self) -> date:
        return add_working_days(self.learned_on, NOTIFY_WITHIN_WORKING_DAYS)

    @property
    def rapid_review_due(self) -> date:
        return add_working_days(self.learned_on, RAPID_REVIEW_WITHIN_WORKING_DAYS)
