"""A CIN census return loaded through Seen's one ingest: what each element becomes, importing
again changes nothing, a failure part-way leaves nothing, the quarantine is Seen's own (and a
corrected child resolves it), a record the authority sent with a name is left as sent, an unborn
child's facts follow it once born, and the command prints the outcome."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from seen.areas.models import Agency
from seen.core.errors import NotFound
from seen.facts.models import Assessment, Conference, Plan, PreProceedings, Referral
from seen.ingest import table_loader
from seen.ingest.loader import ingest_extract
from seen.ingest.models import IngestBatch, QuarantinedRow, RowVersion
from seen.ingest.schema import TABLES
from seen.interchange import cin_census
from seen.interchange.cin_census import import_return
from seen.interchange.cin_load import CENSUS_FILE, CensusNotLoaded
from seen.interchange.outcome import ImportOutcome
from seen.people.models import Pregnancy, SourceRecord
from tests.fixtures.partnership import write_extract
from tests.interchange import cin_xml
from tests.interchange.cin_xml import AGENCY, census, child, episode, full_episode, section_47

council = cin_xml.council


def _import(path: Path, **options: Any) -> ImportOutcome:
    return import_return(path, AGENCY, link=options.pop("link", False), **options)


def _return(tmp_path: Path, *children: str, name: str = "return.xml", **options: str) -> Path:
    return cin_xml.write(tmp_path, census(*children, **options), name)


def test_each_element_becomes_its_row(council: Agency, tmp_path: Path) -> None:
    outcome = _import(_return(tmp_path, child(full_episode())))
    assert outcome.faults == [] and outcome.children_loaded == 1
    record = SourceRecord.objects.get(local_id="C1")
    assert (record.dob, record.sex, record.ethnicity, record.upn) == (
        date(2024, 12, 10),
        "male",
        "WBRI",
        "A123456789012",
    )
    assert (record.forename, record.surname, record.nhs_number) == ("", "", "")
    referral = Referral.objects.get()
    assert referral.local_id == "C1.referral.2025-01-01" and referral.child == record
    assert (referral.kind, referral.to_agency, referral.source, referral.primary_need) == (
        "childrens_social_care",
        council,
        "3B",
        "N1",
    )
    assert referral.no_further_action == "no"
    assessments = {a.kind: a for a in Assessment.objects.all()}
    family = assessments["child_and_family"]
    assert (family.occurred_on, family.completed_on, family.factors) == (
        date(2025, 1, 2),
        date(2025, 1, 20),
        ["3A", "2B"],
    )
    assert (family.father_involved, family.father_checks_done) == ("not_known", "not_known")
    assert assessments["section_47"].occurred_on == date(2025, 1, 5)
    conferences = sorted(Conference.objects.values_list("kind", "occurred_on"))
    assert conferences == [("initial", date(2025, 1, 25)), ("review", date(2025, 3, 20))]
    plans = {p.kind: p for p in Plan.objects.all()}
    assert plans["child_in_need"].end == date(2025, 1, 24)
    protection = plans["child_protection"]
    assert (protection.occurred_on, protection.category_of_abuse) == (date(2025, 1, 25), "Neglect")
    assert protection.latest_category_of_abuse == "Emotional Abuse" and protection.end is None
    proceedings = PreProceedings.objects.get()
    assert (proceedings.occurred_on, proceedings.decision_on, proceedings.outcome) == (
        date(2025, 2, 10),
        date(2025, 3, 25),
        "A",
    )
    assert proceedings.letter_sent_on == date(2025, 2, 11) and proceedings.child == record
    batch = IngestBatch.objects.get()
    assert batch.format_version == "1.1" and batch.extract_id.startswith("cin-census.QAV-CSC.")


def _snapshot() -> dict[str, list[tuple[str, ...]]]:
    state = {
        table.name: sorted(
            tuple(str(v) for v in row)
            for row in table.model._default_manager.values_list()  # type: ignore[attr-defined]
        )
        for table in TABLES
    }
    state["quarantine"] = sorted(
        (q.file, str(q.line), q.field, q.reason, q.status) for q in QuarantinedRow.objects.all()
    )
    state["versions"] = sorted((v.table, v.row_key) for v in RowVersion.objects.all())
    return state


def test_importing_the_same_return_again_changes_nothing(council: Agency, tmp_path: Path) -> None:
    path = _return(
        tmp_path, child(full_episode()), child(full_episode(), child_id="BAD", born=None)
    )
    first = _import(path)
    before = _snapshot()
    second = _import(path)
    assert _snapshot() == before
    assert (second.children_loaded, second.quarantined) == (
        first.children_loaded,
        first.quarantined,
    )
    assert second.faults == first.faults
    assert second.detail["unchanged"] == first.detail["accepted"] > 0
    assert second.detail["children_quarantine_rows_added"] == 0


@pytest.mark.django_db(transaction=True)
def test_a_failure_part_way_leaves_nothing(
    council: Agency, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _return(
        tmp_path, child(full_episode()), child(full_episode(), child_id="BAD", born=None)
    )
    load_chunk = table_loader.TableLoader.load_chunk

    def fail_at_plans(self: table_loader.TableLoader, rows: list[Any]) -> None:
        if self.table.name == "plans":
            raise RuntimeError("the disk is full")
        load_chunk(self, rows)

    monkeypatch.setattr(table_loader.TableLoader, "load_chunk", fail_at_plans)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _import(path)
    assert not SourceRecord.objects.exists() and not Referral.objects.exists()
    assert not QuarantinedRow.objects.exists() and not IngestBatch.objects.exists()
    monkeypatch.setattr(table_loader.TableLoader, "load_chunk", load_chunk)
    assert _import(path).children_loaded == 1


def test_a_row_the_ingest_would_refuse_loads_nothing_of_the_return(
    council: Agency, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ingest's own check of every row stands behind the census's (here bypassed)."""
    rows_for = cin_census.rows_for

    def with_a_bad_row(*args: Any) -> Any:
        rows, warnings = rows_for(*args)
        rows["people"] = [{**row, "sex": "unknown"} for row in rows["people"]]
        return rows, warnings

    monkeypatch.setattr(cin_census, "rows_for", with_a_bad_row)
    monkeypatch.setattr(cin_census.ExtractFolder, "problems", lambda *args: [])
    path = _return(tmp_path, child(full_episode()), child(full_episode(), child_id="C2"))
    with pytest.raises(CensusNotLoaded, match=r"people\.csv line 2: 'unknown' is not one of"):
        _import(path)
    assert not SourceRecord.objects.exists() and not IngestBatch.objects.exists()
    assert not QuarantinedRow.objects.exists()


