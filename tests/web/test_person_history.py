"""The person page's history a page at a time: 50 entries, newest first, Previous and Next with
the GOV.UK pagination, the page bound by a form on the address; a page past the last shows the
last, a page number that is not one is the form's error (400, the first page shown)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client

from seen.access import services
from seen.access.models import Role
from seen.audit.models import AuditEvent
from seen.facts.models import Conviction
from seen.people.models import Person, SourceRecord
from tests.fixtures.partnership import make_user, signed_in_client

pytestmark = pytest.mark.django_db

OLDEST = date(2010, 1, 1)


def _rows(response: object) -> list[str]:
    """The dates of the history's rows shown."""
    text = response.content.decode()  # type: ignore[attr-defined]
    table = text.split('id="history-table"')[1].split("</table>")[0]
    return re.findall(
        r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">([^<]+)</td>', table
    )


def _convictions(count: int) -> None:
    """`count` more convictions of the father, one a week from OLDEST (the police's record)."""
    police = SourceRecord.objects.get(local_id="P77")
    Conviction.objects.bulk_create(
        Conviction(
            agency=police.agency,
            local_id=f"CVX{n}",
            occurred_on=OLDEST + timedelta(weeks=n),
            subject=police,
            offence_category="theft_offences",
        )
        for n in range(count)
    )


def _worker(baby: Person) -> Client:
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    services.record_basis(worker, baby, "direct_care", "consent")
    return signed_in_client(worker)


def _father() -> str:
    father = SourceRecord.objects.get(local_id="F1").person
    assert father is not None
    return father.reference


def test_the_history_is_paged_newest_first(baby: Person) -> None:
    _convictions(119)  # with his one conviction of 2021: 120 entries, three pages
    client = _worker(baby)
    url = f"/people/{_father()}/"
    first = client.get(url)
    assert first.status_code == 200
    rows = _rows(first)
    text = first.content.decode()
    assert len(rows) == 50 and rows[0] == "4 March 2021"  # the newest first
    assert "Entries 1 to 50 of 120" in text
    assert 'class="govuk-pagination' in text and f'href="{url}?page=2#history"' in text
    assert "govuk-pagination__prev" not in text  # no Previous on the first page
    middle = client.get(url, {"page": "2"})
    assert len(_rows(middle)) == 50 and "Entries 51 to 100 of 120" in middle.content.decode()
    assert "govuk-pagination__prev" in middle.content.decode()
    assert "govuk-pagination__next" in middle.content.decode()
    last = client.get(url, {"page": "3"})
    assert len(_rows(last)) == 20 and _rows(last)[-1] == "1 January 2010"  # the oldest last
    assert "govuk-pagination__next" not in last.content.decode()
    shown = [e.disclosed.get("history_page") for e in AuditEvent.objects.filter(action="read")]
    assert shown == [1, 2, 3]


def test_a_page_past_the_last_shows_the_last(baby: Person) -> None:
    _convictions(60)
    response = _worker(baby).get(f"/people/{_father()}/", {"page": "999"})
    assert response.status_code == 200 and len(_rows(response)) == 11
    assert "Entries 51 to 61 of 61" in response.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5", "9" * 300, ""])
def test_a_bad_page_number_is_the_form_s_error(baby: Person, page: str) -> None:
    _convictions(60)
    response = _worker(baby).get(f"/people/{_father()}/", {"page": page})
    if page == "":  # no number: the first page, as without the field
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        text = response.content.decode()
        assert "Enter a page number, for example 2" in text and 'href="#history"' in text
        assert "9" * 300 not in text
    assert len(_rows(response)) == 50 and _rows(response)[0] == "4 March 2021"


def test_a_short_history_has_no_pagination(baby: Person) -> None:
    text = _worker(baby).get(f"/people/{_father()}/").content.decode()
    assert "1 entry" in text and "govuk-pagination" not in text


def test_the_purpose_is_kept_from_page_to_page(baby: Person) -> None:
    _convictions(60)
    worker = make_user(Role.SOCIAL_WORKER, "SW1")
    services.record_basis(worker, baby, "safeguarding", "consent")
    client = signed_in_client(worker)
    url = f"/people/{_father()}/"
    text = client.get(url, {"purpose": "safeguarding"}).content.decode()
    assert f'href="{url}?page=2&amp;purpose=safeguarding#history"' in text
