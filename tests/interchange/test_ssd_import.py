"""`seen import ssd DIR --agency CODE`: the sample local authority's tables loaded through the one
ingest (its batch, the agency's own rows), imported again with nothing changed, and the outcome
printed as JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from seen.facts import models as facts
from seen.ingest.loader import ingest_extract
from seen.ingest.models import IngestBatch, RowVersion
from seen.interchange.ssd import import_tables
from seen.people.models import Pregnancy, Relationship, Residence, Responsibility, SourceRecord
from tests.interchange.test_ssd_reader import AGENCY, Tables, sample, write_ssd

pytestmark = pytest.mark.django_db

CSC = {"code": AGENCY, "name": "Quarry Vale CSC", "kind": "childrens_social_care", "area": "QAV"}


@pytest.fixture
def partnership(extract: Callable[..., Path]) -> None:
    """The small partnership's areas and agencies, with the local authority's social care."""
    from tests.fixtures.partnership import small_partnership

    agencies = [*small_partnership()["agencies"], CSC]
    summary = ingest_extract(extract(agencies=agencies))
    assert not summary.refused_files


@pytest.fixture
def ssd(tmp_path: Path, partnership: None) -> Callable[..., Path]:
    counter = iter(range(100))

    def folder(tables: Tables | None = None) -> Path:
        return write_ssd(tmp_path / f"ssd{next(counter)}", tables or sample())

    return folder


def counts() -> dict[str, int]:
    return {
        "records": SourceRecord.objects.filter(agency__code=AGENCY).count(),
        "pregnancies": Pregnancy.objects.filter(agency__code=AGENCY).count(),
        "relationships": Relationship.objects.filter(agency__code=AGENCY).count(),
        "residences": Residence.objects.filter(agency__code=AGENCY).count(),
        "responsibilities": Responsibility.objects.filter(agency__code=AGENCY).count(),
        **{
            model.__name__: model.objects.filter(agency__code=AGENCY).count()
            for model in facts.FACT_MODELS
        },
        "versions": RowVersion.objects.count(),
    }


def test_the_tables_load_as_the_agencys_extract(ssd: Callable[..., Path]) -> None:
    outcome = import_tables(ssd(), AGENCY, link=False)
    assert (outcome.children_loaded, outcome.quarantined) == (2, 0)
    assert [f for f in outcome.faults if not f.warning] == []
    assert outcome.detail["quarantined"] == 0 and outcome.detail["refused_files"] == []
    held = counts()
    assert held["records"] == 4 and held["pregnancies"] == 2
    assert held["Plan"] == 3 and held["Assessment"] == 3 and held["Conference"] == 2
    assert held["Referral"] == 2 and held["Contact"] == 1 and held["CareLeaverStatus"] == 1
    assert held["responsibilities"] == 1 and held["residences"] == 2
    plan = facts.Plan.objects.get(local_id="cppl:9")
    assert plan.category_of_abuse == "Neglect" and plan.child is not None
    assert plan.child.local_id == "C1" and plan.child.nhs_number == "9990000026"
    pre_birth = facts.Assessment.objects.get(local_id="cina:AS2")
    assert pre_birth.pregnancy is not None and pre_birth.pregnancy.mother.local_id == "M1"
    batch = IngestBatch.objects.get(pk=outcome.detail["batch"])
    assert batch.extract_id == f"ssd-{AGENCY}"
    assert batch.matching == IngestBatch.Matching.NOT_RUN


def test_importing_the_same_tables_again_changes_nothing(ssd: Callable[..., Path]) -> None:
    folder = ssd()
    first = import_tables(folder, AGENCY, link=False)
    before = counts()
    again = import_tables(folder, AGENCY, link=False)
    assert counts() == before  # no new row, no new version
    assert again.detail["accepted"] == 0 and again.detail["unchanged"] == first.detail["accepted"]
    assert (again.children_loaded, again.quarantined) == (first.children_loaded, 0)


def test_a_changed_row_is_a_new_version(ssd: Callable[..., Path]) -> None:
    import_tables(ssd(), AGENCY, link=False)
    tables = sample()
    tables["ssd_cp_plans"][0]["cppl_cp_plan_end_date"] = "2026-01-31"
    again = import_tables(ssd(tables), AGENCY, link=False)
    assert again.detail["updated"] == 1
    assert str(facts.Plan.objects.get(local_id="cppl:9").end) == "2026-01-31"


def test_the_command_prints_the_outcome_as_json(ssd: Callable[..., Path]) -> None:
    out = io.StringIO()
    call_command("import", "ssd", str(ssd()), "--agency", AGENCY, "--json", "--no-link", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["children_loaded"] == 2 and printed["quarantined"] == 0
    assert isinstance(printed["faults"], list)
    assert printed["ingest"]["specification"].startswith("ssd-data-model 1.3.7")


def test_the_command_names_each_fault_and_exits_1_when_a_child_is_quarantined(
    ssd: Callable[..., Path],
) -> None:
    tables = sample()
    tables["ssd_person"][3]["pers_dob"] = "31/02/2025"  # C1, a child
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import", "ssd", str(ssd(tables)), "--agency", AGENCY, "--json", "--no-link", stdout=out
        )
    assert exited.value.code == 1
    printed = json.loads(out.getvalue())
    assert printed["quarantined"] == 1 and printed["children_loaded"] == 1
    fault = next(f for f in printed["faults"] if not f["warning"])
    assert fault["child"] == "C1" and fault["element"] == "ssd_person line 5, pers_dob"
    assert "'31/02/2025' is not a date" in fault["reason"]
    assert not SourceRecord.objects.filter(agency__code=AGENCY, local_id="C1").exists()
    assert not facts.Plan.objects.filter(agency__code=AGENCY).exists()  # all C1's, none kept
    assert Pregnancy.objects.filter(agency__code=AGENCY, local_id="U1").exists()  # U1 loads


def test_an_unknown_agency_or_a_health_service_is_refused(ssd: Callable[..., Path]) -> None:
    from seen.ingest.errors import ExtractError

    before = SourceRecord.objects.count()
    with pytest.raises(ExtractError, match="no agency 'NOPE'"):
        import_tables(ssd(), "NOPE", link=False)
    with pytest.raises(ExtractError, match="QAV-MAT is midwifery"):
        import_tables(ssd(), "QAV-MAT", link=False)
    assert SourceRecord.objects.count() == before


def test_matched_on_arrival_once_persons_can_be(ssd: Callable[..., Path]) -> None:
    outcome = import_tables(ssd(), AGENCY)  # linking by default, no model yet
    assert outcome.detail["matching"]["status"] == IngestBatch.Matching.NO_MODEL


def test_a_quarantined_child_is_kept_in_seens_quarantine_until_it_loads(
    ssd: Callable[..., Path],
) -> None:
    from seen.ingest.models import QuarantinedRow

    tables = sample()
    tables["ssd_person"][3]["pers_dob"] = "31/02/2025"  # C1
    faulty = ssd(tables)
    import_tables(faulty, AGENCY, link=False)
    (held,) = QuarantinedRow.objects.filter(status=QuarantinedRow.Status.OPEN)
    assert (held.file, held.line, held.field) == ("ssd_person.csv", 5, "pers_dob")
    assert held.reason.startswith("date: '31/02/2025' is not a date")
    assert held.row["pers_person_id"] == "C1"
    sent = held.row["sent"]
    assert sent["ssd_person"][0]["pers_dob"] == "31/02/2025"  # as sent
    assert {p["cppl_cp_plan_id"] for p in sent["ssd_cp_plans"]} == {"9"}
    assert len(sent["ssd_involvements"]) == 2
    import_tables(faulty, AGENCY, link=False)  # the same fault again: kept once
    assert QuarantinedRow.objects.count() == 1
    out = io.StringIO()
    call_command("quarantine", "list", stdout=out)
    assert "ssd_person.csv" in out.getvalue()

    corrected = import_tables(ssd(), AGENCY, link=False)
    assert corrected.quarantined == 0
    held.refresh_from_db()
    assert held.status == QuarantinedRow.Status.RESOLVED
    assert SourceRecord.objects.filter(agency__code=AGENCY, local_id="C1").exists()
