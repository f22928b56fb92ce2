"""The headline report as HTML (Figures 1-6, each chart with its data table) and the
`seen review report` command: JSON, the HTML and PDF written, bad datasets refused whole."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from markupsafe import escape

from seen.thematic.dataset import read_cases
from seen.thematic.report import report_html

FIXTURE = Path(__file__).parent / "fixtures" / "headline_cases.csv"
FIGURES = {
    1: ("pie", "Babies who died or were seriously harmed"),
    2: ("bar", "Sex of the babies"),
    3: ("bar", "Ethnicity of the babies"),
    4: ("bar", "Age of the babies at the incident"),
    5: ("pie", "Agency involvement at the point of injury"),
    6: ("bar", "Features of the parents"),
}


def figures_of(html: str) -> dict[int, str]:
    found = re.findall(r'<figure id="figure-(\d)">(.*?)</figure>', html, re.S)
    return {int(number): body for number, body in found}


def table_rows(fragment: str) -> dict[str, str]:
    """A data table's rows: the row heading and its count."""
    return dict(
        re.findall(r'<th scope="row">([^<]*)</th>\s*<td class="count">([^<]*)</td>', fragment)
    )


@pytest.fixture(scope="module")
def html() -> str:
    rows, _ = read_cases(FIXTURE.read_bytes())
    return report_html(rows)


def test_the_report_is_a_standalone_document_fetching_nothing(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert "<link" not in html and "<script" not in html and "<img" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert not re.search(r"url\((['\"]?)https?:", html)


def test_the_report_has_figures_1_to_6_each_a_chart_with_its_data_table(html: str) -> None:
    figures = figures_of(html)
    assert sorted(figures) == [1, 2, 3, 4, 5, 6]
    for number, (_kind, caption) in FIGURES.items():
        body = figures[number]
        assert f"<figcaption>Figure {number}: {caption}</figcaption>" in body
        assert body.count("<svg") == 1
        assert 'role="img"' in body
        assert body.count("<table>") == 1
        assert f"<caption>Figure {number} data: {caption.lower()}</caption>" in body


def test_the_figures_tables_hold_the_reports_numbers(html: str) -> None:
    figures = figures_of(html)
    assert table_rows(figures[1]) == {"Died": "4", "Seriously harmed": "19"}
    assert table_rows(figures[2]) == {"Male": "15", "Female": "8"}
    assert table_rows(figures[3])["white british"] == "18"
    assert table_rows(figures[4])["3 months"] == "9"
    assert table_rows(figures[5]) == {
        "Universal services only": "14",
        "Early Help": "3",
        "Child in Need plan": "2",
        "Child Protection plan": "4",
    }
    assert table_rows(figures[6])["Parental mental health"] == "19"
    # the pie is drawn from the same numbers
    assert "Seriously harmed: 19" in figures[1]


def test_every_headline_table_is_in_the_report_with_a_caption(html: str) -> None:
    for caption in (
        "Injuries by outcome",
        "Seriously harmed: injured on one occasion or more",
        "Seriously harmed: prognosis",
        "The male's relationship to the child",
        "Criminal proceedings after the incident",
        "Both parents charged",
        "Findings of fact in care proceedings",
    ):
        assert f"<caption>{escape(caption)}</caption>" in html
    injuries = html[html.index("<caption>Injuries by outcome") :]
    injuries = injuries[: injuries.index("</table>")]
    assert re.search(
        r'Head injury/trauma with fractures</th>\s*<td class="count">3</td>'
        r'<td class="count">5</td>',
        injuries,
    )


def test_published_figures_keep_two_categories_and_no_small_count() -> None:
    """On the 23-case fixture, published at 5: every figure still draws at least two
    categories, no count from 1 to 4 appears, and none can be worked out from the total."""
    rows, _ = read_cases(FIXTURE.read_bytes())
    html = report_html(rows, suppress_below=5)
    figures = figures_of(html)
    for number, body in figures.items():
        rows_of_figure = table_rows(body)
        assert len(rows_of_figure) >= 2, number
        chart = body[body.index("<svg") : body.index("</svg>")]
        for category in rows_of_figure:  # a long name is wrapped onto lines in the chart
            assert str(escape(category.split(" ")[0])) in chart, (number, category)
    outcome = table_rows(figures[1])
    assert outcome == {"Died": "1 to 4", "Seriously harmed": "19 to 22"}
    assert "A count given as a range is drawn at the middle of its range" in figures[1]
    agency = table_rows(figures[5])
    assert agency["Universal services only"] == "14"
    assert agency["Other: Early Help, Child in Need plan, Child Protection plan"] == "9"
    assert table_rows(figures[4])["0 to 2 months"] == "6"
    counts = re.findall(r'<td class="count">([^<]*)</td>', html)
    assert not {"1", "2", "3", "4"} & set(counts)
    assert "fewer than 5" in counts  # a parent feature: a case may have several


def test_the_command_writes_the_html_and_the_pdf_and_says_where(tmp_path: Path) -> None:
    out = StringIO()
    target = tmp_path / "published"
    call_command(
        "review", "report", str(FIXTURE), "--out", str(target), "--suppress-below", "3", stdout=out
    )
    html, pdf = target / "report.html", target / "report.pdf"
    assert str(html) in out.getvalue() and str(pdf) in out.getvalue()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert len(figures_of(html.read_text(encoding="utf-8"))) == 6
    assert "fewer than 3" in html.read_text(encoding="utf-8")


def test_the_json_can_be_suppressed_too() -> None:
    out = StringIO()
    call_command("review", "report", str(FIXTURE), "--json", "--suppress-below", "3", stdout=out)
    tables = json.loads(out.getvalue())
    assert tables["male_relationship"] == {
        "birth_father": {"from": 21, "to": 22},
        "mothers_partner": {"from": 1, "to": 2},
    }
    assert out.getvalue().startswith('{\n  "age_months": {')  # sorted keys, indent 2


def bad_dataset(tmp_path: Path) -> Path:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",1,universal,", ",14,universal,")  # case 02's age
    lines[5] = lines[5].replace("seriously_harmed", "Seriously_Harmed")  # case 05
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_dataset_with_bad_rows_is_refused_whole_with_each_line_and_reason(
    tmp_path: Path,
) -> None:
    target = tmp_path / "report"
    err, out = StringIO(), StringIO()
    with pytest.raises(CommandError, match="refused, 2 lines with problems"):
        call_command(
            "review", "report", str(bad_dataset(tmp_path)), "--out", str(target),
            stdout=out, stderr=err,
        )
    assert err.getvalue().splitlines() == [
        'line 3: age_months "14" is not a whole number from 0 to 11',
        'line 6: outcome "Seriously_Harmed" is not lower-case: values are written lower-case, '
        'here "seriously_harmed"',
    ]
    assert out.getvalue() == ""
    assert not target.exists()


