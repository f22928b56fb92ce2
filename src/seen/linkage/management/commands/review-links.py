"""`seen review-links`: the clerical review queue, and deciding a pair from the command line."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.access.cli import add_identity_arguments, audit, require
from seen.access.policy import Action
from seen.access.shielding import cleared, redact, shields_of
from seen.linkage import decisions
from seen.linkage.models import CandidatePair
from seen.linkage.review import ReviewItem, held_back_because, review_queue
from seen.people.models import SourceRecord


def _describe(record: SourceRecord, shields: set[str], clearance: bool) -> dict[str, Any]:
    values = {
        "record": record.pk,
        "agency": record.agency.code,
        "local_id": record.local_id,
        "name": " ".join(p for p in (record.forename, record.surname) if p),
        "dob": record.dob.isoformat() if record.dob else None,
        "sex": record.sex,
        "person": record.person.reference if record.person else None,
    }
    return redact(values, shields, clearance=clearance)


def _item(item: ReviewItem, shields: dict[int, set[str]], clearance: bool) -> dict[str, Any]:
    pair = item.pair
    return {
        "pair": pair.pk,
        "priority": item.why_first,
        "match_probability": round(pair.match_probability, 4),
        "match_weight": round(pair.match_weight, 2),
        "evidence": pair.evidence,
        "held_back_because": held_back_because(pair),
        "left": _describe(pair.record_l, shields.get(pair.record_l_id, set()), clearance),
        "right": _describe(pair.record_r, shields.get(pair.record_r_id, set()), clearance),
    }


class Command(BaseCommand):
    help = (
        "List record pairs awaiting review (the review band, and automatic links held back, "
        "with the reason), most important first (a man linked to a baby first), or decide "
        "one: `seen review-links decide PAIR confirm|reject --reason R --user NAME --purpose P`. "
        "Decisions bind every later linkage run until undone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", default="list", choices=["list", "decide"])
        parser.add_argument("pair", nargs="?", type=int, help="pair id (decide)")
        parser.add_argument("decision", nargs="?", choices=["confirm", "reject"])
        parser.add_argument("--reason", default="", help="why (required to decide)")
        add_identity_arguments(parser)
        parser.add_argument("--limit", type=int, default=50, help="pairs to list (default 50)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "decide":
            self._decide(options)
            return
        user, _ = require(options, Action.VIEW_LINK_QUEUE, object_type="review_queue")
        queue = review_queue(limit=options["limit"])
        shields = shields_of(r for i in queue for r in (i.pair.record_l_id, i.pair.record_r_id))
        items = [_item(i, shields, cleared(user)) for i in queue]
        audit(
            user,
            "read",
            options["purpose"],
            "review_queue",
            disclosed={"pairs": [i["pair"] for i in items], "fields": ["name", "dob", "sex"]},
        )
        if options["json"]:
            self.stdout.write(json.dumps(items, indent=2))
            return
        if not items:
            self.stdout.write("no pairs awaiting review")
        for item in items:
            left, right = item["left"], item["right"]
            reason = item["held_back_because"]
            held = f"\n    held back: {reason}" if reason else ""
            self.stdout.write(
                f"pair {item['pair']}  p={item['match_probability']:.4f}  ({item['priority']})\n"
                f"    {left['agency']}:{left['local_id']} {left['name']} {left['dob'] or ''}\n"
                f"    {right['agency']}:{right['local_id']} {right['name']} {right['dob'] or ''}"
                f"{held}"
            )

    def _decide(self, options: dict[str, Any]) -> None:
        if options["pair"] is None or options["decision"] is None:
            raise CommandError("usage: seen review-links decide PAIR confirm|reject --reason R")
        pair = CandidatePair.objects.filter(pk=options["pair"]).first()
        if pair is None:
            raise CommandError(f"no pair with id {options['pair']}")
        user, _ = require(
            options, Action.DECIDE_LINKS, object_type="candidate_pair", object_id=str(pair.pk)
        )
        decide = decisions.confirm if options["decision"] == "confirm" else decisions.reject
        try:
            decision = decide(
                pair.record_l_id, pair.record_r_id, user=user, reason=options["reason"]
            )
        except decisions.DecisionRefused as error:
            raise CommandError(str(error)) from None
        audit(
            user,
            "write",
            options["purpose"],
            "clerical_decision",
            str(decision.pk),
            disclosed={"decision": options["decision"], "pair": pair.pk},
        )
        self.stdout.write(f"recorded decision {decision.pk}: {decision.kind}")
