"""The thematic review pages: a reviewer starts a review, adds areas and cases, moves a case with
a reason, records a meeting, imports the dataset (refused rows listed with line and reason) and
exports it, reads the headline tables, codes an excerpt blind and resolves a disagreement; bad
input is a 400 naming the field with what was typed kept; an address naming nothing is a 404;
other roles are refused (403) and every read, write, export and refusal is audited."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from seen.audit.models import AuditEvent
from seen.thematic import coding, reviews
from seen.thematic.models import CandidateCase, Review
from tests.fixtures.forms import date_boxes
from tests.fixtures.partnership import signed_in_client
from tests.fixtures.thematic import GOOD, HEADER, HEADLINE_CSV, PURPOSE, dataset

pytestmark = pytest.mark.django_db


def _upload(client: Client, review: Review, content: bytes, name: str = "cases.csv") -> Any:
    return client.post(
        f"/reviews/{review.pk}/dataset/",
        {"purpose": PURPOSE, "dataset": SimpleUploadedFile(name, content, "text/csv")},
    )


def test_signed_out_goes_to_sign_in(review: Review) -> None:
    for url in ("/reviews/", f"/reviews/{review.pk}/", f"/reviews/{review.pk}/dataset/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_other_roles_are_refused_and_audited(health_visitor: Any, review: Review) -> None:
    client = signed_in_client(health_visitor)
    assert client.get("/reviews/").status_code == 403
    response = client.post("/reviews/", {"title": "Mine", "kind": "local_rapid"})
    assert response.status_code == 403 and "may not" in response.content.decode()
    assert Review.objects.count() == 1
    denied = AuditEvent.objects.filter(action="denied", user=health_visitor)
    assert {e.object_type for e in denied} == {"reviews"}
    assert all(e.purpose == PURPOSE for e in denied)


def test_a_reviewer_starts_a_review(first_reviewer: Any) -> None:
    client = signed_in_client(first_reviewer)
    response = client.post(
        "/reviews/", {"purpose": PURPOSE, "title": "Babies and men", "kind": "local_rapid"}
    )
    made = Review.objects.get()
    assert response.status_code == 303 and response["Location"] == f"/reviews/{made.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Review started: Babies and men" in page and "Local rapid review" in page
    assert client.get("/reviews/").content.decode().count("Babies and men") == 1
    write = AuditEvent.objects.get(action="write", object_type="review")
    assert write.purpose == PURPOSE and write.object_id == str(made.pk)


def test_a_bad_review_is_a_400_with_what_was_typed_kept(first_reviewer: Any) -> None:
    response = signed_in_client(first_reviewer).post(
        "/reviews/", {"title": "Kept title", "kind": ""}
    )
    text = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in text
    assert 'href="#kind"' in text and "Select a local rapid review" in text
    assert 'value="Kept title"' in text and not Review.objects.exists()


def test_an_address_naming_nothing_is_a_404(first_reviewer: Any, review: Review) -> None:
    client = signed_in_client(first_reviewer)
    assert client.get("/reviews/999999/").status_code == 404
    other = reviews.create_review(first_reviewer, PURPOSE, title="Other", kind="local_rapid")
    case = reviews.add_case(first_reviewer, PURPOSE, other, case_id="rr-9", area="", reason="x")
    response = client.get(f"/reviews/{review.pk}/cases/{case.pk}/")
    assert response.status_code == 404 and "No case" in response.content.decode()
    assert client.get(f"/reviews/{review.pk}/excerpts/999999/").status_code == 404
    assert client.get(f"/reviews/{review.pk}/headline/?format=xls").status_code == 404


def test_areas_cases_and_moves(first_reviewer: Any, review: Review) -> None:
    client = signed_in_client(first_reviewer)
    base = f"/reviews/{review.pk}/"
    assert client.post(base, {"area": "Quillbrook"}).status_code == 303
    twice = client.post(base, {"area": "quillbrook"})
    assert twice.status_code == 400 and "already one of this review" in twice.content.decode()
    area = review.areas.get()
    assert client.get(f"{base}cases/new/").status_code == 200
    bad = client.post(f"{base}cases/new/", {"case_id": "rr-1", "area": str(area.pk)})
    assert bad.status_code == 400 and "Enter why the case is considered" in bad.content.decode()
    assert 'value="rr-1"' in bad.content.decode()
    made = client.post(
        f"{base}cases/new/", {"case_id": "rr-1", "area": str(area.pk), "reason": "NAI"}
    )
    case = CandidateCase.objects.get()
    assert made.status_code == 303 and made["Location"] == f"{base}cases/{case.pk}/"
    wrong = client.post(made["Location"], {"step": "move", "to_stage": "included", "reason": ""})
    text = wrong.content.decode()
    assert wrong.status_code == 400
    assert "can go to: shortlisted, excluded" in text and "Enter the reason for the move" in text
    moved = client.post(
        made["Location"], {"step": "move", "to_stage": "shortlisted", "reason": "father known"}
    )
    assert moved.status_code == 303
    page = client.get(made["Location"]).content.decode()
    assert "Longlist to shortlisted" in page and "father known" in page
    assert "first-reviewer" in page
    overview = client.get(base).content.decode()
    assert 'id="case-rr-1"' in overview and "Shortlisted" in overview
    assert client.post(made["Location"], {"step": "dance"}).status_code == 400


def test_a_meeting_and_the_totals_by_role(first_reviewer: Any, review: Review) -> None:
    client = signed_in_client(first_reviewer)
    area = reviews.add_area(first_reviewer, PURPOSE, review, "North")
    url = f"/reviews/{review.pk}/meetings/new/"
    assert client.get(url).status_code == 200
    form = {"area": str(area.pk), **date_boxes("held_on", "2021-03-01"), "kind": "practitioners"}
    bad = client.post(url, {**form, "role-0": "health visitor", "count-0": "three"})
    assert bad.status_code == 400 and 'href="#count-0"' in bad.content.decode()
    assert 'value="health visitor"' in bad.content.decode()
    good = client.post(
        url,
        {
            **form,
            "role-0": "health visitor",
            "count-0": "3",
            "role-1": "social worker",
            "count-1": "2",
        },
    )
    assert good.status_code == 303
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "practitioners in North, 5 attending" in page
    assert 'id="total-practitioners">5<' in page and 'id="total-strategic_partners">0<' in page


def test_import_lists_refused_rows_with_line_and_reason_and_export(
    first_reviewer: Any, review: Review
) -> None:
    client = signed_in_client(first_reviewer)
    content = dataset(GOOD.format(n=1, age=3), GOOD.format(n=2, age=14), GOOD.format(n=3, age=5))
    response = _upload(client, review, content)
    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    assert "2 rows stored (0 replacing rows with the same case_id); 1 refused" in page
    assert 'id="refused-line-3"' in page and "age_months" in page
    assert 'id="row-rr-1"' in page and 'id="row-rr-2"' not in page
    write = AuditEvent.objects.get(action="write", object_type="review_dataset")
    assert write.disclosed["stored"] == 2 and write.disclosed["refused"] == 1
    exported = client.get(f"/reviews/{review.pk}/dataset.csv")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [r["case_id"] for r in rows] == ["rr-1", "rr-3"]
    assert AuditEvent.objects.filter(action="export", object_type="review_dataset").count() == 1


def test_an_upload_that_cannot_be_read_is_a_400(first_reviewer: Any, review: Review) -> None:
    client = signed_in_client(first_reviewer)
    missing = client.post(f"/reviews/{review.pk}/dataset/", {"purpose": PURPOSE})
    assert missing.status_code == 400 and "Choose the case dataset CSV" in missing.content.decode()
    header = _upload(client, review, b"case_id,area\nrr-1,north\n")
    assert header.status_code == 400 and "Line 1: " in header.content.decode()
    assert not review.imports.exists()


def test_the_headline_tables(first_reviewer: Any, review: Review) -> None:
    client = signed_in_client(first_reviewer)
    empty = client.get(f"/reviews/{review.pk}/headline/")
    assert empty.status_code == 200 and 'id="no-rows"' in empty.content.decode()
    _upload(client, review, HEADLINE_CSV.read_bytes())
    page = client.get(f"/reviews/{review.pk}/headline/").content.decode()
    assert 'id="table-outcome"' in page and ">Seriously harmed</th>" in page
    assert 'id="table-injury_pattern-died"' in page
    published = client.get(f"/reviews/{review.pk}/headline/?published=yes").content.decode()
    assert "fewer than 5" in published
    read = AuditEvent.objects.filter(action="read", object_type="review_headline")
    assert read.count() == 3  # the empty page, the tables, the tables for publication
    assert 'id="download-pdf" href="?format=pdf&amp;published=yes"' in published


def test_the_report_downloads(first_reviewer: Any, review: Review) -> None:
    client = signed_in_client(first_reviewer)
    _upload(client, review, HEADLINE_CSV.read_bytes())
    html = client.get(f"/reviews/{review.pk}/headline/?format=html&published=yes")
    assert html.status_code == 200 and "attachment" in html["Content-Disposition"]
    text = html.content.decode()
    assert "Fathers and babies: headline data" in text and "fewer than 5" in text
    pdf = client.get(f"/reviews/{review.pk}/headline/?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    exports = AuditEvent.objects.filter(action="export", object_type="review_headline")
    assert sorted(e.disclosed["format"] for e in exports) == ["html", "pdf"]


def test_blind_coding_and_resolving_a_disagreement(
    first_reviewer: Any, second_reviewer: Any, review_lead: Any, review: Review
) -> None:
    case = reviews.add_case(first_reviewer, PURPOSE, review, case_id="rr-1", area="", reason="x")
    excerpt = coding.add_excerpt(first_reviewer, PURPOSE, case, "The father was never seen.")
    url = f"/reviews/{review.pk}/excerpts/{excerpt.pk}/"
    themes = coding.codebook()
    fathers = next(t for t in themes if t.code == "invisible-fathers")
    first = signed_in_client(first_reviewer)
    partial = first.post(url, {f"theme-{fathers.pk}": "yes"})
    assert partial.status_code == 400
    assert f'href="#theme-{themes[0].pk}"' in partial.content.decode()
    calls = {f"theme-{t.pk}": "no" for t in themes}
    assert first.post(url, {**calls, f"theme-{fathers.pk}": "yes"}).status_code == 303
    mine = first.get(url).content.decode()
    assert 'id="own-calls"' in mine and "has not coded this excerpt yet" in mine
    # the second reviewer is shown the form, nothing of the first's calls
    second = signed_in_client(second_reviewer)
    blind = second.get(url).content.decode()
    assert 'id="own-calls"' not in blind and "Record my coding" in blind
    agreement = second.get(f"/reviews/{review.pk}/agreement/").content.decode()
    assert "0 excerpts coded by both" in agreement and 'id="no-disagreements"' in agreement
    assert second.post(url, calls).status_code == 303
    again = second.post(url, calls)
    assert again.status_code == 400 and "already coded this excerpt" in again.content.decode()
    lead_client = signed_in_client(review_lead)
    shown = lead_client.get(f"/reviews/{review.pk}/agreement/").content.decode()
    assert f'id="disagreement-{excerpt.pk}-invisible-fathers"' in shown
    form = {"excerpt": str(excerpt.pk), "theme": str(fathers.pk)}
    bad = lead_client.post(f"/reviews/{review.pk}/agreement/", {**form, "applies": "yes"})
    assert bad.status_code == 400
    assert f'href="#{excerpt.pk}-{fathers.pk}-reason"' in bad.content.decode()
    good = lead_client.post(
        f"/reviews/{review.pk}/agreement/",
        {**form, "applies": "yes", "reason": "the record says he was never seen"},
    )
    assert good.status_code == 303
    resolved = lead_client.get(good["Location"]).content.decode()
    assert "the record says he was never seen" in resolved and "Agreed: <strong>applies" in resolved
    unknown = lead_client.post(f"/reviews/{review.pk}/agreement/", {"excerpt": "x", "theme": "1"})
    assert unknown.status_code == 400
    writes = AuditEvent.objects.filter(action="write").values_list("object_type", flat=True)
    assert list(writes).count("review_coding") == 2 and "review_resolution" in writes


def _full_review(review: Review, first: Any, second: Any) -> list[str]:
    """A review with something on every page; the pages' addresses."""
    area = reviews.add_area(first, PURPOSE, review, "North")
    case = reviews.add_case(first, PURPOSE, review, case_id="rr-1", area=str(area.pk), reason="x")
    reviews.move_case(first, PURPOSE, case, to_stage="shortlisted", reason="y")
    reviews.record_meeting(
        first,
        PURPOSE,
        review,
        area=str(area.pk),
        held_on="2021-03-01",
        kind="practitioners",
        attendance=[("health visitor", "3")],
    )
    excerpts = [coding.add_excerpt(first, PURPOSE, case, f"Excerpt {i}") for i in range(3)]
    for who, applies in ((first, "yes"), (second, "no")):
        for excerpt in excerpts[:2]:
            calls = {t.pk: applies for t in coding.codebook()}
            coding.code_excerpt(who, PURPOSE, excerpt, calls)
    base = f"/reviews/{review.pk}/"
    return [
        "/reviews/",
        base,
        f"{base}cases/new/",
        f"{base}cases/{case.pk}/",
        f"{base}meetings/new/",
        f"{base}dataset/",
        f"{base}headline/",
        f"{base}headline/?published=yes",
        f"{base}excerpts/{excerpts[0].pk}/",
        f"{base}excerpts/{excerpts[2].pk}/",  # not yet coded: the form
        f"{base}agreement/",
    ]


