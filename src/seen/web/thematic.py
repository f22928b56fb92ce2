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

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import path

from seen.access.policy import Action
from seen.thematic import coding, reviews
from seen.thematic.models import (
    Meeting,
    Review,
    Stage,
)
from seen.web import gate
from seen.web.forms import read_date
from seen.web.gate import page, purpose_of
from seen.web.thematic_common import (
    ATTENDANCE_ROWS,
    REVIEW_PURPOSE,
    action_for,
    missing,
    open_review,
    review_page_response,
    see_other_review,
    write,
)
from seen.web.thematic_findings import (
    agreement_page,
    dataset_csv,
    dataset_page,
    excerpt_page,
    headline_page,
)

# ---- the reviews --------------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE)
def reviews_page(request: HttpRequest) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.allow(request, action_for(request), "reviews")
    if gated is not None:
        return gated

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        found = list(Review.objects.all())
        gate.audit(request, "read", "reviews", "", disclosed={"reviews": [r.pk for r in found]})
        return review_page_response(
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
    made = write(
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
    return see_other_review("thematic-review", made.pk)


@page(purpose=REVIEW_PURPOSE)
def review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = open_review(request, review_id, "review")
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
        return review_page_response(
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
    area = write(
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
    return see_other_review("thematic-review", review.pk)


# ---- candidate cases ----------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE)
def case_new_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = open_review(request, review_id, "review_case", Action.MANAGE_REVIEW)
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        return review_page_response(
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
    case = write(
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
    return see_other_review("thematic-case", review.pk, case.pk)


@page(purpose=REVIEW_PURPOSE)
def case_page(request: HttpRequest, review_id: int, case_pk: int) -> HttpResponse:
    opened = open_review(request, review_id, "review_case")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    case = review.cases.select_related("area").filter(pk=case_pk).first()
    if case is None:
        return missing(request, "Case not found", f"No case {case_pk} in review {review.pk}")

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
        return review_page_response(
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
        done = write(
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
        excerpt = write(
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
    return see_other_review("thematic-case", review.pk, case.pk)


# ---- meetings -----------------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE)
def meeting_new_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = open_review(request, review_id, "review_meeting", Action.MANAGE_REVIEW)
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened

    def show(errors: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        return review_page_response(
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
    date_errors: list[tuple[str, str]] = []
    held = read_date(form, "held_on", "the date of the meeting", date_errors, past=True)
    if date_errors:
        return show(date_errors, 400)
    meeting = write(
        request,
        purpose,
        "review_meeting",
        str(review.pk),
        lambda: reviews.record_meeting(
            request.user,
            purpose,
            review,
            area=form.get("area", ""),
            held_on=held.isoformat() if held else "",
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
    return see_other_review("thematic-review", review.pk)


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
