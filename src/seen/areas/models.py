"""Local authorities, the agencies in them, and the practitioners who work for those agencies."""

from __future__ import annotations

from django.db import models

from seen.core.models import Sourced, Versioned, natural_key


class Area(Versioned):
    """A local authority, known by the postcode districts it covers."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class PostcodeDistrict(Versioned):
    """An outward code (e.g. 'QA1') and the area it lies in: how a residence finds its area."""

    district = models.CharField(max_length=4, unique=True)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="districts")

    def __str__(self) -> str:
        return self.district


class Agency(Versioned):
    class Kind(models.TextChoices):
        MIDWIFERY = "midwifery", "midwifery"
        HEALTH_VISITING = "health_visiting", "health visiting"
        GP = "gp", "GP practice"
        HOSPITAL_ED = "hospital_ed", "hospital emergency department"
        NEONATAL_UNIT = "neonatal_unit", "neonatal unit"
        CHILDRENS_SOCIAL_CARE = "childrens_social_care", "children's social care"
        EARLY_HELP = "early_help", "Early Help"
        POLICE = "police", "police"
        PROBATION = "probation", "probation"
        HOUSING = "housing", "housing"
        ADULT_MENTAL_HEALTH = "adult_mental_health", "adult mental health"
        LEAVING_CARE = "leaving_care", "leaving care"

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="agencies",
        null=True,
        blank=True,
        help_text="Empty for agencies that serve several areas (a police force, probation).",
    )
    duty_phone = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Practitioner(Sourced):
    class Role(models.TextChoices):
        MIDWIFE = "midwife", "midwife"
        HEALTH_VISITOR = "health_visitor", "health visitor"
        GP = "gp", "GP"
        ED_CLINICIAN = "ed_clinician", "ED or urgent-care clinician"
        NEONATAL_NURSE = "neonatal_nurse", "neonatal nurse"
        SOCIAL_WORKER = "social_worker", "social worker"
        EARLY_HELP_KEY_WORKER = "early_help_key_worker", "Early Help key worker"
        MASH_PRACTITIONER = "mash_practitioner", "MASH practitioner"
        POLICE_OFFICER = "police_public_protection_officer", "police public-protection officer"
        PROBATION_OFFICER = "probation_officer", "probation officer"
        HOUSING_OFFICER = "housing_officer", "housing officer"
        MENTAL_HEALTH_PRACTITIONER = (
            "adult_mental_health_practitioner",
            "adult mental-health practitioner",
        )
        PERSONAL_ADVISER = "personal_adviser", "personal adviser"
        SAFEGUARDING_LEAD = "safeguarding_lead", "safeguarding lead"

    name = models.CharField(max_length=200)
    role = models.CharField(max_length=48, choices=Role.choices)
    team = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        constraints = [natural_key("practitioner")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()}, {self.agency.code})"