def test_every_page_has_unique_ids_and_a_label_for_every_field(
    first_reviewer: Any, second_reviewer: Any, review: Review
) -> None:
    from html.parser import HTMLParser

    class Page(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: list[str] = []
            self.fields: list[str] = []
            self.labelled: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            if found.get("id"):
                self.ids.append(str(found["id"]))
            if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
                self.fields.append(str(found.get("id")))
            if tag == "label" and found.get("for"):
                self.labelled.add(str(found["for"]))

    client = signed_in_client(first_reviewer)
    _upload(client, review, HEADLINE_CSV.read_bytes())
    for url in _full_review(review, first_reviewer, second_reviewer):
        response = client.get(url)
        assert response.status_code == 200, url
        page = Page()
        page.feed(response.content.decode())
        duplicated = {i for i in page.ids if page.ids.count(i) > 1}
        assert not duplicated, (url, duplicated)
        assert set(page.fields) <= page.labelled, (url, set(page.fields) - page.labelled)


def test_the_exported_dataset_runs_no_formula_and_imports_back_the_same(
    first_reviewer: Any, review: Review
) -> None:
    hostile = "=cmd|' /c calc'!a0"
    content = (
        (HEADER + ",notes\n").encode()
        + GOOD.format(n=1, age=3)
        .replace("rr-1", '"' + hostile.replace('"', '""') + '"')
        .replace("area 01", "@sum(1+1)")
        .encode()
        + b',"=hyperlink(""http://example.invalid"",""x"")"\n'
        + GOOD.format(n=2, age=4).replace("area 01", "-2+3").encode()
        + b",+1\n"
    )
    client = signed_in_client(first_reviewer)
    assert _upload(client, review, content).status_code == 303
    first = client.get(f"/reviews/{review.pk}/dataset.csv").content.decode()
    cells = [cell for row in csv.reader(io.StringIO(first)) for cell in row]
    assert hostile in "".join(cells)  # kept, as text
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'" + hostile in cells and "'@sum(1+1)" in cells and "'-2+3" in cells
    # imported again (a reviewer corrects the file and sends it back): the same values
    assert _upload(client, review, first.encode()).status_code == 303
    assert client.get(f"/reviews/{review.pk}/dataset.csv").content.decode() == first
    stored = sorted(review.dataset.values_list("case_id", flat=True))
    assert stored == sorted([hostile, "rr-2"])


# ---- hostile input on the forms -------------------------------------------------------------


def test_the_review_forms_refuse_hostile_input(first_reviewer: Any, review: Review) -> None:
    client = signed_in_client(first_reviewer)
    nul = client.post("/reviews/", {"title": "Fathers\x00", "kind": "local_rapid"})
    assert nul.status_code == 400 and "NUL" in nul.content.decode()
    long = client.post("/reviews/", {"title": "t" * 300, "kind": "local_rapid"})
    assert long.status_code == 400
    assert "The review&#39;s title must be 200 characters or fewer" in long.content.decode()
    unknown = client.post("/reviews/", {"title": "Kept", "kind": "weekly"})
    assert unknown.status_code == 400 and "Select a local rapid review" in unknown.content.decode()
    area = client.post(f"/reviews/{review.pk}/", {"area": "a" * 300})
    assert area.status_code == 400 and "100 characters or fewer" in area.content.decode()
    assert Review.objects.count() == 1 and not review.areas.exists()


def test_the_case_forms_refuse_hostile_input(first_reviewer: Any, review: Review) -> None:
    client = signed_in_client(first_reviewer)
    url = f"/reviews/{review.pk}/cases/new/"
    long = client.post(url, {"case_id": "c" * 300, "reason": "x"})
    assert long.status_code == 400 and "40 characters or fewer" in long.content.decode()
    area = client.post(url, {"case_id": "rr-1", "area": "999999999999999999999", "reason": "x"})
    assert area.status_code == 400
    assert (
        'href="#area"' in area.content.decode()
        and "this review&#39;s areas" in area.content.decode()
    )
    case = reviews.add_case(first_reviewer, PURPOSE, review, case_id="rr-1", area="", reason="x")
    page = f"/reviews/{review.pk}/cases/{case.pk}/"
    nowhere = client.post(page, {"step": "move", "to_stage": "nowhere", "reason": "why"})
    assert (
        nowhere.status_code == 400
        and "can go to: shortlisted, excluded" in nowhere.content.decode()
    )
    excerpt = client.post(page, {"step": "excerpt", "text": "e" * 5001})
    assert excerpt.status_code == 400
    assert "The excerpt must be 5,000 characters or fewer" in excerpt.content.decode()
    unknown = client.post(page, {"step": "x" * 300, "text": "e"})
    assert unknown.status_code == 400 and "does not know the step" in unknown.content.decode()
    case.refresh_from_db()
    assert case.stage == "longlist" and not case.excerpts.exists()


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"held_on-month": ""}, "The date of the meeting must include a month"),
        ({"held_on-year": "2999"}, "The date of the meeting must be today or in the past"),
        ({"held_on-day": "31", "held_on-month": "02"}, "must be a real date"),
        ({"kind": "everyone"}, "Select practitioners or strategic partners"),
        ({"area": "123456789012345678901234567890"}, "Select the area"),
        ({"role-0": "r" * 300}, "A role must be 100 characters or fewer"),
        ({"count-0": "0"}, "Enter how many attended in row 1, a whole number above 0"),
        ({"count-0": "9" * 300}, "Enter how many attended in row 1, a whole number above 0"),
    ],
)
def test_the_meeting_form_refuses_hostile_input(
    first_reviewer: Any, review: Review, changed: dict[str, str], message: str
) -> None:
    area = reviews.add_area(first_reviewer, PURPOSE, review, "North")
    form = {
        "area": str(area.pk),
        **date_boxes("held_on", "2021-03-01"),
        "kind": "practitioners",
        "role-0": "health visitor",
        "count-0": "3",
    }
    response = signed_in_client(first_reviewer).post(
        f"/reviews/{review.pk}/meetings/new/", {**form, **changed}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not review.meetings.exists()


def test_the_dataset_upload_is_bounded(first_reviewer: Any, review: Review) -> None:
    from seen.thematic.casedata import UPLOAD_MAX_BYTES

    client = signed_in_client(first_reviewer)
    big = _upload(client, review, dataset(GOOD.format(n=1, age=3)).ljust(UPLOAD_MAX_BYTES + 1))
    assert big.status_code == 400 and "The file must be 5 MB or smaller" in big.content.decode()
    empty = _upload(client, review, b"")
    assert empty.status_code == 400 and "The file is empty" in empty.content.decode()
    assert not review.imports.exists()


def test_the_coding_forms_refuse_hostile_input(
    first_reviewer: Any, review_lead: Any, review: Review
) -> None:
    case = reviews.add_case(first_reviewer, PURPOSE, review, case_id="rr-1", area="", reason="x")
    excerpt = coding.add_excerpt(first_reviewer, PURPOSE, case, "The father was never seen.")
    calls = {f"theme-{t.pk}": "maybe" for t in coding.codebook()}
    odd = signed_in_client(first_reviewer).post(
        f"/reviews/{review.pk}/excerpts/{excerpt.pk}/", calls
    )
    assert odd.status_code == 400 and "Say whether" in odd.content.decode()
    assert not excerpt.codings.exists()
    lead = signed_in_client(review_lead)
    huge = lead.post(
        f"/reviews/{review.pk}/agreement/",
        {"excerpt": "9" * 300, "theme": "1", "applies": "yes", "reason": "r"},
    )
    text = huge.content.decode()
    assert huge.status_code == 400 and "Choose a disagreement of this review" in text
    assert 'href="#disagreements"' in text
    nul = lead.post(
        f"/reviews/{review.pk}/agreement/",
        {"excerpt": str(excerpt.pk), "theme": "1", "applies": "yes", "reason": "r\x00"},
    )
    assert nul.status_code == 400 and "NUL" in nul.content.decode()
