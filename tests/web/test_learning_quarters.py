"""The learning dashboard's quarters on a partnership whose data ends before today: the default
is the last four complete quarters of the data (not of the clock), a partial quarter is marked
in the tables and charts and never drawn as 0%, quarters are named in words, and the query
(area, quarters) is a form: a value it does not offer is an error in the summary, never a 500."""

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
from seen.learning.quarters import Coverage
from seen.web.learning_forms import FiguresQuery
from tests.fixtures.partnership import signed_in_client

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2027, 1, 15, 12, 0))  # long after the data ends


def _visits(on: str, n: int, seen: int) -> list[dict[str, str]]:
    """n new birth visits to the baby (born 1 June 2025) on one day, the father seen at `seen`."""
    return [
        {
            "agency": "QAV-MAT",
            "id": f"C{on}-{i}",
            "date": on,
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


def _ingest(extract: Callable[..., Path], last: str) -> None:
    """Visits from June 2025 (the baby's birth, the data's first day) to `last`: none in
    January to March 2026; in the last quarter 6 visits, the father seen at none."""
    clock.set_now(NOW)
    visits = _visits("2025-06-02", 20, 15)
    for on in ("2025-08-10", "2025-11-10", "2026-05-10", "2026-08-10"):
        visits += _visits(on, 10, 5)
    ingest_extract(extract(contacts=visits + _visits(last, 6, 0)))


@pytest.fixture
def mid_quarter(extract: Callable[..., Path]) -> None:
    _ingest(extract, "2026-11-14")


def _client() -> Client:
    user = get_user_model().objects.create_user("leader", password="a-long-test-password-1")
    StaffProfile.objects.create(user=user, role=Role.STRATEGIC_LEADER)
    return signed_in_client(user, raise_request_exception=False)


def _selected(page: str, name: str) -> list[str]:
    select = page.split(f'name="{name}"')[1].split("</select>")[0]
    return re.findall(r'value="([^"]*)" selected', select)


def _audited_period() -> str:
    event = AuditEvent.objects.filter(object_type="learning_dashboard").latest("pk")
    return str(event.disclosed["period"])


def test_data_ending_mid_quarter_opens_on_the_four_complete_quarters_before_it(
    mid_quarter: None,
) -> None:
    response = _client().get("/learning/")
    assert response.status_code == 200
    page = response.content.decode()
    # not the clock's four quarters (April 2026 to March 2027): the data's
    assert _audited_period() == "2025-Q4 to 2026-Q3"
    assert _selected(page, "from") == ["2025-Q4"] and _selected(page, "to") == ["2026-Q3"]
    assert "October 2025 to September 2026" in page
    assert "from 1 June 2025 to 14 November 2026" in page  # what the records cover
    # the quarters offered are the data's, in words, the partial ones marked
    assert ">April to June 2025 (partial)</option>" in page
    assert ">October to December 2026 (partial)</option>" in page
    assert "January to March 2027" not in page
    # 15 of 30 visits in those four quarters, none of them partial
    table = page.split('id="table-fathers-seen-new_birth"')[1].split("</table>")[0]
    assert ">15</td>" in table and ">30</td>" in table and ">50%</td>" in table
    assert "partial" not in table


def test_data_ending_on_a_quarters_last_day_counts_that_quarter_complete(
    extract: Callable[..., Path],
) -> None:
    _ingest(extract, "2026-12-31")
    page = _client().get("/learning/").content.decode()
    assert _audited_period() == "2026-Q1 to 2026-Q4"
    assert "January to December 2026" in page and "partial:" not in page


def test_a_quarter_not_over_is_not_complete(extract: Callable[..., Path]) -> None:
    _ingest(extract, "2026-12-31")
    clock.set_now(timezone.make_aware(datetime(2026, 12, 31, 17, 0)))  # the quarter's last day
    page = _client().get("/learning/").content.decode()
    assert _audited_period() == "2025-Q4 to 2026-Q3"
    assert ">October to December 2026 (partial)</option>" in page


def test_a_partial_quarter_is_marked_in_the_table_and_the_chart(mid_quarter: None) -> None:
    page = _client().get("/learning/?from=2026-Q3&to=2026-Q4").content.decode()
    marked = "July to December 2026 (partial: data to 14 November 2026)"
    table = page.split('id="table-fathers-seen-new_birth"')[1].split("</table>")[0]
    assert marked in table
    chart = page.split('id="measure-fathers-seen"')[1].split("</svg>")[0]
    assert "July to December 2026 (partial)" in chart  # the chart's title


def test_a_partial_quarter_with_nothing_counted_is_never_drawn_as_0(mid_quarter: None) -> None:
    client = _client()
    page = client.get("/learning/?from=2026-Q4&to=2026-Q4").content.decode()
    block = page.split('id="measure-fathers-seen"')[1].split("</section>")[0]
    # the table says what was counted; the chart draws no 0% bar
    assert "October to December 2026 (partial: data to 14 November 2026)" in block
    assert ">0%</td>" in block
    assert "<svg" not in block and 'id="no-chart-fathers-seen"' in block
    # over time: the partial quarter and the quarter with no cases have no bar, and say why
    over_time = client.get("/learning/fathers-seen/").content.decode()
    chart = over_time.split('id="part-new_birth"')[1].split("</svg>")[0]
    assert "none yet (partial)" in chart and "no cases" in chart
    assert "50%" in chart and not re.search(r">\s*0%\s*<", chart)
    table = over_time.split('id="table-new_birth"')[1].split("</table>")[0]
    rows = re.findall(r"<tr.*?</tr>", table, re.DOTALL)
    empty = next(r for r in rows if "January to March 2026" in r)
    assert "no cases" in empty and "0%" not in empty
    assert "October to December 2026 (partial: data to 14 November 2026)" in table


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2025", "from", "Select the first quarter from the list"),
        ("to=Q3-2025", "to", "Select the last quarter from the list"),
        ("from=2026-Q3&to=2026-Q1", "to", "The last quarter must be the same as or after"),
        ("area=NOWHERE", "area", "Select an area from the list"),
        ("area=" + "x" * 300, "area", "Select an area from the list"),
        ("from=" + "2026-Q1" * 43, "from", "Select the first quarter from the list"),
        # quarters the data does not cover: before it, and after it (the clock's quarter)
        ("from=2019-Q1", "from", "the data covers April 2025 to December 2026"),
        ("to=2027-Q1", "to", "Select the last quarter from the list"),
        ("from=2026-Q9", "from", "Select the first quarter from the list"),
    ],
)
def test_a_bad_query_is_a_form_error_in_the_summary(
    mid_quarter: None, query: str, field: str, message: str
) -> None:
    client = _client()
    for address in ("/learning/", "/learning/export.csv"):
        response = client.get(f"{address}?{query}")
        assert response.status_code == 400, address
        page = response.content.decode()
        summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
        assert f'href="#{field}"' in summary and message in summary, address
        assert 'id="measure-' not in page
    event = AuditEvent.objects.filter(object_type="learning_export").latest("pk")
    assert event.disclosed["refused_filter"] == [field]


