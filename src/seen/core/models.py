"""Behaviours shared by every record that arrives in an agency extract."""

from __future__ import annotations

from django.db import models

# The prefix of the local ids of facts written in Seen itself (seen.recording.authoring); an
# agency's extract never uses it (docs/extract-format.md).
LOCAL_ID_PREFIX = "seen-"


class Versioned(models.Model):
    """A row loaded from an extract: which ingest batch last wrote it, its version, and a hash of
    the row as sent, so that re-sending the same row changes nothing and a changed row becomes a
    new version (seen.ingest keeps the previous one as a RowVersion)."""

    version = models.PositiveIntegerField(default=1)
    row_hash = models.CharField(max_length=64, blank=True)
    batch = models.ForeignKey(
        "ingest.IngestBatch", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        abstract = True


class Sourced(Versioned):
    """A row an agency holds, known by its identifier in that agency."""

    agency = models.ForeignKey("areas.Agency", on_delete=models.PROTECT, related_name="+")
    local_id = models.CharField(max_length=64, help_text="The row's identifier in the agency.")

    class Meta:
        abstract = True


def natural_key(name: str) -> models.UniqueConstraint:
    """The (agency, local_id) uniqueness every Sourced model declares."""
    return models.UniqueConstraint(fields=["agency", "local_id"], name=f"{name}_natural_key")
