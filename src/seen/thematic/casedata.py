"""A review's case dataset in Seen: an uploaded CSV (columns of docs/review-dataset.md, read by
seen.thematic.dataset) stored one row per case, and written back out as the same CSV.

Nothing is silently dropped: every row the reader refuses is kept with its line and reason on
the import that met it, and shown. A re-import replaces by case_id: a row whose case_id the
review already holds replaces the stored row; rows for other cases stay as they were."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction

from seen.core import clock
from seen.thematic.dataset import CaseRow, read_cases, write_cases
from seen.thematic.models import DatasetImport, DatasetRow, RefusedRow, Review
from seen.thematic.reviews import Invalid, allowed, name_of

UPLOAD_MAX_BYTES = 5 * 1024 * 1024
FILENAME_MAX = 200


def as_json(row: CaseRow) -> dict[str, Any]:
    return dataclasses.asdict(row)


def from_json(data: dict[str, Any]) -> CaseRow:
    """The stored row as the reader made it (JSON turned its tuples into lists)."""
    names = {f.name for f in dataclasses.fields(CaseRow)}
    values: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names
    }
    return CaseRow(**values)


def decode(content: bytes) -> str:
    if not content.strip():
        raise Invalid([("dataset", "The file is empty: choose the case dataset CSV")])
    if len(content) > UPLOAD_MAX_BYTES:
        raise Invalid([("dataset", "The file must be 5 MB or smaller")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid(
            [("dataset", f"The file must be UTF-8 text (CSV): byte {error.start + 1} is not")]
        ) from error
    if "\x00" in text:
        raise Invalid([("dataset", "The file holds a NUL character: it is not a CSV file")])
    return text


def import_dataset(
    user: Any, purpose: str, review: Review, filename: str, content: bytes
) -> DatasetImport:
    """Stores the good rows (replacing by case_id) and keeps the refused ones."""
    allowed(user, purpose)
    text = decode(content)
    rows, problems = read_cases(text)
    if not rows and not problems:
        raise Invalid([("dataset", "The file holds no rows under its header")])
    if not rows and [p.line for p in problems] == [1]:  # the header: nothing could be read
        raise Invalid([("dataset", f"Line 1: {problems[0].reason}")])
    with transaction.atomic():
        # one import of a review at a time: the second waits, then replaces by case_id
        Review.objects.select_for_update().filter(pk=review.pk).first()
        held = set(
            review.dataset.filter(case_id__in=[r.case_id for r in rows]).values_list(
                "case_id", flat=True
            )
        )
        done = DatasetImport.objects.create(
            review=review,
            filename=(filename or "upload.csv")[:FILENAME_MAX],
            stored=len(rows),
            replaced=len(held),
            refused=len({p.line for p in problems}),  # lines, a line may have several reasons
            by=user,
            by_name=name_of(user),
            at=clock.now(),
        )
        review.dataset.filter(case_id__in=held).delete()
        DatasetRow.objects.bulk_create(
            DatasetRow(review=review, case_id=r.case_id, data=as_json(r), imported=done)
            for r in rows
        )
        RefusedRow.objects.bulk_create(
            RefusedRow(dataset_import=done, line=p.line, reason=p.reason) for p in problems
        )
    return done


def rows_of(review: Review) -> list[CaseRow]:
    return [from_json(d) for d in review.dataset.order_by("case_id").values_list("data", flat=True)]


def export_csv(review: Review) -> str:
    return write_cases(rows_of(review))


def latest_import(review: Review) -> DatasetImport | None:
    return review.imports.order_by("-at", "-pk").first()
