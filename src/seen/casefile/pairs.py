"""A candidate pair as a viewer may see it: its two records with shielded values redacted
(seen.access.shielding), its evidence, the prior and why Seen held it back; and a clerical
decision with the persons it left. One view model for the review page and the identity API."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Schema
from pydantic import Field

from seen.access.shielding import redact
from seen.linkage.models import CandidatePair, ClericalDecision
from seen.linkage.review import held_back_because
from seen.people.models import SourceRecord


class RecordOut(Schema):
    record: int
    agency: str
    local_id: str
    forename: str | None
    surname: str | None
    dob: date | str | None = Field(description="a date, or [shielded]")
    sex: str | None
    person: str | None


class PairOut(Schema):
    pair: int
    band: str
    why_first: str
    match_probability: float
    match_weight: float
    evidence: dict[str, float] = Field(description="each comparison's match weight (bits)")
    levels: dict[str, str] = Field(
        default_factory=dict, description="each comparison's level the pair met (its label)"
    )
    prior_weight: float = Field(
        description="the prior's match weight: match_weight is it plus the evidence's weights"
    )
    held_back_because: str | None = Field(
        None,
        description="for a pair in the automatic-link band whose records were not linked: "
        "what says they are different people (docs/linkage.md, exclusions)",
    )
    left: RecordOut
    right: RecordOut


class DecisionOut(Schema):
    decision: int
    kind: str
    decided_by: str | None
    reason: str
    in_force: bool
    persons: list[str] = Field(description="the persons the pair's records now belong to")


def record_out(record: SourceRecord, shields: set[str], clearance: bool) -> RecordOut:
    values = {
        "record": record.pk,
        "agency": record.agency.code,
        "local_id": record.local_id,
        "forename": record.forename or None,
        "surname": record.surname or None,
        "dob": record.dob,
        "sex": record.sex or None,
        "person": record.person.reference if record.person else None,
    }
    return RecordOut(**redact(values, shields, clearance=clearance))


def pair_out(
    pair: CandidatePair, why_first: str, shields: dict[int, set[str]], clearance: bool
) -> PairOut:
    return PairOut(
        pair=pair.pk,
        band=pair.band,
        why_first=why_first,
        match_probability=round(pair.match_probability, 6),
        match_weight=round(pair.match_weight, 3),
        evidence=pair.evidence,
        levels=pair.levels,
        prior_weight=round(pair.match_weight - sum(pair.evidence.values()), 3),
        held_back_because=held_back_because(pair),
        left=record_out(pair.record_l, shields.get(pair.record_l_id, set()), clearance),
        right=record_out(pair.record_r, shields.get(pair.record_r_id, set()), clearance),
    )


def decision_out(decision: ClericalDecision) -> DecisionOut:
    records = {r for pair in decision.must_link + decision.cannot_link for r in pair}
    persons = (
        SourceRecord.objects.filter(pk__in=records, person__isnull=False)
        .values_list("person__reference", flat=True)
        .distinct()
    )
    return DecisionOut(
        decision=decision.pk,
        kind=decision.kind,
        decided_by=decision.decided_by.get_username() if decision.decided_by else None,
        reason=decision.reason,
        in_force=decision.in_force,
        persons=sorted(persons),
    )


# what a pair discloses of each record (shielded values excepted)
DISCLOSED_FIELDS = ["forename", "surname", "dob", "sex", "person", "evidence"]


def subjects_of(out: PairOut) -> list[str]:
    return sorted({r.person for r in (out.left, out.right) if r.person})


def load_pair(pair_id: int) -> CandidatePair:
    return get_object_or_404(
        CandidatePair.objects.select_related(
            "record_l__agency", "record_r__agency", "record_l__person", "record_r__person"
        ),
        pk=pair_id,
    )
