"""What linkage keeps in the database: each run, every scored pair with its evidence, and the
practitioners' decisions that no later run may override."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LinkRun(models.Model):
    """One batch run of `seen link` (or a re-clustering after a practitioner's decision, or the
    matching of new arrivals), recorded from its start (seen.linkage.runs): a run whose process
    was killed keeps no end, and the next run marks it interrupted, saying when it found it."""

    class Kind(models.TextChoices):
        BATCH = "batch"
        RECLUSTER = "recluster", "re-clustering after a decision"
        INCREMENTAL = "incremental"

    class Status(models.TextChoices):
        RUNNING = "running"
        COMPLETE = "complete"
        INTERRUPTED = "interrupted", "interrupted (killed or failed part-way; see the note)"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    engine = models.CharField(max_length=16, default="duckdb")
    model_version = models.CharField(max_length=64, blank=True)
    auto_link_threshold = models.FloatField()
    review_threshold = models.FloatField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    persons_created = models.PositiveIntegerField(default=0)
    records_moved = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    # the process running it, so that a later run marks it interrupted only once that is gone
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    interrupted_found_at = models.DateTimeField(
        null=True, blank=True, help_text="When the run was found interrupted."
    )
    note = models.TextField(blank=True, help_text="Why the run was interrupted.")

    def __str__(self) -> str:
        return f"{self.kind} run {self.pk}"


class CandidatePair(models.Model):
    """Two source records the model scored at or above the review threshold, with the evidence:
    the overall match probability and weight, and the match weight of each comparison."""

    class Band(models.TextChoices):
        LINK = "link", "automatic link"
        REVIEW = "review", "clerical review"

    record_l = models.ForeignKey("people.SourceRecord", on_delete=models.CASCADE, related_name="+")
    record_r = models.ForeignKey("people.SourceRecord", on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    evidence = models.JSONField(default=dict, help_text="comparison name -> match weight")
    levels = models.JSONField(
        default=dict, help_text="comparison name -> the level the pair met (its label)"
    )
    band = models.CharField(max_length=8, choices=Band.choices)
    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="pairs_scored")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_l", "record_r"], name="one_score_per_pair"),
            models.CheckConstraint(
                condition=models.Q(record_l__lt=models.F("record_r")), name="pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["band", "-match_probability"])]

    def __str__(self) -> str:
        return f"{self.record_l_id}~{self.record_r_id} p={self.match_probability:.3f}"


class ClericalDecision(models.Model):
    """A practitioner's decision about identity. It binds every later run until it is undone.

    confirm: these records are one person.       reject: these two records are not.
    merge:   these persons are one (recorded as the records they held).
    split:   this record is not the same person as the others it was with."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm"
        REJECT = "reject"
        MERGE = "merge"
        SPLIT = "split"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    must_link = models.JSONField(default=list, help_text="[[record id, record id], …]")
    cannot_link = models.JSONField(default=list, help_text="[[record id, record id], …]")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField()
    decided_at = models.DateTimeField()
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_reason = models.TextField(blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} by {self.decided_by_id} at {self.decided_at:%Y-%m-%d}"

    @property
    def in_force(self) -> bool:
        return self.undone_at is None
