"""Source records and the persons they resolve to; the pregnancies, relationships, residences
and responsibilities that place each adult around each baby."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from seen.core.models import Sourced, natural_key


class Sex(models.TextChoices):
    MALE = "male"
    FEMALE = "female"
    INDETERMINATE = "indeterminate"
    NOT_KNOWN = "not_known"


class Person(models.Model):
    """A resolved identity: the cluster of source records that are one human being.

    Identifiers are stable: once issued, a person's `reference` never changes or moves to another
    human being, whatever later linkage runs find."""

    reference = models.CharField(max_length=20, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Set when all this person's records joined another person; the reference "
        "stays valid and leads there.",
    )

    def __str__(self) -> str:
        return self.reference


class SourceRecord(Sourced):
    """A person as one agency holds them, exactly as sent (validated and normalised)."""

    forename = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    previous_surnames = models.CharField(max_length=200, blank=True)
    dob = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.NOT_KNOWN)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    upn = models.CharField(max_length=13, blank=True, help_text="Unique pupil number (UPN).")
    postcode = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    ethnicity = models.CharField(max_length=8, blank=True, help_text="CIN census ethnicity code.")
    first_language = models.CharField(max_length=64, blank=True)
    interpreter_needed = models.BooleanField(null=True)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )

    class Meta:
        constraints = [natural_key("sourcerecord")]
        # Candidate look-ups for incremental matching (a record arriving, an A&E look-up).
        indexes = [
            models.Index(fields=["dob"], name="sourcerecord_dob"),
            models.Index(fields=["postcode"], name="sourcerecord_postcode"),
            models.Index(fields=["phone"], name="sourcerecord_phone"),
            models.Index(Lower("surname"), Lower("forename"), name="sourcerecord_name"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.local_id}"


class LinkDecision(models.Model):
    """Why a source record belongs to a person. Every change of a record's person adds a row; the
    previous row is closed (superseded_at), never deleted, so the history can be read back."""

    class Method(models.TextChoices):
        AUTOMATIC = "automatic", "automatic (match above the link threshold)"
        CLERICAL = "clerical", "decided by a practitioner"
        NEW_PERSON = "new_person", "no match: a new person"
        INCREMENTAL = "incremental", "matched on arrival against existing persons"

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="decisions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="decisions")
    method = models.CharField(max_length=16, choices=Method.choices)
    match_probability = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_decision_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record} -> {self.person} ({self.method})"


class Pregnancy(Sourced):
    """A pregnancy as one agency holds it. It stands for the unborn child: relationships, plans
    and assessments about an unborn baby point here."""

    class Status(models.TextChoices):
        ONGOING = "ongoing"
        BORN = "born"
        ENDED = "ended", "ended without a live birth"

    mother = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="pregnancies")
    expected_date = models.DateField()
    booked_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ONGOING)
    child = models.ForeignKey(
        SourceRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The baby's record once born.",
    )

    class Meta:
        verbose_name_plural = "pregnancies"
        constraints = [natural_key("pregnancy")]


CHILD_OR_PREGNANCY = Q(child__isnull=False) | Q(pregnancy__isnull=False)


class Relationship(Sourced):
    """An adult (or sibling) around a child or an unborn child: typed, sourced, time-bounded."""

    class Kind(models.TextChoices):
        BIRTH_MOTHER = "birth_mother"
        BIRTH_FATHER = "birth_father"
        MOTHERS_PARTNER = "mothers_partner"
        HOUSEHOLD_ADULT = "household_adult"
        MALE_CARER = "male_carer"
        SIBLING = "sibling"

    person = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="relationships")
    child = models.ForeignKey(
        SourceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pregnancy = models.ForeignKey(
        Pregnancy, on_delete=models.PROTECT, null=True, blank=True, related_name="relationships"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    asserted_on = models.DateField(help_text="When the agency recorded the relationship.")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            natural_key("relationship"),
            models.CheckConstraint(condition=CHILD_OR_PREGNANCY, name="relationship_has_subject"),
        ]


class Residence(Sourced):
    """A person at an address over a period. The area follows from the postcode district, so a
    move across a border shows as two residences in two areas."""

    person = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="residences")
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8)
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the postcode lies outside the partnership.",
    )
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [natural_key("residence")]


class Responsibility(Sourced):
    """Who is responsible for a child (or unborn child): named midwife, health visitor, GP,
    lead practitioner, key worker, social worker, personal adviser."""

    class Role(models.TextChoices):
        NAMED_MIDWIFE = "named_midwife"
        HEALTH_VISITOR = "health_visitor"
        GP = "gp", "GP"
        LEAD_PRACTITIONER = "lead_practitioner"
        KEY_WORKER = "key_worker"
        SOCIAL_WORKER = "social_worker"
        PERSONAL_ADVISER = "personal_adviser"

    child = models.ForeignKey(
        SourceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pregnancy = models.ForeignKey(
        Pregnancy, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    practitioner = models.ForeignKey(
        "areas.Practitioner", on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(max_length=24, choices=Role.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "responsibilities"
        constraints = [
            natural_key("responsibility"),
            models.CheckConstraint(condition=CHILD_OR_PREGNANCY, name="responsibility_has_subject"),
        ]
