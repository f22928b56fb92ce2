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

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path

from seen.access.policy import Action
from seen.thematic import coding, reviews
from seen.thematic.models import Meeting, Review, Stage
from seen.web import gate
from seen.web.gate import page, purpose_of
from seen.web.thematic_common import (
    REVIEW_PURPOSE,
    Written,
    action_for,
    form_page,
    missing,
    open_review,
    show_page,
)
from seen.web.thematic_findings import (
    agreement_page,
    dataset_csv,
    dataset_page,
    excerpt_page,
    headline_page,
)
from seen.web.thematic_forms import (
    ATTENDANCE_ROWS,
    AreaForm,
    CaseForm,
    ExcerptForm,
    MeetingForm,
    MoveForm,
    ReviewForm,
)

# ---- the reviews --------------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE, post=ReviewForm)
def reviews_page(request: HttpRequest) -> HttpResponse:
    purpose = purpose_of(request)
    gated = gate.allow(request, action_for(request), "reviews")
    if gated is not None:
        return gated
    form = gate.form(request, ReviewForm)

    def show(status: int) -> HttpResponse:
        found = list(Review.objects.all())
        gate.audit(request, "read", "reviews", "", disclosed={"reviews": [r.pk for r in found]})
        context = {"reviews": found, "purpose": purpose, "form": form}
        return show_page(request, "web/thematic_reviews.html", context, form, status=status)

    return form_page(
        request,
        form,
        show,
        ("review", ""),
        lambda data: reviews.create_review(
            request.user, purpose, title=data["title"], kind=data["kind"]
        ),
        lambda made: Written(
            "review",
            str(made.pk),
            {"title": made.title, "kind": made.kind},
            f"Review started: {made.title}",
            ("thematic-review", made.pk),
        ),
    )


@page(purpose=REVIEW_PURPOSE, post=AreaForm)
def review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = open_review(request, review_id, "review")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    form = gate.form(request, AreaForm)

    def show(status: int) -> HttpResponse:
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
        context = {
            "review": review,
            "purpose": purpose,
            "form": form,
            "cases": cases,
            "areas": list(review.areas.all()),
            "meetings": meetings,
            "funnel": reviews.funnel(review),
            "stages": Stage.choices,
            "engagement": reviews.engagement(review),
            "meeting_kinds": Meeting.Kind.choices,
            "rows_held": review.dataset.count(),
        }
        return show_page(request, "web/thematic_review.html", context, form, status=status)

    return form_page(
        request,
        form,
        show,
        ("review_area", str(review.pk)),
        lambda data: reviews.add_area(request.user, purpose, review, data["area"]),
        lambda area: Written(
            "review_area",
            str(area.pk),
            {"area": area.name},
            f"Area added: {area.name}",
            ("thematic-review", review.pk),
        ),
    )


def _areas(review: Review) -> list[tuple[str, str]]:
    return [(str(a.pk), a.name) for a in review.areas.all()]


# ---- candidate cases ----------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE, post=CaseForm)
def case_new_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = open_review(request, review_id, "review_case", Action.MANAGE_REVIEW)
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    areas = _areas(review)
    form = gate.form(request, CaseForm, areas=areas)

    def show(status: int) -> HttpResponse:
        context = {"review": review, "purpose": purpose, "areas": areas, "form": form}
        return show_page(request, "web/thematic_case_new.html", context, form, status=status)

    return form_page(
        request,
        form,
        show,
        ("review_case", str(review.pk)),
        lambda data: reviews.add_case(
            request.user,
            purpose,
            review,
            case_id=data["case_id"],
            area=data["area"],
            reason=data["reason"],
        ),
        lambda case: Written(
            "review_case",
            str(case.pk),
            {"review": review.pk, "case_id": case.case_id, "stage": case.stage},
            f"Case {case.case_id} added to the longlist",
            ("thematic-case", review.pk, case.pk),
        ),
    )


@page(purpose=REVIEW_PURPOSE, post={"move": MoveForm, "excerpt": ExcerptForm})
def case_page(request: HttpRequest, review_id: int, case_pk: int) -> HttpResponse:
    opened = open_review(request, review_id, "review_case")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    case = review.cases.select_related("area").filter(pk=case_pk).first()
    if case is None:
        return missing(request, "Case not found", f"No case {case_pk} in review {review.pk}")
    move_form = gate.form(request, MoveForm, stage=case.stage, moves=reviews.MOVES[case.stage])
    excerpt_form = gate.form(request, ExcerptForm)

    def show(status: int) -> HttpResponse:
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
        context = {
            "review": review,
            "case": case,
            "purpose": purpose,
            "changes": changes,
            "stage_names": dict(Stage.choices),
            "excerpts": excerpts,
            "move_form": move_form,
            "excerpt_form": excerpt_form,
        }
        forms = (move_form, excerpt_form)
        return show_page(request, "web/thematic_case.html", context, *forms, status=status)

    then = ("thematic-case", review.pk, case.pk)
    if gate.step_of(request) == "excerpt":
        return form_page(
            request,
            excerpt_form,
            show,
            ("review_excerpt", str(case.pk)),
            lambda data: coding.add_excerpt(request.user, purpose, case, data["text"]),
            lambda excerpt: Written(
                "review_excerpt",
                str(excerpt.pk),
                {"case_id": case.case_id},
                f"Excerpt {excerpt.pk} added to case {case.case_id}",
                then,
            ),
        )
    return form_page(
        request,
        move_form,
        show,
        ("review_case", str(case.pk)),
        lambda data: reviews.move_case(
            request.user, purpose, case, to_stage=data["to_stage"], reason=data["reason"]
        ),
        lambda change: Written(
            "review_case",
            str(case.pk),
            {"case_id": case.case_id, "from": change.from_stage, "to": change.to_stage},
            f"Case {case.case_id} moved to {case.get_stage_display()}",
            then,
        ),
    )


# ---- meetings -----------------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE, post=MeetingForm)
def meeting_new_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = open_review(request, review_id, "review_meeting", Action.MANAGE_REVIEW)
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    areas = _areas(review)
    form = gate.form(request, MeetingForm, areas=areas)

    def show(status: int) -> HttpResponse:
        context = {
            "review": review,
            "purpose": purpose,
            "areas": areas,
            "rows": range(ATTENDANCE_ROWS),
            "form": form,
        }
        return show_page(request, "web/thematic_meeting_new.html", context, form, status=status)

    def record(data: dict[str, Any]) -> Meeting:
        return reviews.record_meeting(
            request.user,
            purpose,
            review,
            area=data["area"],
            held_on=data["held_on"].isoformat(),
            kind=data["kind"],
            attendance=form.attendance(),
        )

    def written(meeting: Meeting) -> Written:
        people = sum(a.count for a in meeting.attendance.all())
        return Written(
            "review_meeting",
            str(meeting.pk),
            {"review": review.pk, "kind": meeting.kind, "people": people},
            f"Meeting recorded: {meeting.get_kind_display().lower()} in {meeting.area.name}, "
            f"{people} attending",
            ("thematic-review", review.pk),
        )

    return form_page(request, form, show, ("review_meeting", str(review.pk)), record, written)


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
