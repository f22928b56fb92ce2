"""`seen access`: break glass, its review, the lawful basis of a share, and shielding, from the
command line (the practitioners' pages will offer the same services)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seen.access import services
from seen.access.cli import add_identity_arguments, audit, named_user, require
from seen.access.models import BreakGlass, Share, Shield
from seen.access.policy import Action
from seen.casefile.subjects import NoSuchChild, Subject, resolve_child
from seen.core import clock
from seen.people.models import SourceRecord


class Command(BaseCommand):
    help = (
        "Access beyond the ordinary. `break-glass REF --reason R` opens 4 hours' access to a "
        "child without a relationship; `break-glass-reviews` lists sessions awaiting review and "
        "`review ID --outcome O` records a safeguarding lead's review; `basis REF --basis "
        "consent|safeguarding_without_consent [--why-no-consent W]` records the lawful basis "
        "before household detail is shared; `shield RECORD_ID --scope address|record --reason "
        "refuge|domestic_abuse_risk|adoption|other` shields a source record's address or the "
        "whole record. Every action names --user and --purpose and is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        glass = actions.add_parser("break-glass", help="time-limited access to one child")
        glass.add_argument("reference", help="the child's reference (P… born, U… unborn)")
        glass.add_argument("--reason", required=True)
        reviews = actions.add_parser("break-glass-reviews", help="sessions awaiting review")
        reviews.add_argument("--json", action="store_true")
        review = actions.add_parser("review", help="review a break-glass session")
        review.add_argument("session", type=int)
        review.add_argument("--outcome", required=True)
        basis = actions.add_parser("basis", help="record the lawful basis of a share")
        basis.add_argument("reference", help="the child's reference (P… born, U… unborn)")
        basis.add_argument("--basis", required=True, choices=Share.Basis.values)
        basis.add_argument("--why-no-consent", default="")
        shield = actions.add_parser("shield", help="shield a source record's address or whole")
        shield.add_argument("record", type=int, help="the source record's id")
        shield.add_argument("--scope", required=True, choices=Shield.Scope.values)
        shield.add_argument("--reason", required=True, choices=Shield.Reason.values)
        shield.add_argument("--note", default="")
        for sub in (glass, reviews, review, basis, shield):
            add_identity_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _child(self, reference: str) -> Subject:
        """The child a reference names (P… born, U… unborn); an adult's reference, or one Seen
        holds no one under, is answered alike."""
        try:
            return resolve_child(reference)
        except NoSuchChild:
            raise CommandError(f"Seen holds no child {reference!r}") from None

    def _break_glass(self, options: dict[str, Any]) -> None:
        user, subject = named_user(options), self._child(options["reference"])
        purpose = options["purpose"] or ""
        try:
            session = services.break_glass(
                user,
                subject.person,
                options["reason"],
                pregnancy=subject.pregnancies[0].pk if subject.person is None else None,
                purpose=purpose,
                about=subject.ref,
            )
        except services.AccessRefused as error:
            audit(
                user,
                "denied",
                purpose,
                "break_glass",
                subject.reference,
                subject=subject.reference,
                outcome="denied",
                reason=str(error),
            )
            raise CommandError(f"refused: {error}") from None
        audit(
            user,
            "break_glass",
            purpose,
            "break_glass",
            str(session.pk),
            subject=subject.reference,
            disclosed={"reason": session.reason},
        )
        self.stdout.write(
            f"break-glass session {session.pk} open on {subject.reference} until "
            f"{session.expires_at:%d %b %Y %H:%M}; it will be reviewed by a safeguarding lead"
        )

    def _break_glass_reviews(self, options: dict[str, Any]) -> None:
        user, _ = require(options, Action.REVIEW_BREAK_GLASS, object_type="break_glass")
        rows: list[dict[str, Any]] = [
            {
                "session": s.pk,
                "user": s.user.get_username(),
                "child": s.child_reference,
                "reason": s.reason,
                "started_at": s.started_at.isoformat(),
                "expired": s.expires_at <= clock.now(),
            }
            for s in services.break_glass_to_review()
        ]
        audit(
            user,
            "read",
            options["purpose"],
            "break_glass",
            subjects=[r["child"] for r in rows],
            disclosed={"sessions": [r["session"] for r in rows]},
        )
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("no break-glass sessions awaiting review")
        for row in rows:
            self.stdout.write(
                f"#{row['session']} {row['user']} on {row['child']} at {row['started_at'][:16]}: "
                f"{row['reason']}"
            )

    def _review(self, options: dict[str, Any]) -> None:
        user, _ = require(
            options,
            Action.REVIEW_BREAK_GLASS,
            object_type="break_glass",
            object_id=str(options["session"]),
        )
        session = BreakGlass.objects.filter(pk=options["session"]).first()
        if session is None:
            raise CommandError(f"no break-glass session {options['session']}")
        try:
            services.review_break_glass(session, user, options["outcome"])
        except services.AccessRefused as error:
            raise CommandError(f"refused: {error}") from None
        audit(
            user,
            "write",
            options["purpose"],
            "break_glass",
            str(session.pk),
            subject=session.child_reference,
            disclosed={"outcome": session.review_outcome},
        )
        self.stdout.write(f"break-glass session {session.pk} reviewed")

    def _basis(self, options: dict[str, Any]) -> None:
        user, subject = named_user(options), self._child(options["reference"])
        try:
            share = services.record_basis(
                user,
                subject.person,
                options["purpose"] or "",
                options["basis"],
                options["why_no_consent"],
                pregnancy=subject.pregnancies[0].pk if subject.person is None else None,
                about=subject.ref,
            )
        except services.AccessRefused as error:
            audit(
                user,
                "denied",
                options["purpose"] or "",
                "share",
                subject.reference,
                subject=subject.reference,
                outcome="denied",
                reason=str(error),
            )
            raise CommandError(f"refused: {error}") from None
        audit(
            user,
            "write",
            options["purpose"],
            "share",
            str(share.pk),
            subject=subject.reference,
            disclosed={"basis": share.basis},
        )
        self.stdout.write(
            f"lawful basis recorded for {subject.reference}: {share.get_basis_display()}"
        )

    def _shield(self, options: dict[str, Any]) -> None:
        record = SourceRecord.objects.filter(pk=options["record"]).select_related("person").first()
        if record is None:
            raise CommandError(f"no source record {options['record']}")
        user, _ = require(
            options, Action.SHIELD, object_type="source_record", object_id=str(record.pk)
        )
        shield = Shield.objects.create(
            record=record,
            scope=options["scope"],
            reason=options["reason"],
            note=options["note"],
            created_by=user,
            created_at=clock.now(),
        )
        subject = record.person.reference if record.person else ""
        audit(
            user,
            "write",
            options["purpose"],
            "shield",
            str(shield.pk),
            subject=subject,
            disclosed={"scope": shield.scope, "reason": shield.reason},
        )
        self.stdout.write(f"record {record.pk} shielded ({shield.get_scope_display()})")
