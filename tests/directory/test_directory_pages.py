"""/services/ and /services/<id>/: the directory as practitioners read it, with what a father
needs to know said plainly (evenings, weekends, weekday daytime only, how to refer, the waiting
time and the time to first contact), filtered through a GET form, a page at a time; refused
(and audited) for a role without the directory; 404 for a service the directory does not hold."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from seen.access.models import Role
from seen.areas.models import Area
from seen.audit.models import AuditEvent
from seen.directory.models import Service
from seen.directory.oruk_import import import_file
from tests.directory.conftest import SERVICES, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def social_worker(directory_areas: dict[str, Area]) -> Client:
    from tests.fixtures.partnership import make_user, signed_in_client

    import_file(SERVICES)
    return signed_in_client(make_user(Role.SOCIAL_WORKER))


def _row(html: str, oruk_id: str) -> str:
    found = re.search(
        rf'<tr class="govuk-table__row" id="service-{oruk_id}">(.*?)</tr>', html, re.S
    )
    assert found, oruk_id
    return _text(found.group(1))


def _text(html: str) -> str:
    """What the page says, without its tags."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def test_the_list_says_what_a_father_needs_to_know(social_worker: Client) -> None:
    response = social_worker.get("/services/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "8 services" in html
    assert 'class="seen-table-scroll" tabindex="0" role="region"' in html
    evening = _row(html, sample()[0]["id"])
    assert "Quarry Vale Dads' Evening Group" in evening
    assert "Quarry Vale Early Help" in evening and "Parenting" in evening
    assert "Fathers, Male carers" in evening
    assert "Tuesday, 18:30 to 20:30 (at Quarry Vale Family Hub)" in evening
    assert "Open evenings" in evening
    assert "A parent may refer themselves and a professional may refer: Email dads@" in evening
    assert "About 7 days" in evening and "Within 5 days" in evening and "English" in evening
    saturday = _row(html, sample()[1]["id"])
    assert "Open weekends" in saturday and "Quillbrook" in saturday
    assert "English, Polish" in saturday and "Within 10 days" in saturday
    antenatal = _row(html, sample()[4]["id"])
    assert "Weekday daytime only" in antenatal and "Mothers" in antenatal
    assert "Monday and Wednesday, 10:00 to 12:00" in antenatal
    crying = _row(html, sample()[5]["id"])
    assert "The whole partnership" in crying and "Couples, Fathers, Mothers" in crying
    sunday = _row(html, sample()[6]["id"])
    assert "Open evenings" not in sunday and "Open weekends" in sunday
    closed = _row(html, sample()[7]["id"])
    assert "Temporarily closed" in closed
    minds = _row(html, sample()[2]["id"])
    assert "Monday and Thursday, 12:00 to 19:00" in minds and "Open evenings" in minds


def test_the_filters(social_worker: Client) -> None:
    html = social_worker.get("/services/?area=QBM&audience=fathers&kind=").content.decode()
    shown = set(re.findall(r'id="service-([0-9a-f-]+)"', html))
    names = {s["id"]: s["name"] for s in sample()}
    assert {names[i] for i in shown} == {
        "Quillbrook Saturday Dads",
        "Dads' Minds perinatal support",
        "Safer Homes perpetrator programme",
        "Coping with Crying: a session for couples",
        "Next Steps: parents who have left care",
        "Clear Start for dads",
    }
    assert "matching these filters" in html
    html = social_worker.get("/services/?kind=domestic_abuse_perpetrator").content.decode()
    assert re.findall(r'id="service-([0-9a-f-]+)"', html) == [sample()[3]["id"]]
    html = social_worker.get("/services/?kind=substance_misuse&area=QAV").content.decode()
    assert "No service matches these filters." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("area=ZZZ", "Select an area from the list"),
        ("audience=grandparents", "Select who the service is for from the list"),
        ("kind=yoga", "Select a kind of service from the list"),
        ("page=0", "Enter a page number, for example 2"),
        ("page=" + "9" * 300, "Enter a page number, for example 2"),
    ],
)
def test_a_bad_filter_is_the_forms_error(social_worker: Client, query: str, message: str) -> None:
    response = social_worker.get(f"/services/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html


def test_a_page_at_a_time(directory_areas: dict[str, Area]) -> None:
    from tests.fixtures.partnership import make_user, signed_in_client

    for number in range(55):
        Service.objects.create(
            oruk_id=f"00000000-0000-4000-8000-{number:012d}", name=f"Group {number:02d}",
            organisation="Early Help", kind="parenting", url="https://a.example",
        )  # fmt: skip
    client = signed_in_client(make_user(Role.GP))
    first = client.get("/services/").content.decode()
    assert "55 services, 1 to 50" in first and "Group 49" in first and "Group 50" not in first
    assert 'href="/services/?page=2#services"' in first
    second = client.get("/services/?page=2").content.decode()
    assert "51 to 55" in second and "Group 54" in second
    assert "51 to 55" in client.get("/services/?page=7").content.decode()  # past the last


def test_one_service(social_worker: Client) -> None:
    oruk_id = sample()[2]["id"]
    response = social_worker.get(f"/services/{oruk_id}/")
    assert response.status_code == 200
    text = _text(response.content.decode())
    for said in (
        "Dads' Minds perinatal support",
        "Quarry and Quill Mental Health Trust",
        "What it is Mental health",
        "From 18 years",
        "Who may use it Fathers and partners from pregnancy until the baby is two.",
        "Areas Quarry Vale, Quillbrook",
        "Open evenings",
        "How to refer A professional may refer: Referral form at",
        "Waiting time About 21 days",
        "First contact after a referral Within 10 days",
    ):
        assert said in text, said
    assert f'<a class="govuk-link" href="{sample()[2]["url"]}">' in response.content.decode()


def test_a_service_the_directory_does_not_hold_is_404(social_worker: Client) -> None:
    response = social_worker.get("/services/0b3f6c2e-1a2b-4c3d-8e9f-001122334455/")
    assert response.status_code == 404
    assert "Service not found" in response.content.decode()
    assert social_worker.get("/services/not-a-uuid/").status_code == 404
    assert social_worker.get("/services/" + "x" * 300 + "/").status_code == 404


def test_signed_out_is_sent_to_sign_in(directory_areas: dict[str, Area]) -> None:
    response = Client().get("/services/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.AGENCY_SYSTEM])
def test_a_role_without_the_directory_is_refused_and_audited(
    directory_areas: dict[str, Area], role: str
) -> None:
    from tests.fixtures.partnership import make_user, signed_in_client

    user = make_user(role)
    response = signed_in_client(user).get("/services/")
    assert response.status_code == 403
    assert "may not view directory" in response.content.decode()
    assert AuditEvent.objects.filter(
        username=user.username, action="denied", object_type="services"
    ).exists()


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.HEALTH_VISITOR, True),
        (Role.STRATEGIC_LEADER, True),
        (Role.POLICE_OFFICER, True),
        (Role.REVIEWER, False),
        (Role.SYSTEM_ADMINISTRATOR, False),
    ],
)
def test_the_navigation_offers_the_directory_to_its_readers(
    directory_areas: dict[str, Area], role: str, shown: bool
) -> None:
    from tests.fixtures.partnership import make_user, signed_in_client

    client = signed_in_client(make_user(role))
    page = (
        "/services/" if shown else "/loaded/" if role == Role.SYSTEM_ADMINISTRATOR else "/reviews/"
    )
    html = client.get(page).content.decode()
    nav = html.split('class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
    assert ('href="/services/"' in nav) == shown
    if shown:
        assert re.search(r'href="/services/"[^>]*aria-current="page"', nav)
