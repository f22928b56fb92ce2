"""Who has looked at a person, the subject-access report, and `seen audit`: outputs, exit codes,
and each command's own entry in the log."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.management import CommandError, call_command

from seen.audit.log import record, verify
from seen.audit.models import AuditEvent
from seen.casefile import disclosure
from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.linkage import decisions
from seen.linkage.models import LinkRun
from seen.linkage.resolve import recluster
from seen.people.models import Person, SourceRecord
from seen.rules.models import Alert
from seen.web.subject_access_files import as_markdown
from seen.web.subject_access_words import report_in_words
from tests.audit.conftest import raw

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)


def _look(user: Any, person: Person, *, purpose: str = "direct_care", **extra: Any) -> AuditEvent:
    fields: dict[str, Any] = {
        "user": user,
        "action": "read",
        "via": "page",
        "purpose": purpose,
        "object_type": "person",
        "object_id": person.reference,
        "subject": person.reference,
        "disclosed": {"fields": ["name", "dob", "flag"]},
    }
    fields.update(extra)
    return record(**fields)


def _alert(child: Person, people: list[list[Any]]) -> Alert:
    return Alert.objects.create(
        rule_id="man-with-relevant-history",
        rule_version=1,
        key=f"{child.reference}:test",
        child_key=child.reference,
        child=child,
        people=people,
        explanation="A man with a domestic-abuse conviction is the baby's father.",
        severity="high",
        raised_at=MORNING,
        deadline=MORNING + timedelta(days=1),
        owner_role="social_worker",
        routed_because="test",
    )


@pytest.fixture
def dpo() -> Any:
    """The data-protection officer, who may run who-looked and subject-access for anyone."""
    from django.contrib.auth import get_user_model

    from seen.access.models import Role, StaffProfile

    user = get_user_model().objects.create_user("dee.dpo", password="a-long-test-password-1")
    StaffProfile.objects.create(user=user, role=Role.DATA_PROTECTION_OFFICER)
    return user


AS_DPO = ("--user", "dee.dpo", "--purpose", "audit")


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_who_looked_lists_every_look_at_the_person_only(
    family: dict[str, Person], midwife: Any
) -> None:
    baby, father = family["B1"], family["F1"]
    with clock.frozen_at(MORNING):
        _look(midwife, baby)
        _look(midwife, father, purpose="safeguarding_enquiry")
        _look(None, baby, action="notify", via="command", disclosed=["flag"])
    looks = disclosure.who_looked(baby)
    assert [(row["user"], row["role"], row["agency"], row["action"]) for row in looks] == [
        ("ann.midwife", "midwife", "QAV-MAT", "read"),
        ("", "system", "", "notify"),
    ]
    assert looks[0]["purpose"] == "direct_care"
    assert looks[0]["at"] == MORNING.isoformat()
    assert looks[0]["disclosed"] == {"fields": ["name", "dob", "flag"]}


def test_who_looked_at_a_father_counts_the_child_pages_that_showed_him(
    family: dict[str, Person], midwife: Any
) -> None:
    """A look at the baby's page that showed the people around her is a look at the father."""
    baby, father = family["B1"], family["F1"]
    with clock.frozen_at(MORNING):
        _look(
            midwife,
            baby,
            object_type="child",
            disclosed={"level": "household", "people": [father.reference, "record:7"]},
        )
        _look(midwife, baby, object_type="child", disclosed={"level": "flag", "flags": []})
    looks = disclosure.who_looked(father)
    assert [(row["object_type"], row["subject"]) for row in looks] == [("child", baby.reference)]


def test_who_looked_follows_a_reference_merged_into_the_person(
    extract: Callable[..., Path],
) -> None:
    ingest_extract(extract())
    recluster(
        LinkRun.objects.create(
            kind=LinkRun.Kind.BATCH,
            auto_link_threshold=0.99,
            review_threshold=0.5,
            started_at=clock.now(),
        )
    )
    f1, p77 = (SourceRecord.objects.get(local_id=i) for i in ("F1", "P77"))
    assert f1.person is not None and p77.person is not None
    before = {f1.person, p77.person}
    for person in before:
        _look(None, person)
    decisions.confirm(f1, p77, user=None, reason="same man (test)")
    (merged,) = Person.objects.filter(merged_into__isnull=False)
    survivor = disclosure.current(merged.reference)
    assert survivor != merged and survivor in before
    assert {row["subject"] for row in disclosure.who_looked(survivor)} == {
        p.reference for p in before
    }