def test_a_faulty_child_is_kept_in_seens_quarantine_until_corrected(
    council: Agency, tmp_path: Path
) -> None:
    faulty = _import(_return(tmp_path, child(full_episode(), born=None), name="first.xml"))
    assert faulty.quarantined == 1
    [kept] = QuarantinedRow.objects.all()
    assert (kept.file, kept.line, kept.field) == (
        CENSUS_FILE,
        4,
        "ChildIdentifiers/PersonBirthDate",
    )
    assert kept.reason.startswith("rule 8525Q: the child has neither a date of birth")
    assert kept.row["LAchildID"] == "C1" and "<LAchildID>C1</LAchildID>" in kept.row["Child"]
    assert kept.row_key == f"{council.pk}/C1" and kept.status == "open"
    assert IngestBatch.objects.get().quarantined == 1
    corrected = _import(_return(tmp_path, child(full_episode()), name="second.xml"))
    assert corrected.children_loaded == 1
    kept.refresh_from_db()
    assert kept.status == "resolved" and kept.resolved_at is not None


def test_the_quarantine_shows_in_seen_quarantine_list(council: Agency, tmp_path: Path) -> None:
    _import(_return(tmp_path, child(full_episode(), child_id="AB-1")))
    out = io.StringIO()
    call_command("quarantine", "list", stdout=out)
    assert "cin-census.xml line 4" in out.getvalue()
    assert "rule 1580: the LA child id holds characters other than letters and digits" in (
        out.getvalue()
    )