def test_a_nul_in_the_query_is_refused_not_a_500(mid_quarter: None) -> None:
    response = _client().get("/learning/", {"from": "2026-Q1\x00"})
    assert response.status_code == 400 and "NUL" in response.content.decode()
    # the form alone refuses it too, as a value it does not offer
    coverage = Coverage(None, None, NOW.date())
    form = FiguresQuery({"from": "2026-Q1\x00", "area": "\x00"}, areas={}, coverage=coverage)
    assert not form.is_valid() and set(form.errors) == {"from", "area"}


def test_the_csv_takes_the_same_query_and_marks_partial_quarters(mid_quarter: None) -> None:
    client = _client()
    rows = list(csv.DictReader(io.StringIO(client.get("/learning/export.csv").content.decode())))
    visits = {
        (r["area"], r["period"]): (r["partial"], r["numerator"], r["denominator"], r["rate"])
        for r in rows
        if r["part"] == "new_birth"
    }
    assert visits[("QAV", "2025-Q2")] == ("yes", "15", "20", "0.750")
    assert visits[("QAV", "2025-Q3")] == ("no", "5", "10", "0.500")
    assert visits[("QAV", "2026-Q4")] == ("yes", "0", "6", "0.000")
    # a quarter the data covers with no visits: no cases, no rate (never 0)
    assert visits[("all", "2026-Q1")] == ("no", "0", "0", "")
    shown = client.get("/learning/export.csv?area=QAV&from=2026-Q2&to=2026-Q3")
    narrowed = list(csv.DictReader(io.StringIO(shown.content.decode())))
    assert {(r["area"], r["period"]) for r in narrowed} == {("QAV", "2026-Q2"), ("QAV", "2026-Q3")}
    page = client.get("/learning/?area=QAV").content.decode()
    assert 'href="/learning/export.csv?area=QAV&amp;from=2025-Q4&amp;to=2026-Q3"' in page


def test_with_no_data_there_is_no_quarter_to_choose() -> None:
    clock.set_now(NOW)
    client = _client()
    page = client.get("/learning/")
    assert page.status_code == 200
    assert "Seen holds no records these measures count yet" in page.content.decode()
    refused = client.get("/learning/?from=2026-Q4")
    assert refused.status_code == 400
    assert "Seen holds no figures yet, so there is no quarter to choose" in refused.content.decode()
