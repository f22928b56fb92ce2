"""`seen audit`: prove the audit log untouched, list who has looked at a person, and write a
person's subject-access report (PDF, CSV, HTML or Markdown, as the page downloads it:
seen.web.subject_access_files; or JSON, the report's raw data). Each run reads personal data,
so each is itself recorded."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from seen.access.cli import add_identity_arguments, require
from seen.access.policy import Action, ChildRef
from seen.access.shielding import cleared
from seen.audit.log import record, verify
from seen.audit.models import Via
from seen.casefile import disclosure
from seen.casefile.looks import look_line
from seen.people.models import Person
from seen.web.subject_access_files import FORMATS, document
from seen.web.subject_access_words import report_in_words

JSON = "json"  # the report's raw data, as disclosure.subject_access gives it


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"--anchor takes SEQ:HASH (64 hex digits), not {text!r}")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = (
        "The audit log. `verify [--anchor SEQ:HASH]` recomputes the hash chain and names every "
        "altered, missing or moved entry and every missing guard (exit 1); `who-looked REF` "
        "lists every entry about a person; `subject-access REF --out FILE [--format F]` writes "
        "what Seen holds about a person and who has seen it (pdf, csv, html, markdown or json; "
        "markdown unless --format or --json says otherwise). who-looked and subject-access show "
        "case data: name yourself with --user and your purpose with --purpose (the child's lead "
        "practitioner, a safeguarding lead or the data-protection officer; subject access: the "
        "data-protection officer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser("verify", help="prove the audit log untouched")
        check.add_argument(
            "--anchor",
            type=_anchor,
            help="SEQ:HASH of an entry noted earlier outside the database; it must still match",
        )
        looked = actions.add_parser("who-looked", help="every audit entry about a person")
        looked.add_argument("reference", help="the person's reference, e.g. P00000012")
        looked.add_argument("--json", action="store_true", help="JSON instead of text")
        access = actions.add_parser("subject-access", help="a person's subject-access report")
        access.add_argument("reference", help="the person's reference, e.g. P00000012")
        access.add_argument("--out", required=True, type=Path, help="the file to write")
        access.add_argument(
            "--format",
            choices=[*FORMATS, JSON],
            default="markdown",
            help="the file's format (default markdown; json: the report's raw data)",
        )
        access.add_argument("--json", action="store_true", help="the same as --format json")
        check.add_argument("--user", help="the username asking (default: the system)")
        for sub in (looked, access):
            add_identity_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":  # hashes only: no case data is shown
            self._verify(self._user(options["user"]), options["anchor"])
            return
        person = self._person(options["reference"])
        if options["action"] == "who-looked":
            user, _ = require(
                options,
                Action.WHO_LOOKED,
                ChildRef(person=person.pk),
                object_type="person",
                object_id=person.reference,
            )
            self._who_looked(user, options["reference"], as_json=options["json"])
        else:
            user, _ = require(
                options, Action.SUBJECT_ACCESS, object_type="person", object_id=person.reference
            )
            self._subject_access(
                user,
                options["reference"],
                options["out"],
                wanted=JSON if options["json"] else options["format"],
                purpose=options["purpose"],
            )

    def _user(self, username: str | None) -> AbstractBaseUser | None:
        if username is None:
            return None
        try:
            return get_user_model()._default_manager.get_by_natural_key(username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"no user {username!r}") from error

    def _person(self, reference: str) -> Person:
        try:
            return disclosure.current(reference)
        except Person.DoesNotExist as error:
            raise CommandError(f"no person {reference!r}") from error

    def _verify(self, user: AbstractBaseUser | None, anchor: tuple[int, str] | None) -> None:
        result = verify(anchor=anchor)
        faults = len(result.faults) + result.faults_not_listed
        record(
            user=user,
            action="read",
            via=Via.COMMAND,
            purpose="audit",
            object_type="audit_log",
            object_id="",
            disclosed={
                "checked": result.checked,
                "ok": result.ok,
                "first_bad_seq": result.first_bad_seq,
                "faults": faults,
            },
        )
        if result.ok:
            self.stdout.write(f"audit log intact: {result.checked} entries")
            self.stdout.write(
                f"head hash (note it elsewhere to anchor later runs): {result.head_hash}"
            )
            return
        found = "1 fault" if faults == 1 else f"{faults} faults"
        if result.first_bad_seq is None:
            where = f"its {result.checked} entries are intact"
        else:
            before = f"entries 1 to {result.checked}" if result.checked else "no entry"
            where = f"first bad entry {result.first_bad_seq}; {before} before it intact"
        self.stderr.write(f"audit log NOT intact: {found} ({where})")
        for fault in result.faults:
            entry = "" if fault.seq is None else f"entry {fault.seq}"
            when = f" (written {fault.at.isoformat()})" if fault.at else ""
            self.stderr.write(
                f"- {entry}{when}: {fault.problem}" if entry else f"- {fault.problem}"
            )
        if result.faults_not_listed:
            self.stderr.write(f"- and {result.faults_not_listed} more faults not listed")
        sys.exit(1)

    def _who_looked(self, user: AbstractBaseUser | None, reference: str, *, as_json: bool) -> None:
        person = self._person(reference)
        looks = disclosure.who_looked(person)
        record(
            user=user,
            action="read",
            via=Via.COMMAND,
            purpose="audit",
            object_type="person",
            object_id=person.reference,
            subject=person.reference,
            disclosed={"audit_entries": len(looks)},
        )
        if as_json:
            self.stdout.write(json.dumps({"person": person.reference, "looks": looks}, indent=2))
            return
        count = "1 audit entry" if len(looks) == 1 else f"{len(looks)} audit entries"
        self.stdout.write(f"{count} about {person.reference}")
        for row in looks:
            self.stdout.write(look_line(row))

    def _subject_access(
        self,
        user: AbstractBaseUser | None,
        reference: str,
        out: Path,
        *,
        wanted: str,
        purpose: str,
    ) -> None:
        person = self._person(reference)
        # shielded values stay hidden unless the officer holds shielding clearance, as on the page
        report = disclosure.redacted(disclosure.subject_access(person), clearance=cleared(user))
        if wanted == JSON:
            body = (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        else:
            body = document(report_in_words(report), wanted).body
        # Recorded first, kept only if the file is written: an export is never unrecorded.
        with transaction.atomic():
            record(
                user=user,
                action="export",
                via=Via.COMMAND,
                purpose=purpose,
                object_type="person",
                object_id=person.reference,
                subject=person.reference,
                disclosed={**disclosure.summary(report), "format": wanted},
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(body)
        self.stdout.write(
            f"subject-access report for {person.reference} written to {out} ({wanted}): "
            f"{len(report['records'])} records, {len(report['facts'])} facts, "
            f"{len(report['alerts'])} alerts, {len(report['seen_by'])} audit entries"
        )
