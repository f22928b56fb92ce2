"""A thematic review held in Seen: a local rapid review or a national thematic review, with its
candidate cases and their shortlisting (every move kept with who, when and why: the national
review's 74 cases cut to 23), its areas, its engagement meetings (attendance counted by role),
its case dataset (one stored row per case; refused rows kept with their line and reason), and
theme coding (a codebook, excerpts of each case, two reviewers' independent calls, and the
agreed call where they differed).

Review data is de-identified: a case is named by the review's own case identifier, never by a
child's reference in Seen."""

from __future__ import annotations

from django.conf import settings
from django.db import models

TITLE_MAX = 200
CASE_ID_MAX = 40
REASON_MAX = 1000
EXCERPT_MAX = 5000


class Review(models.Model):
    class Kind(models.TextChoices):
        LOCAL_RAPID = "local_rapid", "Local rapid review"
        NATIONAL_THEMATIC = "national_thematic", "National thematic review"

    title = models.CharField(max_length=TITLE_MAX)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, help_text="who, as a person reads it")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ReviewArea(models.Model):
    """A local authority area the review covers (the national review: 19)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "name"], name="thematic_area_once")
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    LONGLIST = "longlist", "Longlist"
    SHORTLISTED = "shortlisted", "Shortlisted"
    INCLUDED = "included", "Included"
    EXCLUDED = "excluded", "Excluded"


class CandidateCase(models.Model):
    """A case the review considers, by the review's own identifier (a rapid review's number)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="cases")
    case_id = models.CharField(max_length=CASE_ID_MAX)
    area = models.ForeignKey(
        ReviewArea, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.LONGLIST)

    class Meta:
        ordering = ["case_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "case_id"], name="thematic_case_once")
        ]

    def __str__(self) -> str:
        return self.case_id


class StageChange(models.Model):
    """One move of a case between stages (its first row is its arrival on the longlist)."""

    case = models.ForeignKey(CandidateCase, on_delete=models.CASCADE, related_name="changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    reason = models.TextField(max_length=REASON_MAX)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField(max_length=200)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_stage or 'new'} to {self.to_stage}"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        PRACTITIONERS = "practitioners", "Practitioners"
        STRATEGIC_PARTNERS = "strategic_partners", "Strategic partners"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="meetings")
    area = models.ForeignKey(ReviewArea, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} meeting on {self.held_on}"


class Attendance(models.Model):
    """How many of one role came to a meeting (health visitor 3, social worker 2)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    role = models.CharField(max_length=100)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "role"], name="thematic_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.count}"


class DatasetImport(models.Model):
    """One upload of the case dataset: how many rows were stored and how many refused."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=200)
    stored = models.PositiveIntegerField()
    replaced = models.PositiveIntegerField(help_text="stored rows whose case_id was held before")
    refused = models.PositiveIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField(max_length=200)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"import {self.pk}: {self.stored} stored, {self.refused} refused"


class DatasetRow(models.Model):
    """One case's row of the dataset, as seen.thematic.dataset.CaseRow's fields (JSON)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="dataset")
    case_id = models.CharField(max_length=CASE_ID_MAX)
    data = models.JSONField()
    imported = models.ForeignKey(DatasetImport, on_delete=models.PROTECT, related_name="rows")

    class Meta:
        ordering = ["case_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "case_id"], name="thematic_row_once")
        ]

    def __str__(self) -> str:
        return self.case_id


class RefusedRow(models.Model):
    """A row an import refused, with its line in the file and the reason: nothing is lost."""

    dataset_import = models.ForeignKey(
        DatasetImport, on_delete=models.CASCADE, related_name="refused_rows"
    )
    line = models.PositiveIntegerField()
    reason = models.TextField()

    class Meta:
        ordering = ["line", "pk"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class Theme(models.Model):
    """A code of the codebook (seeded with the national review's themes)."""

    class Group(models.TextChoices):
        THEME = "theme", "Theme"
        FINDINGS_AREA = "findings_area", "Findings area"

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    group = models.CharField(max_length=20, choices=Group.choices, default=Group.THEME)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Excerpt(models.Model):
    """A passage of a case's material, to be coded against the codebook."""

    case = models.ForeignKey(CandidateCase, on_delete=models.CASCADE, related_name="excerpts")
    text = models.TextField(max_length=EXCERPT_MAX)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["case__case_id", "pk"]

    def __str__(self) -> str:
        return f"excerpt {self.pk}"


class Coding(models.Model):
    """One reviewer's call on one excerpt and one theme: the theme applies or not. A reviewer
    codes an excerpt against every theme at once, and cannot change it afterwards."""

    excerpt = models.ForeignKey(Excerpt, on_delete=models.CASCADE, related_name="codings")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applies = models.BooleanField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["excerpt", "theme", "coder"], name="thematic_call_once"
            )
        ]

    def __str__(self) -> str:
        return f"excerpt {self.excerpt_id}, theme {self.theme_id}: {self.applies}"


class Resolution(models.Model):
    """The agreed call where the two reviewers differed, with who agreed it and why."""

    excerpt = models.ForeignKey(Excerpt, on_delete=models.CASCADE, related_name="resolutions")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    applies = models.BooleanField()
    reason = models.TextField(max_length=REASON_MAX)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField(max_length=200)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["excerpt", "theme"], name="thematic_resolved_once")
        ]

    def __str__(self) -> str:
        return f"excerpt {self.excerpt_id}, theme {self.theme_id} agreed: {self.applies}"
