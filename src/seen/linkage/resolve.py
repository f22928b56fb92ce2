"""Re-deriving persons from what is stored: scored pairs in the link band plus the decisions in
force. Batch runs call it after scoring; every clerical decision (and its undo) calls it too."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from seen.core import clock
from seen.linkage.clustering import cluster
from seen.linkage.context import context_of
from seen.linkage.exclusions import EXCLUSIONS, Exclusion, uncorroborated
from seen.linkage.model import LinkageModel
from seen.linkage.models import CandidatePair, ClericalDecision, LinkRun
from seen.linkage.persons import Assignment, assign_persons
from seen.linkage.runs import finish_run
from seen.linkage.settings import model_path
from seen.people.models import LinkDecision, SourceRecord


def decisions_in_force() -> tuple[list[tuple[int, int]], list[tuple[int, int]], dict[int, int]]:
    """must-link pairs, cannot-link pairs, and for each record the decision that binds it."""
    must: list[tuple[int, int]] = []
    cannot: list[tuple[int, int]] = []
    binding: dict[int, int] = {}
    for decision in ClericalDecision.objects.filter(undone_at__isnull=True).order_by("pk"):
        for a, b in decision.must_link:
            must.append((a, b))
            binding[a] = binding[b] = decision.pk
        for a, b in decision.cannot_link:
            cannot.append((a, b))
            binding.setdefault(a, decision.pk)
            binding.setdefault(b, decision.pk)
    return must, cannot, binding


def identifiers(records: Iterable[int]) -> dict[int, dict[str, str | None]]:
    """What each record says about who it is, as the exclusions read it (seen.linkage.exclusions:
    prepared columns; stored NHS numbers passed the check digit at ingest)."""
    wanted = set(records)
    found: dict[int, dict[str, str | None]] = {}
    rows = SourceRecord.objects.values_list("pk", "nhs_number", "dob")
    if len(wanted) <= 10_000:
        rows = rows.filter(pk__in=wanted)
    context = context_of(wanted if len(wanted) <= 10_000 else None)
    for pk, nhs_number, dob in rows.iterator(chunk_size=20_000):
        if pk in wanted:
            parent_on = context.get(pk, {}).get("parent_on")
            found[pk] = {
                "nhs_number": nhs_number or None,
                "dob_text": dob.strftime("%Y%m%d") if dob else None,
                "parent_on": parent_on.strftime("%Y%m%d") if parent_on else None,
            }
    return found


def identifiers_of_person(person_id: int) -> dict[str, set[str]]:
    """Every value a person's records hold for each identifier the exclusions read."""
    held: dict[str, set[str]] = {}
    records = SourceRecord.objects.filter(person_id=person_id).values_list("pk", flat=True)
    for values in identifiers(list(records)).values():
        for column, value in values.items():
            if value:
                held.setdefault(column, set()).add(value)
    return held


def exclusions_in_force() -> tuple[Exclusion, ...]:
    """The exclusions for the partnership's records: as its trained model finds them
    (seen.linkage.exclusions), all of them before a model is trained."""
    model = _model()
    return model.exclusions if model is not None else EXCLUSIONS


def corroboration_in_force() -> bool:
    """Whether an automatic link needs more than a name and a date of birth: as the trained
    model says (LinkageModel.corroboration), and before a model is trained."""
    model = _model()
    return model.corroboration if model is not None else True


def _model() -> LinkageModel | None:
    """The partnership's trained model, read again only when its file changes: the review
    queue asks for it once a pair."""
    path = model_path()
    try:
        stamp = path.stat()
    except OSError:
        return None
    return _model_at(str(path), stamp.st_mtime_ns, stamp.st_size)


@functools.lru_cache(maxsize=1)
def _model_at(path: str, _mtime_ns: int, _size: int) -> LinkageModel | None:
    """The model in this file as of this modification (the stamp is the cache's key)."""
    try:
        return LinkageModel.load(Path(path))
    except ValueError:  # an unreadable model: the strictest rules
        return None


def recluster(run: LinkRun) -> Assignment:
    """Persons from the automatic links and the decisions in force (seen.linkage.clustering);
    a link held back there stays a candidate pair, in the clerical review queue."""
    records = list(SourceRecord.objects.values_list("pk", flat=True))
    links = CandidatePair.objects.filter(band=CandidatePair.Band.LINK).values_list(
        "record_l_id", "record_r_id", "match_probability", "evidence"
    )
    edges, weak = [], []
    corroboration = corroboration_in_force()
    for a, b, probability, evidence in links.iterator(chunk_size=20_000):
        edges.append((a, b, probability))
        if corroboration and uncorroborated(evidence or {}):
            weak.append((a, b))
    must, cannot, binding = decisions_in_force()
    clusters = cluster(
        records,
        edges,
        must_link=must,
        cannot_link=cannot,
        # every record a link or a must-link joins: what clustering may check (as on Spark)
        identifiers=identifiers(
            {r for a, b, _p in edges for r in (a, b)} | {r for pair in must for r in pair}
        ),
        exclusions=exclusions_in_force(),
        uncorroborated=weak,
    ).persons

    strongest: dict[int, tuple[float, int]] = {}
    for a, b, probability in edges:
        if clusters[a] != clusters[b]:
            continue
        for record, other in ((a, b), (b, a)):
            best = strongest.get(record)
            if best is None or (probability, other) > best:
                strongest[record] = (probability, other)
    return settle_persons(run, clusters, strongest=strongest, binding=binding, records=len(records))


def settle_persons(
    run: LinkRun,
    clusters: dict[int, int],
    *,
    strongest: Mapping[int, tuple[float, int]],
    binding: Mapping[int, int],
    records: int,
) -> Assignment:
    """Give the clustered records their persons (seen.linkage.persons), each move explained,
    and finish the run. `clusters`: record -> its person's key; `strongest`: for a record, its
    strongest automatic link into its own person, (match probability, the other record), the
    higher record on a tie; `binding`: the decision that binds a record (decisions_in_force);
    `records`: how many records the run clustered. A link the clustering held back is left as
    it is stored: a candidate pair, in the clerical review queue."""

    def explain(record: int, members: list[int]) -> tuple[str, float | None, dict[str, Any]]:
        if record in binding:
            return LinkDecision.Method.CLERICAL, None, {"run": run.pk, "decision": binding[record]}
        if len(members) == 1:
            return LinkDecision.Method.NEW_PERSON, None, {"run": run.pk}
        best = strongest.get(record)
        if best is None:  # joined through another record's edge
            return LinkDecision.Method.AUTOMATIC, None, {"run": run.pk}
        return LinkDecision.Method.AUTOMATIC, best[0], {"run": run.pk, "pair_with": best[1]}

    assignment = assign_persons(clusters, explain=explain, now=clock.now())
    finish_run(
        run,
        persons_created=assignment.persons_created,
        records_moved=assignment.records_moved,
        records=records,
    )
    return assignment
