"""Did it reach the men? Referrals to the directory's services and their uptake, counted per
service, group of parents, area and quarter from ingested extracts (format 1.1); small numbers
suppressed; the services no man was referred to; each area's gaps; the dashboard's section and
the CSV's rows. Services are made with the ORM, as the directory's import would make them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from seen.access.models import Role, StaffProfile
from seen.areas.models import Area
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.directory.models import Service
from seen.ingest.loader import ingest_extract
from seen.ingest.schema import MANIFEST_FILE
from seen.learning import service_reach
from seen.learning.quarters import Quarter
from seen.learning.service_reach import FATHERS, MOTHERS, ReachCount
from tests.fixtures.partnership import signed_in_client

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2026, 3, 1, 12, 0))
AREAS = {"QAV": "Quarry Vale", "QBM": "Quillbrook"}
POSTCODE = {"QAV": "QA1 2BC", "QBM": "QB1 4XY"}
FORENAMES = ("Arlo", "Brin", "Cato", "Dex", "Ezra", "Fenn", "Gus", "Hal", "Ivo", "Jory")

Rows = dict[str, list[dict[str, str]]]


@pytest.fixture(autouse=True)
def fixed_clock() -> None:
    clock.set_now(NOW)


def _service(oruk_id: str, name: str, **fields: Any) -> Service:
    """A service of the directory, as its import makes one (`areas`: codes of areas held)."""
    areas = fields.pop("areas", ())
    service = Service.objects.create(
        oruk_id=oruk_id,
        name=name,
        organisation="Quarry Vale Family Hub",
        kind=fields.pop("kind", "parenting"),
        audiences=fields.pop("audiences", ["fathers"]),
        **fields,
    )
    service.areas.set(Area.objects.filter(code__in=areas))
    return service


class Families:
    """Families added to the small partnership: family i is mother Mi, father Fi and baby Bi
    (pregnancy PRi), living in one area; and the referrals of its parents, with their steps."""

    def __init__(self) -> None:
        self.tables: Rows = {
            name: []
            for name in (
                "people",
                "pregnancies",
                "relationships",
                "residences",
                "service_referrals",
                "service_uptake",
            )
        }
        self.count = 10  # M10, F10, B10, …: apart from the small partnership's M1, F1, B1

    def add(self, area: str) -> int:
        self.count += 1
        i = self.count
        dob = "2025-05-01"
        name = FORENAMES[i % len(FORENAMES)]
        people = [
            {
                "id": f"M{i}",
                "forename": "Mara",
                "surname": f"Family{name}",
                "sex": "female",
                "dob": "1996-01-01",
                "postcode": POSTCODE[area],
            },
            {
                "id": f"F{i}",
                "forename": name,
                "surname": f"Family{name}",
                "sex": "male",
                "dob": "1994-01-01",
            },
            {
                "id": f"B{i}",
                "forename": "Baby",
                "surname": f"Family{name}",
                "sex": "female",
                "dob": dob,
            },
        ]
        self.tables["people"] += [{"agency": "QAV-MAT", **p} for p in people]
        self.tables["pregnancies"].append(
            {
                "agency": "QAV-MAT",
                "id": f"PR{i}",
                "mother": f"M{i}",
                "expected_date": dob,
                "status": "born",
                "child": f"B{i}",
            }
        )
        self.tables["relationships"] += [
            {
                "agency": "QAV-MAT",
                "id": f"RM{i}",
                "person": f"M{i}",
                "child": f"B{i}",
                "kind": "birth_mother",
                "asserted_on": dob,
            },
            {
                "agency": "QAV-MAT",
                "id": f"RF{i}",
                "person": f"F{i}",
                "pregnancy": f"PR{i}",
                "kind": "birth_father",
                "asserted_on": "2025-01-10",
            },
        ]
        self.tables["residences"].append(
            {
                "agency": "QAV-MAT",
                "id": f"A{i}",
                "person": f"M{i}",
                "postcode": POSTCODE[area],
                "start": "2024-01-01",
            }
        )
        return i

    def refer(
        self, family: int, parent: str, service: str, on: str, *steps: tuple[int, str]
    ) -> None:
        """Refer family's parent ("F" or "M") to the service on the day; each step (days after
        the referral, status) as the service sent it."""
        referral = f"SR{len(self.tables['service_referrals']) + 1}"
        self.tables["service_referrals"].append(
            {
                "agency": "QAV-MAT",
                "id": referral,
                "date": on,
                "subject": f"{parent}{family}",
                "child": f"B{family}",
                "service": service,
                "basis": "consent",
            }
        )
        for after, status in steps:
            day = date.fromisoformat(on) + timedelta(days=after)
            self.tables["service_uptake"].append(
                {
                    "agency": "QAV-MAT",
                    "id": f"{referral}-{len(self.tables['service_uptake'])}",
                    "date": day.isoformat(),
                    "referral": referral,
                    "status": status,
                    "session": "1" if status in ("attended", "missed") else "",
                }
            )


def _ingest(extract: Callable[..., Path], families: Families) -> None:
    """The small partnership with the families, as a 1.1 extract (the service tables are new
    in 1.1)."""
    from tests.fixtures.partnership import small_partnership

    base = small_partnership()
    tables = {name: base.get(name, []) + rows for name, rows in families.tables.items()}
    directory = extract(**tables)
    manifest = json.loads((directory / MANIFEST_FILE).read_text())
    (directory / MANIFEST_FILE).write_text(json.dumps({**manifest, "format_version": "1.1"}))
    summary = ingest_extract(directory)
    assert summary.refused_files == [] and summary.totals.quarantined == 0


@pytest.fixture
def reached(extract: Callable[..., Path]) -> dict[str, Service]:
    """Dads Matter (fathers, evenings, Quarry Vale): six fathers in Quarry Vale referred in
    April to June 2025 (first contact after 2, 3, 4, 7 and 10 days; one never contacted), a
    seventh in July to September; two mothers. Quillbrook: one father referred. Couples Talk
    (couples): mothers only. Mums Group (mothers only) and Old Dads (inactive): none."""
    services = {
        "dads": _service("svc-dads", "Dads Matter", evenings=True),
        "couples": _service("svc-couples", "Couples Talk", audiences=["couples"]),
        "mums": _service("svc-mums", "Mums Group", audiences=["mothers"]),
        "old": _service("svc-old", "Old Dads", status=Service.Status.INACTIVE),
    }
    families = Families()
    steps: list[tuple[tuple[int, str], ...]] = [
        ((2, "contacted"), (9, "attended"), (60, "completed")),
        ((3, "contacted"), (10, "attended"), (30, "dropped_out")),
        ((4, "offered"), (5, "declined")),
        ((7, "contacted"), (14, "attended"), (70, "completed")),
        ((10, "contacted"), (20, "missed")),
        (),
    ]
    for n, its_steps in enumerate(steps):
        family = families.add("QAV")
        families.refer(family, "F", "svc-dads", f"2025-04-{10 + n:02d}", *its_steps)
        if n < 2:
            families.refer(family, "M", "svc-dads", "2025-05-02", (1, "contacted"))
            families.refer(family, "M", "svc-couples", "2025-05-03")
    families.refer(families.add("QAV"), "F", "svc-dads", "2025-08-01", (1, "contacted"))
    families.refer(families.add("QBM"), "F", "svc-dads", "2025-05-20")
    _ingest(extract, families)
    services["dads"].areas.set(Area.objects.filter(code="QAV"))  # the areas came with the extract
    return services


def _cells(counts: list[ReachCount]) -> dict[tuple[str, str, str, str], ReachCount]:
    names = dict(Service.objects.values_list("pk", "oruk_id"))
    return {(names[c.service], c.group, c.area, c.period): c for c in counts}


# -- counting ---------------------------------------------------------------------------------


def test_referrals_are_counted_per_service_group_area_and_quarter(
    reached: dict[str, Service],
) -> None:
    cells = _cells(service_reach.counted(clock.today()))
    fathers = cells[("svc-dads", FATHERS, "QAV", "2025-Q2")]
    assert (fathers.referred, fathers.contacted, fathers.attended) == (6, 5, 3)
    assert (fathers.completed, fathers.ended_early) == (2, 2)  # declined; dropped out
    assert fathers.days_to_contact == ((2, 1), (3, 1), (4, 1), (7, 1), (10, 1))
    assert cells[("svc-dads", MOTHERS, "QAV", "2025-Q2")].referred == 2
    assert cells[("svc-dads", FATHERS, "QAV", "2025-Q3")].referred == 1
    assert cells[("svc-dads", FATHERS, "QBM", "2025-Q2")].referred == 1
    assert cells[("svc-couples", MOTHERS, "QAV", "2025-Q2")].referred == 2
    assert ("svc-couples", FATHERS, "QAV", "2025-Q2") not in cells
    assert not any(key[0] in ("svc-mums", "svc-old") for key in cells)


def test_a_parent_who_is_neither_mother_nor_father_is_not_counted(
    extract: Callable[..., Path],
) -> None:
    _service("svc-dads", "Dads Matter")
    families = Families()
    family = families.add("QAV")
    families.refer(family, "F", "svc-dads", "2025-04-10")
    families.tables["people"].append(
        {"agency": "QAV-MAT", "id": "G1", "forename": "Nan", "surname": "Elder", "sex": "female"}
    )
    families.tables["relationships"].append(
        {
            "agency": "QAV-MAT",
            "id": "RG1",
            "person": "G1",
            "child": f"B{family}",
            "kind": "household_adult",
            "asserted_on": "2025-05-01",
        }
    )
    families.tables["service_referrals"].append(
        {
            "agency": "QAV-MAT",
            "id": "SRG",
            "date": "2025-04-11",
            "subject": "G1",
            "child": f"B{family}",
            "service": "svc-dads",
            "basis": "consent",
        }
    )
    _ingest(extract, families)
    counts = service_reach.counted(clock.today())
    assert [(c.group, c.referred) for c in counts] == [(FATHERS, 1)]


def test_the_median_days_to_first_contact_and_its_suppression(
    reached: dict[str, Service],
) -> None:
    counts = service_reach.counted(clock.today())
    services = service_reach.directory()
    q2 = Quarter(2025, 2)
    rows = {r.service: r for r in service_reach.by_service(counts, services, None, q2, q2)}
    dads = rows["Dads Matter"]
    # QAV: 2, 3, 4, 7, 10; Quillbrook's father not contacted
    assert dads.shown("fathers-days-to-first-contact") == "4"
    # the quarter after: one father, contacted after a day: a median of one is withheld
    q3 = Quarter(2025, 3)
    later = service_reach.by_service(counts, services, None, q3, q3)
    assert [r.shown("fathers-days-to-first-contact") for r in later] == ["withheld (small numbers)"]
    both = {r.service: r for r in service_reach.by_service(counts, services, None, q2, q3)}
    # 1, 2, 3, 4, 7, 10: the median of an even number is the mean of the middle two
    assert both["Dads Matter"].shown("fathers-days-to-first-contact") == "3.5"
    assert (both["Dads Matter"].first, both["Dads Matter"].last) == (q2, q3)
    assert (both["Couples Talk"].first, both["Couples Talk"].last) == (q2, q2)


def test_small_counts_are_shown_as_fewer_than_5_with_the_rate_withheld(
    reached: dict[str, Service],
) -> None:
    counts = service_reach.counted(clock.today())
    services = service_reach.directory()
    q2 = Quarter(2025, 2)
    rows = {r.service: r for r in service_reach.by_service(counts, services, None, q2, q2)}
    dads = rows["Dads Matter"]
    assert dads.shown("fathers-referred") == "7"
    assert dads.shown("mothers-referred") == "fewer than 5"
    assert dads.shown("fathers-attended") == "fewer than 5"  # 3 of 7
    assert dads.figures["fathers-attended"].figure.rate is None
    assert dads.shown("fathers-completed") == "fewer than 5"
    # Couples Talk: two mothers, no father: zero is shown
    couples = rows["Couples Talk"]
    assert couples.shown("fathers-referred") == "0"
    assert couples.shown("mothers-referred") == "fewer than 5"
    assert couples.shown("fathers-days-to-first-contact") == "none contacted"


def test_an_area_withheld_beside_the_partnership_stays_withheld_when_chosen(
    reached: dict[str, Service],
) -> None:
    """Quillbrook's one father is fewer than 5, so Quarry Vale's six are withheld beside the
    partnership's seven (else 7 less 6 gives Quillbrook's away), and still when Quarry Vale
    alone is chosen."""
    counts = service_reach.counted(clock.today())
    services = service_reach.directory()
    dads = next(s for s in services if s.name == "Dads Matter")
    in_q2 = [c for c in counts if c.period == "2025-Q2"]
    referred = {
        area: f.figure
        for area, found in service_reach.figures_for(in_q2, dads, "2025-Q2").items()
        for f in found
        if f.part.key == "fathers-referred"
    }
    shown = {area: f.numerator_shown for area, f in referred.items()}
    assert shown == {"QAV": "withheld", "QBM": "fewer than 5", "all": "7"}
    q2 = Quarter(2025, 2)
    rows = service_reach.by_service(counts, services, "QAV", q2, q2)
    chosen = next(r for r in rows if r.service == "Dads Matter")
    assert chosen.shown("fathers-referred") == "withheld"


def test_a_median_is_withheld_with_the_count_it_rests_on() -> None:
    """Six men contacted in one area, one in the other: the one's count is fewer than 5, the
    six are withheld to protect it, and so is each area's median; the partnership's is shown."""
    dads = service_reach.Offered(
        1, "Dads Matter", True, "parenting", frozenset({"fathers"}), frozenset(), True, False
    )
    counts = [
        ReachCount(1, FATHERS, "QAV", "2025-Q2", 6, 6, 6, 6, 0, ((1, 2), (2, 2), (9, 2))),
        ReachCount(1, FATHERS, "QBM", "2025-Q2", 1, 1, 1, 1, 0, ((30, 1),)),
    ]
    found = service_reach.figures_for(counts, dads, "2025-Q2")
    median = {
        area: (f.median, f.figure.numerator_shown)
        for area, figures in found.items()
        for f in figures
        if f.part is service_reach.MEDIAN
    }
    assert median == {
        "QAV": ("withheld", "withheld"),
        "QBM": ("withheld (small numbers)", "fewer than 5"),
        "all": ("2", "7"),
    }


def test_the_services_no_father_was_referred_to(reached: dict[str, Service]) -> None:
    counts = service_reach.counted(clock.today())
    services = service_reach.directory()
    # Couples Talk had mothers only; Mums Group is for mothers only; Old Dads is inactive
    assert service_reach.without_men(counts, services, None, None, None) == ["Couples Talk"]
    # in Quillbrook in July to September, Dads Matter does not serve it: not listed
    assert service_reach.without_men(counts, services, "QBM", "2025-Q3", "2025-Q3") == [
        "Couples Talk"
    ]
    # in Quarry Vale in October to December, no father was referred to either
    assert service_reach.without_men(counts, services, "QAV", "2025-Q4", "2025-Q4") == [
        "Couples Talk",
        "Dads Matter",
    ]


# -- gaps -------------------------------------------------------------------------------------

EVENING = "{} has no evening or weekend parenting service for fathers."
PERPETRATOR = "{} has no domestic-abuse perpetrator programme."
MENTAL_HEALTH = "{} has no perinatal mental health service for fathers."


def _gaps() -> dict[str, list[str]]:
    found = service_reach.gaps_by_area(service_reach.directory(), AREAS)
    return {g.area: g.gaps for g in found}


def test_each_gap_is_stated_and_goes_as_a_service_fills_it(
    extract: Callable[..., Path],
) -> None:
    ingest_extract(extract())
    every = [EVENING, PERPETRATOR, MENTAL_HEALTH]
    assert _gaps() == {code: [s.format(name) for s in every] for code, name in AREAS.items()}

    # a daytime service for fathers, an evening one for mothers, and an evening one for
    # fathers that is not parenting, fill no gap
    _service("s1", "Daytime Dads", areas=["QAV"])
    _service("s2", "Evening Mums", audiences=["mothers"], evenings=True)
    _service(
        "s2b",
        "Evening Dads Mind",
        kind="mental_health",
        audiences=["couples"],
        areas=["QAV"],
        evenings=True,
        status=Service.Status.INACTIVE,
    )
    _service("s2c", "Evening Dads Recovery", kind="substance_misuse", evenings=True)
    assert EVENING.format("Quarry Vale") in _gaps()["QAV"]
    # a weekend service for fathers in Quarry Vale: Quillbrook still has none
    _service("s3", "Saturday Dads", areas=["QAV"], weekends=True)
    gaps = _gaps()
    assert EVENING.format("Quarry Vale") not in gaps["QAV"]
    assert EVENING.format("Quillbrook") in gaps["QBM"]

    # a perpetrator programme for the whole partnership, but inactive: no programme yet
    programme = _service(
        "s4", "Change Course", kind="domestic_abuse_perpetrator", status=Service.Status.INACTIVE
    )
    assert PERPETRATOR.format("Quillbrook") in _gaps()["QBM"]
    programme.status = Service.Status.ACTIVE
    programme.save()
    gaps = _gaps()
    assert PERPETRATOR.format("Quarry Vale") not in gaps["QAV"]
    assert PERPETRATOR.format("Quillbrook") not in gaps["QBM"]

    # mental health for mothers only is not for fathers; one for couples in Quillbrook is
    _service("s5", "Mums Mind", kind="mental_health", audiences=["mothers"])
    assert MENTAL_HEALTH.format("Quillbrook") in _gaps()["QBM"]
    _service("s6", "Parents Mind", kind="mental_health", audiences=["couples"], areas=["QBM"])
    gaps = _gaps()
    assert gaps["QBM"] == [EVENING.format("Quillbrook")]
    assert gaps["QAV"] == [MENTAL_HEALTH.format("Quarry Vale")]
    # one area asked for: that area's gaps only
    only = service_reach.gaps_by_area(service_reach.directory(), AREAS, "QAV")
    assert [(g.area, g.gaps) for g in only] == [("QAV", [MENTAL_HEALTH.format("Quarry Vale")])]


# -- the dashboard and the CSV ----------------------------------------------------------------


def _client(role: str | None) -> Client:
    user = get_user_model().objects.create_user("leader", password="a-long-test-password-1")
    if role is not None:
        StaffProfile.objects.create(user=user, role=role)
    return signed_in_client(user)


def _section(page: str) -> str:
    return page.split('id="services-for-fathers"')[1].split("</section>")[0]


def test_the_dashboard_shows_services_for_fathers(reached: dict[str, Service]) -> None:
    response = _client(Role.STRATEGIC_LEADER).get("/learning/?from=2025-Q2&to=2025-Q3")
    assert response.status_code == 200
    section = _section(response.content.decode())
    assert "Services for fathers" in section
    table = section.split('id="table-service-reach"')[1].split("</table>")[0]
    assert '<div class="seen-table-scroll" tabindex="0" role="region"' in section
    dads = table.split("Dads Matter")[1].split("</tr>")[0]
    # 6 + 1 in Quarry Vale, 1 in Quillbrook; two mothers; 2, 3, 4, 7, 10 and 1 days
    cells = [c.split("<")[0] for c in dads.split('numeric">')[1:]]
    assert cells == ["8", "fewer than 5", "3.5", "fewer than 5", "fewer than 5", "fewer than 5"]
    assert "April to September 2025" in dads
    without = section.split('id="services-without-men"')[1].split("</ul>")[0]
    assert "Couples Talk" in without and "Dads Matter" not in without
    gaps = section.split('id="service-gaps"')[1]
    assert 'class="govuk-list govuk-list--bullet"' in gaps
    assert PERPETRATOR.format("Quarry Vale") in gaps and EVENING.format("Quillbrook") in gaps
    assert EVENING.format("Quarry Vale") not in gaps
    for private in ("M1", "F1", "B1", "FamilyArlo", "Mara"):
        assert private not in section
    event = AuditEvent.objects.filter(object_type="learning_dashboard").latest("pk")
    assert event.disclosed["service_reach"] == ["Couples Talk", "Dads Matter"]


def test_the_section_follows_the_area_filter(reached: dict[str, Service]) -> None:
    page = _client(Role.SAFEGUARDING_LEAD).get("/learning/?area=QBM&from=2025-Q2&to=2025-Q3")
    assert page.status_code == 200
    section = _section(page.content.decode())
    dads = section.split('id="table-service-reach"')[1].split("Dads Matter")[1].split("</tr>")[0]
    assert "fewer than 5" in dads and "none contacted" in dads  # one father, not contacted
    gaps = section.split('id="service-gaps"')[1]
    assert "Quillbrook" in gaps and "Quarry Vale has" not in gaps


@pytest.mark.parametrize("role", [Role.HEALTH_VISITOR, Role.REVIEWER, None])
def test_other_roles_are_refused(reached: dict[str, Service], role: str | None) -> None:
    client = _client(role)
    for url in ("/learning/", "/learning/export.csv"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Dads Matter" not in response.content.decode()


def test_the_csv_has_the_services_rows_suppressed(reached: dict[str, Service]) -> None:
    response = _client(Role.STRATEGIC_LEADER).get("/learning/export.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    reach = [r for r in rows if r["measure"] == "service-reach"]
    assert reach and all(r["service"] for r in reach)
    assert {r["service"] for r in rows if r["measure"] != "service-reach"} == {""}

    def row(part: str, area: str, period: str = "2025-Q2") -> dict[str, str]:
        return next(
            r
            for r in reach
            if r["service"] == "Dads Matter"
            and r["part"] == part
            and r["area"] == area
            and r["period"] == period
        )

    referred = row("fathers-referred", "all")
    assert (referred["numerator"], referred["denominator"], referred["rate"]) == ("7", "", "")
    assert row("fathers-referred", "QAV")["numerator"] == "withheld"
    mothers = row("mothers-referred", "QAV")
    assert mothers["numerator"] == "fewer than 5" and mothers["rate"] == ""
    assert mothers["suppressed"] == "yes"
    median = row("fathers-days-to-first-contact", "QAV")
    assert (median["numerator"], median["denominator"], median["suppressed"]) == ("4", "5", "no")
    later = row("fathers-days-to-first-contact", "QAV", "2025-Q3")
    assert later["numerator"] == "withheld (small numbers)" and later["suppressed"] == "yes"
    # the area query narrows these rows too
    narrowed = _client_rows("/learning/export.csv?area=QBM&from=2025-Q2&to=2025-Q2")
    assert {r["area"] for r in narrowed if r["measure"] == "service-reach"} == {"QBM"}


def _client_rows(url: str) -> list[dict[str, str]]:
    user = get_user_model().objects.create_user("other-leader", password="a-long-test-password-1")
    StaffProfile.objects.create(user=user, role=Role.STRATEGIC_LEADER)
    response = signed_in_client(user).get(url)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_before_any_data_the_section_states_the_gaps(extract: Callable[..., Path]) -> None:
    empty = {t: [] for t in ("people", "pregnancies", "relationships", "residences")}
    ingest_extract(extract(**empty, contacts=[], convictions=[]))
    _service("svc-dads", "Dads Matter", weekends=True)
    page = _client(Role.STRATEGIC_LEADER).get("/learning/")
    assert page.status_code == 200
    section = _section(page.content.decode())
    assert 'id="table-service-reach"' not in section
    gaps = section.split('id="service-gaps"')[1]
    assert PERPETRATOR.format("Quillbrook") in gaps and EVENING.format("Quillbrook") not in gaps
