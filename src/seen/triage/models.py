"""MASH triage: the checks across agencies and areas, and the decision.

A triage is about one child, born or unborn. Its checks are one per agency kind the partnership
consults, for every area the child and the adults around the child are or were linked to (where
they lived, and where the agencies holding their records are): a father known in another area
is checked there too. An agency serving the whole partnership (police, probation, adult mental
health) is checked once, its check in no area. A decision can be recorded only once every check
is done, each with its result, and is due within the timescale its RAG rating sets
(seen.triage.timescale)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from seen.areas.models import Agency
from seen.facts.models import ConferenceRole


class Triage(models.Model):
    class Decision(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", "no further action"
        EARLY_HELP = "early_help", "Early Help"
        CHILD_IN_NEED = "child_in_need", "child in need assessment (section 17)"
        STRATEGY_DISCUSSION = "strategy_discussion", "strategy discussion (section 47)"
        ALREADY_OPEN = "already_open", "already open to children's social care"

    class Rag(models.TextChoices):
        """How urgent the contact is, as MASH rates it on opening: the decision's timescale."""

        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    # the child: a person once born, else the unborn child's (lowest) pregnancy row
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pregnancy = models.ForeignKey(
        "people.Pregnancy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    child_reference = models.CharField(
        max_length=20, db_index=True, help_text="The child's reference when the triage opened."
    )
    alert = models.ForeignKey(
        "rules.Alert",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The MASH alert the triage answers, if it began with one.",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "areas.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The MASH (agency) that holds the triage.",
    )
    opened_at = models.DateTimeField()
    rag = models.CharField(
        max_length=8,
        choices=Rag.choices,
        blank=True,
        help_text="The RAG rating on opening; empty for a triage opened before ratings.",
    )
    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=False) | Q(pregnancy__isnull=False),
                name="triage_has_subject",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(reason=""), name="triage_decision_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"triage {self.pk} of {self.child_reference}"

    @property
    def decided(self) -> bool:
        return bool(self.decision)


class TriageCheck(models.Model):
    """One agency kind's check in one area, or across the partnership for an agency serving
    every area (no area): done by whom, when, with what result."""

    triage = models.ForeignKey(Triage, on_delete=models.CASCADE, related_name="checks")
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for an agency checked once for the whole partnership.",
    )
    agency_kind = models.CharField(max_length=32, choices=Agency.Kind.choices)
    agency = models.ForeignKey(
        "areas.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agency that answers for this kind in this area, when Seen knows it.",
    )
    why = models.CharField(max_length=300, help_text="Why this area is checked.")
    result = models.TextField(blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["area__name", "agency_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["triage", "area", "agency_kind"],
                condition=Q(area__isnull=False),
                name="one_check_per_kind_and_area",
            ),
            # a database counts no two empty areas as equal: the partnership's check needs its own
            models.UniqueConstraint(
                fields=["triage", "agency_kind"],
                condition=Q(area__isnull=True),
                name="one_partnership_check_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | ~Q(result=""), name="done_check_has_result"
            ),
        ]

    def __str__(self) -> str:
        where = f"in {self.area_id}" if self.area_id is not None else "across the partnership"
        return f"{self.get_agency_kind_display()} {where}"

    @property
    def done(self) -> bool:
        return self.done_at is not None


class LeftOut(models.Model):
    """Why a conference did not invite someone it must invite (the father, the GP, housing)."""

    conference = models.ForeignKey("facts.Conference", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=24, choices=ConferenceRole.choices)
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conference", "role"], name="one_reason_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.role} not invited to conference {self.conference_id}"