def test_the_refusal_exits_non_zero_from_the_seen_command(tmp_path: Path) -> None:
    target = tmp_path / "report"
    done = subprocess.run(
        [sys.executable, "-m", "seen", "review", "report", str(bad_dataset(tmp_path)),
         "--out", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert 'line 3: age_months "14" is not a whole number from 0 to 11' in done.stderr
    assert done.stdout == ""
    assert not target.exists()


def test_a_missing_or_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("review", "report", str(tmp_path / "absent.csv"), "--json")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("review", "report", str(tmp_path), "--json")


def test_a_header_without_cases_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(FIXTURE.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no cases under the header"):
        call_command("review", "report", str(path), "--json")


@pytest.mark.django_db
def test_the_demo_review_is_started_once_and_its_dataset_reimported_by_case_id() -> None:
    from django.contrib.auth import get_user_model

    from seen.access.models import Role, StaffProfile
    from seen.thematic.models import Review
    from seen.thematic.reviews import engagement, funnel

    reviewer = get_user_model().objects.create_user("demo-reviewer")
    StaffProfile.objects.create(user=reviewer, role=Role.REVIEWER)
    out = StringIO()
    call_command("review", "demo", str(FIXTURE), stdout=out)
    call_command("review", "demo", str(FIXTURE), stdout=out)
    review = Review.objects.get()
    assert review.kind == Review.Kind.NATIONAL_THEMATIC and review.created_by == reviewer
    assert review.dataset.count() == 23  # the second import replaced, by case_id
    assert out.getvalue().count("23 cases imported, 0 lines refused") == 2
    assert out.getvalue().count("candidate cases, areas and meetings added") == 1  # once
    # as the national review was made: 74 shortlisted, cut to the dataset's 23, in 19 areas,
    # meeting 171 practitioners and 151 strategic partners
    shape = funnel(review)
    assert shape.reached["shortlisted"] == 74 and shape.now["included"] == 23
    assert shape.now["excluded"] == 51 and review.areas.count() == 19
    included = set(review.cases.filter(stage="included").values_list("case_id", flat=True))
    assert included == set(review.dataset.values_list("case_id", flat=True))
    met = engagement(review)
    assert met.totals == {"practitioners": 171, "strategic_partners": 151}
    assert met.areas == {"practitioners": 19, "strategic_partners": 19}


@pytest.mark.django_db
def test_the_demo_review_needs_a_reviewer_who_may_manage_reviews() -> None:
    from django.contrib.auth import get_user_model

    from seen.thematic.models import Review

    with pytest.raises(CommandError, match="run `seen demo-users` first"):
        call_command("review", "demo", str(FIXTURE))
    get_user_model().objects.create_user("demo-reviewer")  # no role in Seen
    with pytest.raises(CommandError, match="demo-reviewer may not start a review: you are not"):
        call_command("review", "demo", str(FIXTURE))
    assert not Review.objects.exists()


def test_any_valid_dataset_makes_a_report_even_one_case_with_empty_lists(tmp_path: Path) -> None:
    """One death, no parent features, an extra column: tables that are empty stay empty."""
    cases = tmp_path / "one.csv"
    cases.write_text(
        "case_id,area,outcome,injuries,occasions,prognosis,male_relationship,child_sex,"
        "child_ethnicity,age_months,agency_involvement,criminal_proceedings,"
        "both_parents_charged,care_findings,parent_features,reviewer note\n"
        "x1,north,died,head_injury,one_off,,birth_father,male,white british,3,universal,"
        "trial_ongoing,no,father,,anything\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("review", "report", str(cases), "--json", stdout=out)
    tables = json.loads(out.getvalue())
    assert tables["injury_pattern"] == {"died": {"head_injury_only": 1}}
    assert tables["parent_features"] == {} and tables["prognosis"] == {}
    written = StringIO()
    call_command("review", "report", str(cases), "--out", str(tmp_path / "r"), stdout=written)
    assert written.getvalue().startswith("Wrote the report of 1 case: ")
    assert len(figures_of((tmp_path / "r" / "report.html").read_text(encoding="utf-8"))) == 6
