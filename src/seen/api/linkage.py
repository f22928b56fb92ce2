"""The API for identity decisions: the clerical review queue, a pair with its evidence, and
deciding or undoing. The same services as `seen review-links` (seen.linkage.decisions)."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from seen.access.policy import Action
from seen.access.shielding import cleared, shields_of
from seen.api.access import audit, require
from seen.api.errors import ErrorOut
from seen.casefile.pairs import (
    DISCLOSED_FIELDS,
    DecisionOut,
    PairOut,
    decision_out,
    load_pair,
    pair_out,
    subjects_of,
)
from seen.linkage import decisions
from seen.linkage.models import CandidatePair, ClericalDecision
from seen.linkage.review import (
    PRIORITY_TEXT,
    ReviewItem,
    priority_of,
    review_queue,
)

router = Router(tags=["identity"])


# No NUL character: PostgreSQL cannot store one in text (a 422 here, not a 500 at the database).
Reason = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=decisions.REASON_MAX, pattern=r"^[^\x00]*$"
    ),
]


class DecisionIn(Schema):
    decision: Literal["confirm", "reject"]
    reason: Reason


class UndoIn(Schema):
    reason: Reason


class QueueFilter(Schema):
    limit: int = Field(50, ge=1, le=500)


def _pairs(request: HttpRequest, items: list[tuple[CandidatePair, str]]) -> list[PairOut]:
    """The pairs as the viewer may see them: shielded records redacted (seen.access)."""
    shields = shields_of(r for pair, _ in items for r in (pair.record_l_id, pair.record_r_id))
    clearance = cleared(request.user)
    return [pair_out(pair, why, shields, clearance) for pair, why in items]


@router.get("/review", response=list[PairOut], summary="Pairs awaiting a decision")
def review(request: HttpRequest, filters: Query[QueueFilter]) -> list[PairOut]:
    """The clerical review band, most important first (a man linked to a baby first)."""
    require(request, Action.VIEW_LINK_QUEUE, object_type="review_queue")
    items: list[ReviewItem] = review_queue(limit=filters.limit)
    out = _pairs(request, [(item.pair, item.why_first) for item in items])
    audit(
        request,
        "read",
        "review_queue",
        disclosed={"pairs": [p.pair for p in out], "fields": DISCLOSED_FIELDS},
    )
    return out


@router.get("/pairs/{pair_id}", response=PairOut, summary="A pair and its evidence")
def pair_detail(request: HttpRequest, pair_id: int) -> PairOut:
    require(request, Action.VIEW_LINK_QUEUE, object_type="candidate_pair", object_id=str(pair_id))
    pair = load_pair(pair_id)
    [out] = _pairs(request, [(pair, PRIORITY_TEXT[priority_of(pair)])])
    audit(
        request,
        "read",
        "candidate_pair",
        str(pair.pk),
        subjects=subjects_of(out),
        disclosed={"fields": DISCLOSED_FIELDS},
    )
    return out


@router.post(
    "/pairs/{pair_id}/decision",
    response={201: DecisionOut, 409: ErrorOut},
    summary="Confirm or reject a pair",
)
def decide(request: HttpRequest, pair_id: int, body: DecisionIn) -> Status[DecisionOut]:
    """Record a practitioner's decision with the reason. It binds every later linkage run
    until it is undone; 409 if it contradicts a decision in force."""
    require(request, Action.DECIDE_LINKS, object_type="candidate_pair", object_id=str(pair_id))
    pair = load_pair(pair_id)
    decide_pair = decisions.confirm if body.decision == "confirm" else decisions.reject
    user = request.user if request.user.is_authenticated else None
    decision = decide_pair(pair.record_l_id, pair.record_r_id, user=user, reason=body.reason)
    out = decision_out(decision)
    audit(
        request,
        "write",
        "clerical_decision",
        str(decision.pk),
        subjects=out.persons,
        disclosed={"decision": body.decision, "pair": pair.pk},
    )
    return Status(201, out)


@router.post(
    "/decisions/{decision_id}/undo",
    response={200: DecisionOut, 409: ErrorOut},
    summary="Undo an identity decision",
)
def undo(request: HttpRequest, decision_id: int, body: UndoIn) -> DecisionOut:
    require(
        request, Action.DECIDE_LINKS, object_type="clerical_decision", object_id=str(decision_id)
    )
    decision = get_object_or_404(ClericalDecision, pk=decision_id)
    user = request.user if request.user.is_authenticated else None
    decisions.undo(decision, user=user, reason=body.reason)
    decision.refresh_from_db()
    out = decision_out(decision)
    audit(
        request,
        "write",
        "clerical_decision",
        str(decision.pk),
        subjects=out.persons,
        disclosed={"undo": True},
    )
    return out
