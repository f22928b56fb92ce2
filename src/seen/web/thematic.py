"""The thematic review pages (/reviews/): a local rapid review or a national thematic review,
its candidate cases and their shortlisting, its areas and engagement meetings, its case dataset
(CSV import and export, the headline tables), and theme coding with its agreement.

- `/reviews/`: the reviews, and a form to start one (POST).
- `/reviews/<id>/`: one review: the shortlisting funnel, cases by stage, areas (POST adds one),
  meetings with attendance summed by role for practitioners and for strategic partners.
- `/reviews/<id>/cases/new/`: add a candidate case to the longlist, with why.
- `/reviews/<id>/cases/<case>/`: a case: its moves (POST `step=move`, with a reason) and its
  excerpts (POST `step=excerpt` adds one).
- `/reviews/<id>/meetings/new/`: record a meeting, attendance counted by role.
- `/reviews/<id>/dataset/`: the stored rows, each import and the rows it refused with their line
  and reason; POST uploads a CSV (a re-import replaces rows by case_id).
- `/reviews/<id>/dataset.csv`: the dataset as CSV, the same columns.
- `/reviews/<id>/headline/`: the headline tables of the dataset (`?format=html|pdf`: the
  report with its figures, to download; `?published=yes`: small counts suppressed).
- `/reviews/<id>/excerpts/<excerpt>/`: code an excerpt (blind: only your own calls are shown).
- `/reviews/<id>/agreement/`: kappa per theme, the disagreements, and resolving them (POST).

Reading needs `decide(Action.VIEW_REVIEW_DATA)`, writing `decide(Action.MANAGE_REVIEW)`
(reviewers and safeguarding leads); the pages declare the purpose "review". Every page is
audited: a read for what it showed, a write for what it changed, an export for a download,
denied for a refusal. Review data is de-identified: no child's reference in Seen appears."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from seen.access.models import Purpose
from seen.access.policy import Action
from seen.thematic import casedata, coding, reviews
from seen.thematic.dataset import CaseRow
from seen.thematic.headline import headline_tables, suppress
from seen.thematic.models import (
    Excerpt,
    Meeting,
    Review,
    Stage,
    Theme,
)
from seen.web import gate
from seen.web.forms import FORM_HELPERS, as_id, confirmations, error_list, unstorable
from seen.web.gate import page, purpose_of

REVIEW_PURPOSE = Purpose.REVIEW.value
ATTENDANCE_ROWS = 8
Invalid = reviews.Invalid


def _missing(request: HttpRequest, title: str, message: str) -> HttpResponse:
    return render(
        request, "web/thematic_missing.html", {"title": title, "message": message}, status=404
    )


def _see_other(name: str, *args: Any) -> HttpResponse:
    return HttpResponse(status=303, headers={"Location": reverse(name, args=args)})


def _action_for(request: HttpRequest) -> str:
    return Action.MANAGE_REVIEW if request.method == "POST" else Action.VIEW_REVIEW_DATA


def _opened(
    request: HttpRequest, review_id: int, object_type: str, action: str | None = None
) -> tuple[Review, str] | HttpResponse:
    """The gate, then the review (404 when there is none)."""
    purpose = purpose_of(request)
    gated = gate.allow(request, action or _action_for(request), object_type, str(review_id))
    if gated is not None:
        return gated
    review = Review.objects.filter(pk=review_id).first()
    if review is None:
        return _missing(request, "Review not found", f"No review {review_id}")
    return review, purpose


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    errors = context.pop("error_pairs", [])
    return render(
        request,
        template,
        {
            **FORM_HELPERS,
            "errors": error_list(errors),
            "field_errors": dict(errors),
            "values": {},
            "confirmations": confirmations(request),
            **context,
        },
        status=status,
    )


def _write(
    request: HttpRequest,
    purpose: str,
    object_type: str,
    object_id: str,
    do: Callable[[], Any],
    again: Callable[[list[tuple[str, str]]], HttpResponse],
) -> Any:
    """Runs a service write: its result, or the response for a refusal (403) or bad input."""
    problems = unstorable(request.POST)
    if problems:
        return again(problems)
    try:
        return do()
    except reviews.Refused as error:
        return gate.refused(request, object_type, object_id, str(error))
    except Invalid as error:
        return again(error.errors)


# ---- the reviews --------------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE)
def reviews_page(request: HttpRequest) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.allow(request, _action_for(request), "reviews")
    if gated is not None:
        return gated

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        found = list(Review.objects.all())
        gate.audit(request, "read", "reviews", "", disclosed={"reviews": [r.pk for r in found]})
        return _page(
            request,
            "web/thematic_reviews.html",
            {
                "reviews": found,
                "purpose": purpose,
                "kinds": Review.Kind.choices,
                "values": request.POST,
                "error_pairs": errors,
            },
            status,
        )

    if request.method != "POST":
        return show([])
    form = request.POST
    made = _write(
        request,
        purpose,
        "review",
        "",
        lambda: reviews.create_review(
            request.user, purpose, title=form.get("title", ""), kind=form.get("kind", "")
        ),
        lambda errors: show(errors, 400),
    )
    if isinstance(made, HttpResponse):
        return made
    gate.audit(
        request,
        "write",
        "review",
        str(made.pk),
        disclosed={"title": made.title, "kind": made.kind},
    )
    messages.success(request, f"Review started: {made.title}")
    return _see_other("thematic-review", made.pk)


@page(purpose=REVIEW_PURPOSE)
def review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = _opened(request, review_id, "review")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        cases = list(review.cases.select_related("area"))
        meetings = list(review.meetings.select_related("area").prefetch_related("attendance"))
        gate.audit(
            request,
            "read",
            "review",
            str(review.pk),
            disclosed={
                "cases": [c.case_id for c in cases],
                "meetings": [m.pk for m in meetings],
                "areas": review.areas.count(),
            },
        )
        return _page(
            request,
            "web/thematic_review.html",
            {
                "review": review,
                "purpose": purpose,
                "cases": cases,
                "areas": list(review.areas.all()),
                "meetings": meetings,
                "funnel": reviews.funnel(review),
                "stages": Stage.choices,
                "engagement": reviews.engagement(review),
                "meeting_kinds": Meeting.Kind.choices,
                "rows_held": review.dataset.count(),
                "values": request.POST,
                "error_pairs": errors,
            },
            status,
        )

    if request.method != "POST":
        return show([])
    area = _write(
        request,
        purpose,
        "review_area",
        str(review.pk),
        lambda: reviews.add_area(request.user, purpose, review, request.POST.get("area", "")),
        lambda errors: show(errors, 400),
    )
    if isinstance(area, HttpResponse):
        return area
    gate.audit(request, "write", "review_area", str(area.pk), disclosed={"area": area.name})
    messages.success(request, f"Area added: {area.name}")
    return _see_other("thematic-review", review.pk)


# ---- candidate cases ----------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE)
def case_new_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = _opened(request, review_id, "review_case", Action.MANAGE_REVIEW)
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        return _page(
            request,
            "web/thematic_case_new.html",
            {
                "review": review,
                "purpose": purpose,
                "areas": [(str(a.pk), a.name) for a in review.areas.all()],
                "values": request.POST,
                "error_pairs": errors,
            },
            status,
        )

    if request.method != "POST":
        return show([])
    form = request.POST
    case = _write(
        request,
        purpose,
        "review_case",
        str(review.pk),
        lambda: reviews.add_case(
            request.user,
            purpose,
            review,
            case_id=form.get("case_id", ""),
            area=form.get("area", ""),
            reason=form.get("reason", ""),
        ),
        lambda errors: show(errors, 400),
    )
    if isinstance(case, HttpResponse):
        return case
    gate.audit(
        request,
        "write",
        "review_case",
        str(case.pk),
        disclosed={"review": review.pk, "case_id": case.case_id, "stage": case.stage},
    )
    messages.success(request, f"Case {case.case_id} added to the longlist")
    return _see_other("thematic-case", review.pk, case.pk)


@page(purpose=REVIEW_PURPOSE)
def case_page(request: HttpRequest, review_id: int, case_pk: int) -> HttpResponse:
    opened = _opened(request, review_id, "review_case")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    case = review.cases.select_related("area").filter(pk=case_pk).first()
    if case is None:
        return _missing(request, "Case not found", f"No case {case_pk} in review {review.pk}")

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        changes = list(case.changes.all())
        excerpts = list(case.excerpts.all())
        gate.audit(
            request,
            "read",
            "review_case",
            str(case.pk),
            disclosed={
                "case_id": case.case_id,
                "changes": len(changes),
                "excerpts": [e.pk for e in excerpts],
            },
        )
        return _page(
            request,
            "web/thematic_case.html",
            {
                "review": review,
                "case": case,
                "purpose": purpose,
                "changes": changes,
                "stage_names": dict(Stage.choices),
                "moves": [(s, Stage(s).label) for s in reviews.MOVES[case.stage]],
                "excerpts": excerpts,
                "values": request.POST,
                "error_pairs": errors,
            },
            status,
        )

    if request.method != "POST":
        return show([])
    form = request.POST
    step = form.get("step", "")
    if step == "move":
        done = _write(
            request,
            purpose,
            "review_case",
            str(case.pk),
            lambda: reviews.move_case(
                request.user,
                purpose,
                case,
                to_stage=form.get("to_stage", ""),
                reason=form.get("reason", ""),
            ),
            lambda errors: show(errors, 400),
        )
        if isinstance(done, HttpResponse):
            return done
        gate.audit(
            request,
            "write",
            "review_case",
            str(case.pk),
            disclosed={"case_id": case.case_id, "from": done.from_stage, "to": done.to_stage},
        )
        messages.success(request, f"Case {case.case_id} moved to {case.get_stage_display()}")
    elif step == "excerpt":
        excerpt = _write(
            request,
            purpose,
            "review_excerpt",
            str(case.pk),
            lambda: coding.add_excerpt(request.user, purpose, case, form.get("text", "")),
            lambda errors: show(errors, 400),
        )
        if isinstance(excerpt, HttpResponse):
            return excerpt
        gate.audit(
            request,
            "write",
            "review_excerpt",
            str(excerpt.pk),
            disclosed={"case_id": case.case_id},
        )
        messages.success(request, f"Excerpt {excerpt.pk} added to case {case.case_id}")
    else:
        return show([("step", "Choose what to do: move the case or add an excerpt")], 400)
    return _see_other("thematic-case", review.pk, case.pk)


# ---- meetings -----------------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE)
def meeting_new_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = _opened(request, review_id, "review_meeting", Action.MANAGE_REVIEW)
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        return _page(
            request,
            "web/thematic_meeting_new.html",
            {
                "review": review,
                "purpose": purpose,
                "areas": [(str(a.pk), a.name) for a in review.areas.all()],
                "kinds": Meeting.Kind.choices,
                "rows": range(ATTENDANCE_ROWS),
                "values": request.POST,
                "error_pairs": errors,
            },
            status,
        )

    if request.method != "POST":
        return show([])
    form = request.POST
    meeting = _write(
        request,
        purpose,
        "review_meeting",
        str(review.pk),
        lambda: reviews.record_meeting(
            request.user,
            purpose,
            review,
            area=form.get("area", ""),
            held_on=form.get("held_on", ""),
            kind=form.get("kind", ""),
            attendance=[
                (form.get(f"role-{i}", ""), form.get(f"count-{i}", ""))
                for i in range(ATTENDANCE_ROWS)
            ],
        ),
        lambda errors: show(errors, 400),
    )
    if isinstance(meeting, HttpResponse):
        return meeting
    people = sum(a.count for a in meeting.attendance.all())
    gate.audit(
        request,
        "write",
        "review_meeting",
        str(meeting.pk),
        disclosed={"review": review.pk, "kind": meeting.kind, "people": people},
    )
    messages.success(
        request,
        f"Meeting recorded: {meeting.get_kind_display().lower()} in {meeting.area.name}, "
        f"{people} attending",
    )
    return _see_other("thematic-review", review.pk)


# ---- the case dataset ---------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE)
def dataset_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = _opened(request, review_id, "review_dataset")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        rows = casedata.rows_of(review)
        imports = list(review.imports.prefetch_related("refused_rows"))
        gate.audit(
            request,
            "read",
            "review_dataset",
            str(review.pk),
            disclosed={"rows": [r.case_id for r in rows], "imports": [i.pk for i in imports]},
        )
        return _page(
            request,
            "web/thematic_dataset.html",
            {
                "review": review,
                "purpose": purpose,
                "rows": rows,
                "latest": imports[0] if imports else None,
                "imports": imports,
                "error_pairs": errors,
            },
            status,
        )

    if request.method != "POST":
        return show([])
    upload = request.FILES.get("dataset")
    if upload is None:
        return show([("dataset", "Choose the case dataset CSV file to upload")], 400)
    if upload.size is not None and upload.size > casedata.UPLOAD_MAX_BYTES:
        return show([("dataset", "The file must be 5 MB or smaller")], 400)
    content = upload.read()
    done = _write(
        request,
        purpose,
        "review_dataset",
        str(review.pk),
        lambda: casedata.import_dataset(
            request.user, purpose, review, upload.name or "upload.csv", content
        ),
        lambda errors: show(errors, 400),
    )
    if isinstance(done, HttpResponse):
        return done
    gate.audit(
        request,
        "write",
        "review_dataset",
        str(review.pk),
        disclosed={
            "import": done.pk,
            "stored": done.stored,
            "replaced": done.replaced,
            "refused": done.refused,
        },
    )
    refused_text = (
        f"; {done.refused} refused (listed below with line and reason)" if done.refused else ""
    )
    messages.success(
        request,
        f"{done.stored} {'row' if done.stored == 1 else 'rows'} stored "
        f"({done.replaced} replacing rows with the same case_id){refused_text}",
    )
    return _see_other("thematic-dataset", review.pk)


@page(purpose=REVIEW_PURPOSE)
def dataset_csv(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = _opened(request, review_id, "review_dataset", Action.VIEW_REVIEW_DATA)
    if isinstance(opened, HttpResponse):
        return opened
    review, _ = opened
    rows = casedata.rows_of(review)
    gate.audit(
        request,
        "export",
        "review_dataset",
        str(review.pk),
        disclosed={"rows": [r.case_id for r in rows], "format": "csv"},
    )
    return HttpResponse(
        casedata.export_csv(review),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="review-{review.pk}-dataset.csv"'},
    )


@page(purpose=REVIEW_PURPOSE)
def headline_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = _opened(request, review_id, "review_headline", Action.VIEW_REVIEW_DATA)
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    return _headline(request, review, purpose, casedata.rows_of(review))


SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class HeadlineTable:
    name: str
    title: str
    rows: list[tuple[str, int | None]]  # (category, cases); None: suppressed
    total: int | None


Labels = dict[str, dict[str, str]]


def _words(key: str, table: str = "", labels: Labels | None = None) -> str:
    """A category as the report names it, else as written without underscores."""
    return (labels or {}).get(table, {}).get(key, key.replace("_", " "))


def _tables(rows: list[CaseRow], below: int, labels: Labels) -> list[HeadlineTable]:
    """The headline tables as the page shows them; a nested table (injury pattern by outcome)
    becomes one table per outcome."""
    tables = headline_tables(rows)
    shown = suppress(tables, below) if below > 1 else tables
    found: list[HeadlineTable] = []
    for name, table in shown.items():
        parts = (
            [
                (
                    f"{name}-{outer}",
                    f"{_words(name)}: {_words(outer, 'outcome', labels).lower()}",
                    inner,
                    tables[name][outer],
                )
                for outer, inner in table.items()
            ]
            if any(isinstance(v, dict) for v in table.values())
            else [(name, _words(name), table, tables[name])]
        )
        for key, title, counts, exact in parts:
            total = sum(exact.values())
            found.append(
                HeadlineTable(
                    key,
                    title[:1].upper() + title[1:],
                    [(_words(k, name, labels), v) for k, v in counts.items()],
                    # a total beside a suppressed count would give it away
                    None if any(v is None for v in counts.values()) else total,
                )
            )
    return found


def _headline(
    request: HttpRequest, review: Review, purpose: str, rows: list[CaseRow]
) -> HttpResponse:
    from seen.thematic import report  # with matplotlib: loaded when first asked for

    wanted = request.GET.get("format", "")
    if wanted and wanted not in ("html", "pdf"):
        return _missing(
            request, "Format not offered", f"{wanted!r} is not a format the report is offered in"
        )
    below = SUPPRESS_BELOW if request.GET.get("published") == "yes" else 1
    if wanted:
        html = report.report_html(
            rows, suppress_below=below, title=f"{review.title}: headline data"
        )
        body: str | bytes = report.report_pdf(html) if wanted == "pdf" else html
        gate.audit(
            request,
            "export",
            "review_headline",
            str(review.pk),
            disclosed={"rows": len(rows), "format": wanted, "suppressed": below > 1},
        )
        return HttpResponse(
            body,
            content_type="application/pdf" if wanted == "pdf" else "text/html; charset=utf-8",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="review-{review.pk}-headline.{wanted}"'
                )
            },
        )
    tables = _tables(rows, below, report.LABELS)
    gate.audit(
        request,
        "read",
        "review_headline",
        str(review.pk),
        disclosed={"rows": len(rows), "tables": [t.name for t in tables], "suppressed": below > 1},
    )
    return _page(
        request,
        "web/thematic_headline.html",
        {
            "review": review,
            "purpose": purpose,
            "cases": len(rows),
            "tables": tables,
            "published": below > 1,
            "below": SUPPRESS_BELOW,
        },
    )


# ---- theme coding -------------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE)
def excerpt_page(request: HttpRequest, review_id: int, excerpt_id: int) -> HttpResponse:
    opened = _opened(request, review_id, "review_coding")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    excerpt = (
        Excerpt.objects.select_related("case").filter(pk=excerpt_id, case__review=review).first()
    )
    if excerpt is None:
        return _missing(
            request, "Excerpt not found", f"No excerpt {excerpt_id} in review {review.pk}"
        )
    themes = coding.codebook()

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        mine = coding.own_calls(excerpt, request.user)
        coders = coding.coders_of(excerpt)
        gate.audit(
            request,
            "read",
            "review_coding",
            str(excerpt.pk),
            # blind coding: the page shows the user's own calls only
            disclosed={"excerpt": excerpt.pk, "own_calls": len(mine), "coders": len(coders)},
        )
        return _page(
            request,
            "web/thematic_excerpt.html",
            {
                "review": review,
                "excerpt": excerpt,
                "purpose": purpose,
                "themes": themes,
                "mine": mine,
                "coders": len(coders),
                "both": coding.calls_shown(excerpt),
                "values": request.POST,
                "error_pairs": errors,
            },
            status,
        )

    if request.method != "POST":
        return show([])
    form = request.POST
    calls = _write(
        request,
        purpose,
        "review_coding",
        str(excerpt.pk),
        lambda: coding.code_excerpt(
            request.user, purpose, excerpt, {t.pk: form.get(f"theme-{t.pk}", "") for t in themes}
        ),
        lambda errors: show(errors, 400),
    )
    if isinstance(calls, HttpResponse):
        return calls
    gate.audit(
        request,
        "write",
        "review_coding",
        str(excerpt.pk),
        disclosed={
            "excerpt": excerpt.pk,
            "applies": sorted(c.theme.code for c in calls if c.applies),
        },
    )
    messages.success(request, f"Your coding of excerpt {excerpt.pk} is recorded")
    return _see_other("thematic-excerpt", review.pk, excerpt.pk)


@page(purpose=REVIEW_PURPOSE)
def agreement_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = _opened(request, review_id, "review_agreement")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        compared = coding.compare(review)
        gate.audit(
            request,
            "read",
            "review_agreement",
            str(review.pk),
            disclosed={
                "compared": compared.compared,
                "disagreements": [[d.excerpt.pk, d.theme.code] for d in compared.disagreements],
            },
        )
        return _page(
            request,
            "web/thematic_agreement.html",
            {
                "review": review,
                "purpose": purpose,
                "comparison": compared,
                "values": request.POST,
                "error_pairs": errors,
            },
            status,
        )

    if request.method != "POST":
        return show([])
    form = request.POST
    excerpt_id, theme_id = as_id(form.get("excerpt", "")), as_id(form.get("theme", ""))
    excerpt = (
        Excerpt.objects.filter(pk=excerpt_id, case__review=review).first() if excerpt_id else None
    )
    theme = Theme.objects.filter(pk=theme_id).first() if theme_id else None
    if excerpt is None or theme is None:
        return show([("applies", "Choose a disagreement of this review to resolve")], 400)
    prefix = f"{excerpt.pk}-{theme.pk}-"
    done = _write(
        request,
        purpose,
        "review_resolution",
        str(excerpt.pk),
        lambda: coding.resolve(
            request.user,
            purpose,
            excerpt,
            theme,
            applies=form.get("applies", ""),
            reason=form.get("reason", ""),
        ),
        lambda errors: show([(prefix + f, m) for f, m in errors], 400),
    )
    if isinstance(done, HttpResponse):
        return done
    gate.audit(
        request,
        "write",
        "review_resolution",
        str(done.pk),
        disclosed={"excerpt": excerpt.pk, "theme": theme.code, "applies": done.applies},
    )
    messages.success(request, f"Agreed call recorded for excerpt {excerpt.pk}: {theme.name}")
    return _see_other("thematic-agreement", review.pk)


urlpatterns = [
    path("reviews/", reviews_page, name="thematic-reviews"),
    path("reviews/<int:review_id>/", review_page, name="thematic-review"),
    path("reviews/<int:review_id>/cases/new/", case_new_page, name="thematic-case-new"),
    path("reviews/<int:review_id>/cases/<int:case_pk>/", case_page, name="thematic-case"),
    path("reviews/<int:review_id>/meetings/new/", meeting_new_page, name="thematic-meeting-new"),
    path("reviews/<int:review_id>/dataset/", dataset_page, name="thematic-dataset"),
    path("reviews/<int:review_id>/dataset.csv", dataset_csv, name="thematic-dataset-csv"),
    path("reviews/<int:review_id>/headline/", headline_page, name="thematic-headline"),
    path(
        "reviews/<int:review_id>/excerpts/<int:excerpt_id>/",
        excerpt_page,
        name="thematic-excerpt",
    ),
    path("reviews/<int:review_id>/agreement/", agreement_page, name="thematic-agreement"),
]