def test_subject_access_holds_records_facts_alerts_and_viewers(
    family: dict[str, Person], midwife: Any
) -> None:
    father, baby = family["F1"], family["B1"]
    _alert(baby, [[father.pk, "father"], [family["M1"].pk, "mother"]])
    with clock.frozen_at(MORNING):
        _look(midwife, father, purpose="safeguarding_enquiry")
    report = disclosure.subject_access(father)

    assert report["person"] == father.reference
    assert {(r["agency"], r["local_id"]) for r in report["records"]} == {
        ("QAV-MAT", "F1"),
        ("POL", "P77"),
    }
    police = next(r for r in report["records"] if r["agency"] == "POL")
    assert police["fields"]["forename"] == "Bob" and police["fields"]["dob"] == "1995-11-02"
    assert police["agency_name"] == "Partnership Police"

    facts = {(f["type"], f["local_id"]): f for f in report["facts"]}
    assert set(facts) == {("contact", "C1"), ("conviction", "CV1")}
    assert facts[("contact", "C1")]["as"] == ["father"]
    assert facts[("contact", "C1")]["fields"]["child"] == baby.reference  # a reference, no name
    assert facts[("contact", "C1")]["fields"]["father"] == "this person"
    assert facts[("conviction", "CV1")]["fields"]["offence_category"] == "domestic_abuse"
    assert [(r["local_id"], r["as"]) for r in report["relationships"]] == [("R2", ["person"])]
    assert [r["local_id"] for r in report["residences"]] == ["A2"]

    (alert,) = report["alerts"]
    assert alert["as"] == ["father"] and alert["rule"] == "man-with-relevant-history"
    (look,) = report["seen_by"]
    assert (look["user"], look["role"], look["purpose"]) == (
        "ann.midwife",
        "midwife",
        "safeguarding_enquiry",
    )
    # Other people appear by reference only: the mother's and the baby's names are not here.
    text = json.dumps(report)
    assert "Jade" not in text and "Hollis" not in text

    markdown = as_markdown(report_in_words(report))
    assert "### Partnership Police record P77" in markdown and "### Conviction CV1" in markdown
    assert "Who: ann.midwife; Role: Midwife; Agency: Quarry Vale Maternity" in markdown
    assert "Date of birth: 2 November 1995" in markdown and "1995-11-02" not in markdown


def test_subject_access_for_a_baby_reaches_through_the_pregnancy(
    family: dict[str, Person],
) -> None:
    baby = family["B1"]
    _alert(baby, [])
    report = disclosure.subject_access(baby)
    assert [(p["local_id"], p["as"]) for p in report["pregnancies"]] == [("PR1", ["child"])]
    assert {(r["local_id"], tuple(r["as"])) for r in report["relationships"]} == {
        ("R1", ("child",)),
        ("R2", ("pregnancy",)),  # the father, recorded against the pregnancy that became her
    }
    assert [(f["type"], f["as"]) for f in report["facts"]] == [("contact", ["child"])]
    assert [a["as"] for a in report["alerts"]] == [["child"]]
    assert report["seen_by"] == []


def test_verify_command_says_intact_and_records_itself() -> None:
    for n in range(4):
        _look(None, Person(reference=f"P0000000{n}"))
    code, out, _ = _run("verify")
    assert code == 0
    assert out.startswith("audit log intact: 4 entries")
    own = AuditEvent.objects.get(seq=5)
    assert (own.via, own.purpose, own.object_type, own.role) == (
        "command",
        "audit",
        "audit_log",
        "system",
    )
    code, out, _ = _run("verify")
    assert code == 0 and "intact: 5 entries" in out
    assert verify().ok