def test_a_record_the_authority_sent_with_a_name_is_left_as_sent(
    council: Agency, tmp_path: Path
) -> None:
    person = {
        "agency": AGENCY,
        "id": "C1",
        "forename": "Ruby",
        "surname": "Hollis",
        "dob": "2024-12-11",
        "sex": "female",
    }
    ingest_extract(write_extract(tmp_path / "persons", {"people": [person]}))
    outcome = _import(_return(tmp_path, child(full_episode())))
    assert outcome.children_loaded == 1
    [warning] = outcome.faults
    assert (warning.rule, warning.warning) == ("held-record", True)
    assert "2024-12-11" in warning.reason and "2024-12-10" in warning.reason
    record = SourceRecord.objects.get(local_id="C1")
    assert (record.forename, record.dob, record.version) == ("Ruby", date(2024, 12, 11), 1)
    assert Referral.objects.get().child == record


def test_an_unborn_childs_facts_follow_it_once_born(council: Agency, tmp_path: Path) -> None:
    unborn = child(
        episode(section_47(start="2025-02-01", conference=None), referral="2025-01-20"),
        born=None,
        expected="2025-06-01",
        sex="U",
    )
    assert _import(_return(tmp_path, unborn, name="2025.xml")).children_loaded == 1
    pregnancy = Pregnancy.objects.get(local_id="C1")
    assert Referral.objects.get().pregnancy == pregnancy
    born = child(
        episode(section_47(start="2025-02-01", conference=None), referral="2025-01-20"),
        born="2025-05-28",
        sex="F",
    )
    next_year = _return(tmp_path, born, name="2026.xml", reference="2026-03-31")
    assert _import(next_year).children_loaded == 1
    record = SourceRecord.objects.get(local_id="C1")
    pregnancy.refresh_from_db()
    assert (pregnancy.status, pregnancy.child, pregnancy.mother.local_id) == (
        "born",
        record,
        "C1.mother",
    )
    referral = Referral.objects.get()
    assert (referral.child, referral.pregnancy, referral.version) == (record, None, 2)
    assert RowVersion.objects.filter(table="referrals").count() == 1


def test_matching_and_the_rules_run_after_the_load_unless_told_not_to(
    council: Agency, tmp_path: Path
) -> None:
    path = _return(tmp_path, child(full_episode()))
    assert _import(path, link=True).detail["matching"]["status"] == "no_model"
    assert _import(path).detail["matching"]["status"] == "not_run"


def test_an_agency_that_is_not_held_is_refused(council: Agency, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no agency has the code 'NOPE'"):
        import_return(_return(tmp_path, child(full_episode())), "NOPE", link=False)
    assert not IngestBatch.objects.exists()


def test_the_command_prints_the_outcome_as_json(council: Agency, tmp_path: Path) -> None:
    path = _return(tmp_path, child(full_episode()), child(full_episode(), child_id="X_1"))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command(
            "import", "cin-census", str(path), "--agency", AGENCY, "--json", "--no-link", stdout=out
        )
    assert exit_code.value.code == 1  # a child was quarantined
    printed = json.loads(out.getvalue())
    assert (printed["children_loaded"], printed["quarantined"]) == (1, 1)
    assert printed["faults"] == [
        {
            "child": "X_1",
            "element": "ChildIdentifiers/LAchildID",
            "rule": "1580",
            "reason": "the LA child id holds characters other than letters and digits",
            "warning": False,
        }
    ]


def test_the_command_exits_0_when_every_child_loads(council: Agency, tmp_path: Path) -> None:
    out = io.StringIO()
    path = _return(tmp_path, child(full_episode()))
    call_command("import", "cin-census", str(path), "--agency", AGENCY, "--no-link", stdout=out)
    assert out.getvalue().startswith("1 children loaded, 0 quarantined")
