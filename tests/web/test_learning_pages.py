"""The partnership learning pages: the dashboard with each measure's chart and table, the filter
(bad values a 400 naming the field, never a 500), a measure over time, recording a statement
(shown beside the figure), the CSV; counts only, small numbers suppressed, every page audited.
The data here is two days of June 2025 (the baby's birth and its visits), long before "now":
one partial quarter. tests/web/test_learning_quarters.py has more quarters."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from seen.access.models import Role, StaffProfile
from seen.audit.models import AuditEvent
from seen.core import clock
from seen.ingest.loader import ingest_extract
from seen.learning.measures import MEASURES
from seen.learning.models import LeadershipStatement
from tests.fixtures.partnership import signed_in_client

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2026, 3, 1, 12, 0))


def _contacts(n: int, seen: int) -> list[dict[str, str]]:
    """n new birth visits to the baby in June 2025, the father seen at `seen` of them."""
    return [
        {
            "agency": "QAV-MAT",
            "id": f"C{i}",
            "date": "2025-06-02",
            "child": "B1",
            "kind": "new_birth",
            "practitioner": "MW1",
            "mother_seen": "yes",
            "father": "F1",
            "father_seen": "yes" if i < seen else "no",
            "father_not_seen_reason": "" if i < seen else "at work",
        }
        for i in range(n)
    ]


@pytest.fixture
def partnership(extract: Callable[[], Path]) -> None:
    clock.set_now(NOW)
    ingest_extract(extract(contacts=_contacts(20, 15)))


def _client(role: str | None, name: str = "leader") -> Client:
    # more than signed_in_client: makes the user (named, for the statements they record), of a
    # role with no practitioner or agency, as aggregates ask no relationship with a child
    user = get_user_model().objects.create_user(
        name, password="a-long-test-password-1", first_name="Robin", last_name="Hale"
    )
    if role is not None:
        StaffProfile.objects.create(user=user, role=role)
    return signed_in_client(user)


@pytest.mark.parametrize("role", [Role.STRATEGIC_LEADER, Role.SAFEGUARDING_LEAD])
def test_the_dashboard_shows_every_measure_with_chart_and_table(
    partnership: None, role: str
) -> None:
    response = _client(role).get("/learning/")
    assert response.status_code == 200
    page = response.content.decode()
    # the data's quarter, not the clock's (January to March 2026), partial at both ends
    assert "April to June 2025 (partial: data from 1 June 2025 to 2 June 2025)" in page
    for measure in MEASURES:
        assert f'id="table-{measure.slug}"' in page and f'id="statement-{measure.slug}"' in page
    assert page.count("<svg") >= 1 and 'role="img"' in page
    # 15 of 20 new birth visits saw the father: shown, rate 75%
    assert ">15</td>" in page and ">20</td>" in page and ">75%</td>" in page
    # one father, not linked across areas: a count of 1 is never shown
    assert "fewer than 5" in page and "withheld (small numbers)" in page
    # (the form tokens are random text that may hold "M1" by chance: left out of the search)
    shown = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    for private in ("B1", "M1", "F1", "Hollis", "Tanner", "999000"):
        assert private not in shown
    event = AuditEvent.objects.filter(object_type="learning_dashboard").latest("pk")
    assert event.action == "read" and event.purpose == "strategic"
    assert event.disclosed["period"] == "2025-Q2"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2025", "from"),
        ("to=Q3-2025", "to"),
        ("from=2026-Q2&to=2025-Q2", "from"),  # a quarter the data does not cover
        ("area=NOWHERE", "area"),
        # a NUL in any field is refused before the page (tests/web/test_hostile_input.py)
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(partnership: None, query: str, field: str) -> None:
    response = _client(Role.STRATEGIC_LEADER).get(f"/learning/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and f'href="#{field}"' in page


def test_an_area_filter_shows_that_area_only(partnership: None) -> None:
    page = _client(Role.STRATEGIC_LEADER).get("/learning/?area=QAV&from=2025-Q2&to=2025-Q2")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Quarry Vale" in text and "Whole partnership</td>" not in text


def test_a_measure_over_time_and_a_missing_one(partnership: None) -> None:
    client = _client(Role.SAFEGUARDING_LEAD)
    page = client.get("/learning/fathers-seen/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "April to June 2025 (partial: data from 1 June 2025 to 2 June 2025)" in text
    assert "75%" in text and 'id="table-new_birth"' in text
    missing = client.get("/learning/no-such-measure/")
    assert missing.status_code == 404 and "Measure not found" in missing.content.decode()
    assert AuditEvent.objects.filter(object_type="learning_measure", object_id="fathers-seen")


def test_a_statement_is_recorded_and_shown_beside_the_figure(partnership: None) -> None:
    client = _client(Role.STRATEGIC_LEADER)
    form = client.get("/learning/statements/new/?measure=fathers-seen&area=QAV")
    assert form.status_code == 200 and 'value="fathers-seen" selected' in form.content.decode()
    said = "We believe fathers are seen at most new birth visits."
    response = client.post(
        "/learning/statements/new/",
        {"measure": "fathers-seen", "area": "QAV", "period": "", "statement": said},
    )
    assert response.status_code == 303 and response["Location"] == "/learning/?area=QAV"
    page = client.get(response["Location"]).content.decode()
    assert "Your statement is recorded" in page
    beside = page.split('id="statement-fathers-seen"')[1].split("</div>")[0]
    assert said in beside and "Robin Hale" in beside
    assert "No statement recorded" in page.split('id="statement-alerts"')[1].split("</div>")[0]
    saved = LeadershipStatement.objects.get()
    event = AuditEvent.objects.get(object_type="leadership_statement", action="write")
    assert event.object_id == str(saved.pk) and event.disclosed["area"] == "QAV"
    assert said in client.get("/learning/fathers-seen/").content.decode()


def test_a_statement_about_a_quarter_opens_a_dashboard_that_includes_it(
    partnership: None,
) -> None:
    client = _client(Role.STRATEGIC_LEADER)
    said = "In spring 2025 we believed most fathers were seen."
    response = client.post(
        "/learning/statements/new/",
        {"measure": "fathers-seen", "area": "", "period": "2025-q2", "statement": said},
    )
    assert response.status_code == 303
    assert response["Location"] == "/learning/?area=&from=2025-Q2&to=2025-Q2"
    page = client.get(response["Location"]).content.decode()
    beside = page.split('id="statement-fathers-seen"')[1].split("</div>")[0]
    assert said in beside and "about April to June 2025" in beside


def test_a_statement_about_a_quarter_the_data_does_not_cover_says_where_it_is_listed(
    partnership: None,
) -> None:
    client = _client(Role.STRATEGIC_LEADER)
    said = "In early 2023 we believed every father was seen."
    response = client.post(
        "/learning/statements/new/",
        {"measure": "fathers-seen", "area": "", "period": "2023-Q1", "statement": said},
    )
    assert response.status_code == 303 and response["Location"] == "/learning/?area="
    page = client.get(response["Location"]).content.decode()
    assert "It is about January to March 2023, which the data does not cover" in page
    assert said not in page.split('id="statement-fathers-seen"')[1].split("</div>")[0]
    over_time = client.get("/learning/fathers-seen/").content.decode()
    listed = over_time.split('id="table-statements"')[1]
    assert said in listed and "January to March 2023" in listed


def test_a_bad_statement_comes_back_with_what_was_typed(partnership: None) -> None:
    client = _client(Role.SAFEGUARDING_LEAD)
    response = client.post(
        "/learning/statements/new/",
        {
            "measure": "fathers-seen",
            "area": "QAV",
            "period": "next year",
            "statement": "We believe so.",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#period"' in page and "We believe so." in page and "next year" in page
    assert not LeadershipStatement.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("measure", "no-such-measure", "Select the measure the statement is about"),
        ("measure", "", "Select the measure the statement is about"),
        ("area", "x" * 300, "Select an area from the list"),
        ("period", "2025-Q3" * 40, "Enter the quarter as a year and quarter"),
        ("statement", "x" * 2001, "The statement must be 2,000 characters or fewer"),
        ("statement", "   ", "Enter what you believe is happening"),
    ],
)
def test_hostile_statements_are_a_400_naming_the_field(
    partnership: None, field: str, value: str, message: str
) -> None:
    form = {"measure": "fathers-seen", "area": "QAV", "period": "", "statement": "We do."}
    response = _client(Role.STRATEGIC_LEADER).post(
        "/learning/statements/new/", {**form, field: value}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="#{field}"' in page and message in page
    assert not LeadershipStatement.objects.exists()
    assert not AuditEvent.objects.filter(object_type="leadership_statement", action="write")


def test_the_csv_has_every_measure_and_suppression_marked(partnership: None) -> None:
    response = _client(Role.STRATEGIC_LEADER).get("/learning/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    new_birth = [r for r in rows if r["part"] == "new_birth" and r["area"] == "QAV"]
    assert new_birth == [
        {
            **new_birth[0],
            "period": "2025-Q2",
            "numerator": "15",
            "denominator": "20",
            "rate": "0.750",
            "suppressed": "no",
        }
    ]
    men = next(r for r in rows if r["measure"] == "men-across-areas" and r["area"] == "QAV")
    assert men["denominator"] == "fewer than 5" and men["suppressed"] == "yes"
    assert AuditEvent.objects.filter(object_type="learning_export", action="export").exists()


@pytest.mark.parametrize("role", [Role.HEALTH_VISITOR, Role.REVIEWER, None])
def test_other_roles_are_refused_and_audited(partnership: None, role: str | None) -> None:
    client = _client(role)
    assert client.get("/learning/").status_code == 403
    assert (
        client.post(
            "/learning/statements/new/",
            {"measure": "alerts", "area": "", "period": "", "statement": "x"},
        ).status_code
        == 403
    )
    assert not LeadershipStatement.objects.exists()
    if role is not None:
        assert AuditEvent.objects.filter(object_type="learning_dashboard", action="denied")


def test_signed_out_goes_to_sign_in() -> None:
    response = Client().get("/learning/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_charts_need_no_inline_style(partnership: None) -> None:
    """The Content-Security-Policy allows no inline style: the charts' colours, strokes and fonts
    are presentation attributes, which it does not govern (seen.web.inline_svg)."""
    client = _client(Role.STRATEGIC_LEADER)
    for url in ("/learning/", "/learning/fathers-seen/"):
        page = client.get(url).content.decode()
        assert "<svg" in page, url
        assert "style=" not in page and "<style" not in page, url
        assert 'fill="#1d70b8"' in page  # the bars keep their colour