def test_verify_command_names_every_altered_entry(
    tamper: Callable[[], AbstractContextManager[None]],
) -> None:
    with clock.frozen_at(MORNING):
        for n in range(5):
            _look(None, Person(reference=f"P0000000{n}"))
    with tamper():
        raw("UPDATE audit_auditevent SET purpose = 'audit' WHERE seq IN (2, 4)")
    code, out, err = _run("verify")
    assert code == 1 and out == ""
    assert "first bad entry 2" in err and MORNING.isoformat() in err and "altered" in err
    assert "entries 1 to 1 before it intact" in err
    # every fault, not only the first
    assert "2 faults" in err and "- entry 2 (written" in err and "- entry 4 (written" in err


def test_verify_command_fails_when_the_guards_are_gone(
    tamper: Callable[[], AbstractContextManager[None]],
) -> None:
    _look(None, Person(reference="P00000001"))
    with tamper():
        code, out, err = _run("verify")
    assert code == 1 and out == ""
    assert "its 1 entries are intact" in err and "trigger" in err and "disabled" in err


def test_verify_command_checks_an_anchor() -> None:
    first = _look(None, Person(reference="P00000001"))
    assert _run("verify", "--anchor", f"1:{first.hash}")[0] == 0
    code, _, err = _run("verify", "--anchor", f"1:{'a' * 64}")
    assert code == 1 and "anchored" in err
    with pytest.raises(CommandError):
        _run("verify", "--anchor", "one")


def test_who_looked_command_text_and_json(
    family: dict[str, Person], midwife: Any, dpo: Any
) -> None:
    baby = family["B1"]
    with clock.frozen_at(MORNING):
        _look(midwife, baby)
    code, out, _ = _run("who-looked", baby.reference, *AS_DPO)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"1 audit entry about {baby.reference}"
    assert "ann.midwife (midwife, QAV-MAT) read person" in lines[1]
    assert "for direct_care" in lines[1] and "name, dob, flag" in lines[1]

    # The first run is itself on record, as a look at the baby by the officer.
    code, out, _ = _run("who-looked", baby.reference, "--json", *AS_DPO)
    data = json.loads(out)
    assert data["person"] == baby.reference
    assert [row["purpose"] for row in data["looks"]] == ["direct_care", "audit"]
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    assert (last.username, last.subject, last.via, last.disclosed) == (
        "dee.dpo",
        baby.reference,
        "command",
        {"audit_entries": 2},
    )


def test_subject_access_command_writes_json_and_markdown(
    family: dict[str, Person], midwife: Any, dpo: Any, tmp_path: Path
) -> None:
    father = family["P77"]
    _look(midwife, father)
    out_json = tmp_path / "sar" / "father.json"
    code, out, _ = _run(
        "subject-access", father.reference, "--out", str(out_json), "--json", *AS_DPO
    )
    assert code == 0 and str(out_json) in out
    report = json.loads(out_json.read_text())
    assert len(report["records"]) == 2 and len(report["facts"]) == 2
    assert [row["user"] for row in report["seen_by"]] == ["ann.midwife"]

    export = AuditEvent.objects.order_by("-seq").first()
    assert export is not None
    assert (export.action, export.purpose, export.subject) == (
        "export",
        "audit",  # the purpose the officer declared
        father.reference,
    )
    assert export.disclosed["records"] == 2 and "forename" in export.disclosed["fields"]
    assert "Tanner" not in json.dumps(export.disclosed)  # names of fields, never values

    out_md = tmp_path / "father.md"
    code, _, _ = _run("subject-access", father.reference, "--out", str(out_md), *AS_DPO)
    text = out_md.read_text()
    assert code == 0 and text.startswith(f"# Subject-access report for {father.reference}")
    assert "## Who has seen it" in text and "Downloaded person" in text  # the JSON export
    assert verify().ok


