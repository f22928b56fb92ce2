"""Who a user is to Seen (role, agency, the practitioner they are), the second person's approval
of a grant of access, and the records of access beyond the ordinary: break-glass sessions,
shielding, and the lawful basis of each share."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models, transaction
from django.dispatch import Signal


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
    DATA_PROTECTION_OFFICER = "data_protection_officer"
    # not a person: an agency's own system, sending that agency's extracts through the API
    AGENCY_SYSTEM = "agency_system", "agency system (submits its agency's extracts)"


# The fields of a staff profile that decide what its user reaches: every change to them is an
# audit event (seen.access.changes), and granting through the admin needs a second person
# (seen.access.grants).
PROFILE_ACCESS_FIELDS = ("role", "agency", "practitioner", "shielding_clearance")


class AccessFieldsChangedInBulk(Exception):
    """A bulk path would change profiles' access fields without an audit event."""


# Sent after StaffProfile.objects.update() changed access fields, with `before` (their values by
# primary key, read before the update) and `users` (their user ids): seen.access.changes audits
# it, as it audits save() through Django's own signals.
profiles_updated = Signal()


class StaffProfileQuerySet(models.QuerySet["StaffProfile"]):
    """update() of access fields records each profile changed, as save() does through the
    signals; the bulk paths that would skip both are refused for them."""

    def update(self, **kwargs: Any) -> int:
        touched = {name.removesuffix("_id") for name in kwargs} & set(PROFILE_ACCESS_FIELDS)
        if not touched:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            rows = list(self.values("pk", "user_id", *PROFILE_ACCESS_FIELDS))
            count = super().update(**kwargs)
            users = {row["pk"]: row["user_id"] for row in rows}
            before = {
                row["pk"]: {name: row[name] for name in PROFILE_ACCESS_FIELDS} for row in rows
            }
            profiles_updated.send(sender=StaffProfile, before=before, users=users)
        return count

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AccessFieldsChangedInBulk("create staff profiles one by one: each is audited")

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        if {name.removesuffix("_id") for name in fields} & set(PROFILE_ACCESS_FIELDS):
            raise AccessFieldsChangedInBulk(
                "change staff profiles' access one by one (save or update): each is audited"
            )
        return super().bulk_update(objs, fields, *args, **kwargs)


class StaffProfile(models.Model):
    """A user's role and agency, and the practitioner record they are (which carries their
    caseload: Responsibility rows and plans name practitioners). A user without a profile can
    reach no personal data at all. Every change to the access fields is audited
    (seen.access.changes); the admin grants them only with a second person's approval."""

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
        help_text="May see shielded addresses and records (granted with a second person's "
        "approval: seen.access.grants).",
    )

    objects = StaffProfileQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AccessGrant(models.Model):
    """A change to a user's access asked for by one administrator, in effect only once a
    different system administrator, who is not the user concerned, approves it
    (seen.access.grants). It names the profile the user is to have; `before` holds the
    profile's values when asked (raw: ids for agency and practitioner), so that a profile
    changed since cannot be overwritten by an old request."""

    class State(models.TextChoices):
        PENDING = "pending", "awaiting a second administrator"
        APPROVED = "approved"
        REFUSED = "refused"
        # a request that only took access away: in effect at once, no approval needed
        APPLIED = "applied", "in effect at once (access removed)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose access changes.",
    )
    role = models.CharField(max_length=48, choices=Role.choices)
    agency = models.ForeignKey(
        "areas.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    practitioner = models.ForeignKey(
        "areas.Practitioner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shielding_clearance = models.BooleanField(default=False)
    before = models.JSONField(
        null=True,
        blank=True,
        help_text="The profile's access fields when asked (none: no profile).",
    )
    changes = models.JSONField(
        default=dict, help_text="Each field that changes, old and new, as the audit shows them."
    )
    reason = models.TextField(help_text="Why the user needs it.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["state", "requested_at"])]

    def __str__(self) -> str:
        return f"access grant {self.pk} for user {self.user_id} ({self.state})"


class Purpose(models.TextChoices):
    """Why a user is looking: declared with every request for personal data."""

    DIRECT_CARE = "direct_care", "direct care of the child or family"
    UNSCHEDULED_CARE = "unscheduled_care", "the child is presenting in my setting now"
    SAFEGUARDING = "safeguarding", "safeguarding enquiry or plan"
    MASH_TRIAGE = "mash_triage", "MASH triage of a contact"
    REVIEW = "review", "local or national review"
    STRATEGIC = "strategic", "strategic oversight"
    AUDIT = "audit", "audit or subject access"
    ADMINISTRATION = "administration"


class BreakGlass(models.Model):
    """Time-limited access to one child without a legitimate relationship, on a stated reason.
    Every session is reviewed by a safeguarding lead."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # the child; or, before birth, one of the pregnancy rows that stand for the unborn child
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pregnancy = models.ForeignKey(
        "people.Pregnancy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "break-glass sessions"
        indexes = [models.Index(fields=["user", "child", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(child__isnull=False) | models.Q(pregnancy__isnull=False),
                name="break_glass_about_a_child",
            )
        ]

    def __str__(self) -> str:
        when = f"{self.started_at:%Y-%m-%d}"
        return f"break glass by {self.user_id} on {self.child_reference} at {when}"

    @property
    def child_reference(self) -> str:
        """The child's reference as pages write it: P… born, U… unborn (seen.casefile.subjects)."""
        return self.child.reference if self.child is not None else f"U{self.pregnancy_id}"


class Shield(models.Model):
    """An address, or a whole source record, that must not be shown to anyone without
    shielding clearance (refuge, domestic-abuse risk, adoption)."""

    class Scope(models.TextChoices):
        ADDRESS = "address", "the address (postcode and address lines)"
        RECORD = "record", "the whole record"

    class Reason(models.TextChoices):
        REFUGE = "refuge"
        DOMESTIC_ABUSE_RISK = "domestic_abuse_risk", "domestic-abuse risk"
        ADOPTION = "adoption"
        OTHER = "other"

    record = models.ForeignKey("people.SourceRecord", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=16, choices=Scope.choices)
    reason = models.CharField(max_length=32, choices=Reason.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"shield {self.scope} of record {self.record_id} ({self.reason})"


class Share(models.Model):
    """The lawful basis recorded for sharing a child's household detail with a user (anything
    beyond the universal flag): consent, or safeguarding without consent under DPA 2018
    Schedule 1 paragraph 18 with the reason consent was not sought."""

    class Basis(models.TextChoices):
        CONSENT = "consent"
        SAFEGUARDING = (
            "safeguarding_without_consent",
            "safeguarding without consent (DPA 2018 Sch. 1 para. 18)",
        )

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # the child; or, before birth, one of the pregnancy rows that stand for the unborn child
    # (the share then holds for the baby too: its pregnancies are part of it)
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pregnancy = models.ForeignKey(
        "people.Pregnancy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    basis = models.CharField(max_length=32, choices=Basis.choices)
    why_no_consent = models.TextField(
        blank=True, help_text="Required without consent: why consent was not sought."
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(child__isnull=False) | models.Q(pregnancy__isnull=False),
                name="share_about_a_child",
            )
        ]

    def __str__(self) -> str:
        about = self.child_id or f"pregnancy {self.pregnancy_id}"
        return f"{self.basis} share with {self.user_id} about {about}"


class Notification(models.Model):
    """A message Seen owes a practitioner, e.g. the lead practitioner told that unscheduled care
    looked at their child's flag (as CP-IS does)."""

    to = models.ForeignKey("areas.Practitioner", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"to {self.to_id}: {self.text[:40]}"
