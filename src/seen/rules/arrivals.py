"""Rules when facts arrive: evaluate the families an ingest batch touched (or, for a large
batch, the whole partnership), so an alert follows its fact without waiting for a run."""

from __future__ import annotations

import logging

from django.db.models import Model

from seen.facts.models import FACT_MODELS
from seen.people.models import Pregnancy, Relationship
from seen.rules.engine import Outcome, evaluate
from seen.rules.world import PERSON_COLUMNS, Scope

logger = logging.getLogger(__name__)

# Beyond this many touched records one whole-partnership run is quicker than a scoped one.
RECORDS_FOR_A_FULL_RUN = 2000


def scope_of_batch(batch_id: int) -> Scope:
    records: set[int] = set()
    pregnancies: set[int] = set()
    models: list[type[Model]] = [*FACT_MODELS, Relationship, Pregnancy]
    for model in models:
        fields = {f.name for f in model._meta.concrete_fields}
        columns = [f"{c}_id" for c in (*PERSON_COLUMNS, "person", "mother") if c in fields]
        rows = model._default_manager.filter(batch_id=batch_id)
        if "pregnancy" in fields:
            columns.append("pregnancy_id")
        if model is Pregnancy:
            columns.append("id")
        for values in rows.values_list(*columns):
            for column, value in zip(columns, values, strict=True):
                if value is None:
                    continue
                if column in ("pregnancy_id", "id"):
                    pregnancies.add(value)
                else:
                    records.add(value)
    return Scope(frozenset(records), frozenset(pregnancies))


def evaluate_batch(batch_id: int) -> Outcome:
    scope = scope_of_batch(batch_id)
    if not scope.records and not scope.pregnancies:
        return Outcome()
    if len(scope.records) > RECORDS_FOR_A_FULL_RUN:
        return evaluate()
    return evaluate(scope=scope)


def evaluate_after_write(scope: Scope) -> Outcome:
    """The rules for the family a page or an API call has just written to, at once. The write
    is already saved: should a rule fail, the failure is logged (with the family) and an empty
    outcome returned, and the next `seen rules run` evaluates the family. A practitioner's
    record is never lost to a rule's fault, nor answered with a server error."""
    try:
        return evaluate(scope=scope)
    except Exception:  # a boundary: any rule's fault, logged whole
        logger.exception(
            "the rules failed after a write (records %s, pregnancies %s): the next run "
            "evaluates them",
            sorted(scope.records),
            sorted(scope.pregnancies),
        )
        return Outcome()
