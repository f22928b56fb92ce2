"""Ingest bookkeeping: each run of an extract, the rows it quarantined, and the previous versions
of rows a later extract changed."""

from __future__ import annotations

from django.db import models


class IngestBatch(models.Model):
    """One run of `seen ingest` over one extract. Counters are updated in the same transaction as
    the rows they count, so after a crash they still agree with what was committed."""

    class Status(models.TextChoices):
        RUNNING = "running"
        COMPLETE = "complete"
        INTERRUPTED = "interrupted", "interrupted (killed or failed part-way; re-run to finish)"
        UNMATCHED = "unmatched", "loaded, not matched: see the note (seen link matches them)"

    class Matching(models.TextChoices):
        """How the people a batch brought were matched on arrival (seen.ingest.arrivals)."""

        NOT_RECORDED = "", "not recorded"
        PENDING = "pending", "not yet matched"
        LINKED = "linked", "matched on arrival"
        NO_MODEL = "no_model", "no linkage model yet: the first seen link matches them"
        NOT_RUN = "not_run", "not matched (seen ingest --no-link)"
        DEFERRED = "deferred", "too many arrivals to match in a request: seen link matches them"
        FAILED = "failed", "matching on arrival failed (see the note)"

    source = models.CharField(max_length=500)
    format_version = models.CharField(max_length=16)
    extract_id = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    accepted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    refused_files = models.JSONField(default=list, blank=True)
    matching = models.CharField(max_length=16, choices=Matching.choices, blank=True, default="")
    note = models.TextField(blank=True, help_text="Why the batch stopped or was not matched.")
    # the process running the batch: a later ingest marks it interrupted only once that process
    # has gone (several ingests may run at once, e.g. agency systems through the API)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "ingest batches"

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.source})"


class RowVersion(models.Model):
    """A row as it was before a later extract replaced it: nothing an agency sent is lost."""

    table = models.CharField(max_length=64)
    row_key = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    row = models.JSONField()
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+", null=True)
    replaced_by_batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+")
    replaced_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "row_key", "version"], name="row_version_key")
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.row_key} v{self.version}"


class QuarantinedRow(models.Model):
    """A row refused at ingest, kept whole with where it came from and why, until corrected."""

    class Status(models.TextChoices):
        OPEN = "open"
        RESOLVED = "resolved", "resolved (a corrected row was accepted)"

    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="quarantine")
    file = models.CharField(max_length=64)
    line = models.PositiveIntegerField(help_text="Line in the file, the header being line 1.")
    field = models.CharField(max_length=64, blank=True)
    reason = models.TextField()
    row = models.JSONField(help_text="The row exactly as sent, column by column.")
    row_key = models.CharField(max_length=200, blank=True)
    row_hash = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["file", "row_key"])]

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}"