def test_subject_access_command_writes_the_pages_pdf_and_csv(
    family: dict[str, Person], midwife: Any, dpo: Any, tmp_path: Path
) -> None:
    """The command takes the formats the page downloads, and writes what the page would."""
    father = family["P77"]
    _look(midwife, father)
    pdf_file, csv_file = tmp_path / "father.pdf", tmp_path / "father.csv"
    as_pdf = ("--out", str(pdf_file), "--format", "pdf")
    assert _run("subject-access", father.reference, *as_pdf, *AS_DPO)[0] == 0
    pdf = pikepdf.open(pdf_file)
    assert pdf.Root.MarkInfo.Marked is True
    with pdf.open_metadata() as metadata:
        assert metadata.get("dc:title") == f"Subject-access report for {father.reference}"
        assert metadata.get("pdfuaid:part") == "1"
    code, out, _ = _run(
        "subject-access", father.reference, "--out", str(csv_file), "--format", "csv", *AS_DPO
    )
    assert code == 0 and "(csv)" in out
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text(encoding="utf-8"))))
    assert {"Section", "Item", "Source", "Details"} == set(rows[0])
    police = next(r for r in rows if r["Item"] == "Partnership Police record P77")
    assert "Date of birth: 2 November 1995" in police["Details"]
    looks = [r for r in rows if r["Section"] == "Who has seen it"]
    assert len(looks) == 2  # the midwife, and the PDF just written
    assert "Downloaded person" in looks[1]["Details"]
    exports = AuditEvent.objects.filter(action="export", via="command").order_by("seq")
    assert [e.disclosed["format"] for e in exports] == ["pdf", "csv"]
    as_docx = ("--out", str(tmp_path / "x"), "--format", "docx")
    with pytest.raises(CommandError, match="invalid choice"):
        _run("subject-access", father.reference, *as_docx, *AS_DPO)
    assert not (tmp_path / "x").exists()


def test_subject_access_command_hides_a_shielded_address_without_clearance(
    family: dict[str, Person], dpo: Any, tmp_path: Path
) -> None:
    from seen.access.models import Shield
    from seen.core import clock

    mother = family["M1"]
    Shield.objects.create(
        record=SourceRecord.objects.get(local_id="M1"),
        scope=Shield.Scope.ADDRESS,
        reason=Shield.Reason.REFUGE,
        created_at=clock.now(),
    )
    out = tmp_path / "mother.json"
    assert _run("subject-access", mother.reference, "--out", str(out), "--json", *AS_DPO)[0] == 0
    assert "QA1 2BC" not in out.read_text() and "[shielded]" in out.read_text()
    dpo.staff_profile.shielding_clearance = True
    dpo.staff_profile.save()
    assert _run("subject-access", mother.reference, "--out", str(out), "--json", *AS_DPO)[0] == 0
    assert "QA1 2BC" in out.read_text()


def test_commands_refuse_an_unknown_person_or_user(family: dict[str, Person]) -> None:
    with pytest.raises(CommandError, match="no person"):
        _run("who-looked", "P99999999", *AS_DPO)
    with pytest.raises(CommandError, match="no active user"):
        _run("who-looked", family["B1"].reference, "--user", "nobody", "--purpose", "audit")
    with pytest.raises(CommandError, match="name yourself with --user"):
        _run("who-looked", family["B1"].reference)
    assert not AuditEvent.objects.exists()


def test_commands_refuse_a_role_without_the_right_and_record_it(
    family: dict[str, Person], midwife: Any, tmp_path: Path
) -> None:
    # a midwife declares direct care (she may not declare audit: docs/access.md, purposes)
    as_midwife = ("--user", midwife.username, "--purpose", "direct_care")
    with pytest.raises(CommandError, match="refused: only the child's lead practitioner"):
        _run("who-looked", family["B1"].reference, *as_midwife)
    with pytest.raises(CommandError, match="refused: the Midwife role may not subject access"):
        _run("subject-access", family["P77"].reference, "--out", str(tmp_path / "x"), *as_midwife)
    assert not (tmp_path / "x").exists()
    looks = AuditEvent.objects.without_access_changes().values_list("action", "outcome")
    assert list(looks) == [("denied", "denied")] * 2
