"""Who a user is to Seen (role, agency, the practitioner they are), and the records of access
beyond the ordinary: break-glass sessions, shielding, and the lawful basis of each share."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    MIDWIFE = "midwife"
    HEALTH_VISITOR = "health_visitor"
    GP = "gp", "GP"
    ED_CLINICIAN = "ed_clinician", "ED or urgent-care clinician"
    SOCIAL_WORKER = "social_worker"
    EARLY_HELP_KEY_WORKER = "early_help_key_worker"
    MASH_PRACTITIONER = "mash_practitioner", "MASH practitioner"
    POLICE_OFFICER = "police_public_protection_officer", "police public-protection officer"
    PROBATION_OFFICER = "probation_officer"
    MENTAL_HEALTH_PRACTITIONER = (
        "adult_mental_health_practitioner",
        "adult mental-health practitioner",
    )
    PERSONAL_ADVISER = "personal_adviser"
    SAFEGUARDING_LEAD = "safeguarding_lead"
    STRATEGIC_LEADER = "strategic_leader"
    REVIEWER = "reviewer"
    SYSTEM_ADMINISTRATOR = "system_administrator"


class StaffProfile(models.Model):
    """A user's role and agency, and the practitioner record they are (which carries their
    caseload: Responsibility rows and plans name practitioners). A user without a profile can
    reach no personal data at all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(max_length=48, choices=Role.choices)
    agency = models.ForeignKey(
        "areas.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    practitioner = models.OneToOneField(
        "areas.Practitioner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_profile",
    )
    shielding_clearance = models.BooleanField(
        default=False,
        help_text="May see shielded addresses and records (granted by the safeguarding lead).",
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
