"""The thematic review's findings pages: its case dataset (CSV import and export), the headline
tables and their report, theme coding of excerpts and the coders' agreement (the routes are in
seen.web.thematic's urlpatterns)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse

from seen.access.policy import Action
from seen.thematic import casedata, coding
from seen.thematic.dataset import CaseRow
from seen.thematic.headline import Cell, headline_tables, name_of, publish
from seen.thematic.models import DatasetImport, Excerpt, Resolution, Review, Theme
from seen.thematic.reviews import Invalid
from seen.web import gate
from seen.web.gate import page
from seen.web.thematic_common import (
    REVIEW_PURPOSE,
    Written,
    form_page,
    missing,
    open_review,
    show_page,
)
from seen.web.thematic_forms import (
    CHOOSE_A_DISAGREEMENT,
    CodingForm,
    DatasetForm,
    ResolutionForm,
)

# ---- the case dataset ---------------------------------------------------------------------


@page(purpose=REVIEW_PURPOSE, post=DatasetForm)
def dataset_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = open_review(request, review_id, "review_dataset")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    form = gate.form(request, DatasetForm)

    def show(status: int) -> HttpResponse:
        rows = casedata.rows_of(review)
        imports = list(review.imports.prefetch_related("refused_rows"))
        gate.audit(
            request,
            "read",
            "review_dataset",
            str(review.pk),
            disclosed={"rows": [r.case_id for r in rows], "imports": [i.pk for i in imports]},
        )
        context = {
            "review": review,
            "purpose": purpose,
            "form": form,
            "rows": rows,
            "latest": imports[0] if imports else None,
            "imports": imports,
        }
        return show_page(request, "web/thematic_dataset.html", context, form, status=status)

    def upload(data: dict[str, Any]) -> DatasetImport:
        sent = data["dataset"]
        return casedata.import_dataset(
            request.user, purpose, review, sent.name or "upload.csv", sent.read()
        )

    def written(done: DatasetImport) -> Written:
        refused = (
            f"; {done.refused} refused (listed below with line and reason)" if done.refused else ""
        )
        return Written(
            "review_dataset",
            str(review.pk),
            {
                "import": done.pk,
                "stored": done.stored,
                "replaced": done.replaced,
                "refused": done.refused,
            },
            f"{done.stored} {'row' if done.stored == 1 else 'rows'} stored "
            f"({done.replaced} replacing rows with the same case_id){refused}",
            ("thematic-dataset", review.pk),
        )

    return form_page(request, form, show, ("review_dataset", str(review.pk)), upload, written)


@page(purpose=REVIEW_PURPOSE)
def dataset_csv(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = open_review(request, review_id, "review_dataset", Action.VIEW_REVIEW_DATA)
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
    opened = open_review(request, review_id, "review_headline", Action.VIEW_REVIEW_DATA)
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    return _headline(request, review, purpose, casedata.rows_of(review))


SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class HeadlineTable:
    name: str
    title: str
    rows: list[tuple[str, Cell]]  # (category, cases): a count, a range, or None (suppressed)
    total: int | None


Labels = dict[str, dict[str, str]]


def _words(key: str, table: str = "", labels: Labels | None = None) -> str:
    """A category as the report names it, else as written without underscores."""
    return (labels or {}).get(table, {}).get(key, key.replace("_", " "))


def _tables(rows: list[CaseRow], below: int, labels: Labels) -> list[HeadlineTable]:
    """The headline tables as the page shows them; a nested table (injury pattern by outcome)
    becomes one table per outcome."""
    tables = headline_tables(rows)
    shown = publish(tables, below)
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
                    [
                        (name_of(name, k, partial(_words, table=name, labels=labels)), v)
                        for k, v in counts.items()
                    ],
                    # a total beside a suppressed count or a range would give it away
                    total if all(isinstance(v, int) for v in counts.values()) else None,
                )
            )
    return found


def _headline(
    request: HttpRequest, review: Review, purpose: str, rows: list[CaseRow]
) -> HttpResponse:
    from seen.thematic import report  # with matplotlib: loaded when first asked for

    wanted = request.GET.get("format", "")
    if wanted and wanted not in ("html", "pdf"):
        return missing(
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
    return show_page(
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


@page(purpose=REVIEW_PURPOSE, post=CodingForm)
def excerpt_page(request: HttpRequest, review_id: int, excerpt_id: int) -> HttpResponse:
    opened = open_review(request, review_id, "review_coding")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    excerpt = (
        Excerpt.objects.select_related("case").filter(pk=excerpt_id, case__review=review).first()
    )
    if excerpt is None:
        return missing(
            request, "Excerpt not found", f"No excerpt {excerpt_id} in review {review.pk}"
        )
    form = gate.form(request, CodingForm, themes=coding.codebook())

    def show(status: int) -> HttpResponse:
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
        context = {
            "review": review,
            "excerpt": excerpt,
            "purpose": purpose,
            "form": form,
            "themes": form.themes,
            "mine": mine,
            "coders": len(coders),
            "both": coding.calls_shown(excerpt),
        }
        return show_page(request, "web/thematic_excerpt.html", context, form, status=status)

    return form_page(
        request,
        form,
        show,
        ("review_coding", str(excerpt.pk)),
        lambda _: coding.code_excerpt(request.user, purpose, excerpt, form.calls()),
        lambda calls: Written(
            "review_coding",
            str(excerpt.pk),
            {"excerpt": excerpt.pk, "applies": sorted(c.theme.code for c in calls if c.applies)},
            f"Your coding of excerpt {excerpt.pk} is recorded",
            ("thematic-excerpt", review.pk, excerpt.pk),
        ),
    )


@page(purpose=REVIEW_PURPOSE, post=ResolutionForm)
def agreement_page(request: HttpRequest, review_id: int) -> HttpResponse:
    opened = open_review(request, review_id, "review_agreement")
    if isinstance(opened, HttpResponse):
        return opened
    review, purpose = opened
    form = gate.form(request, ResolutionForm)

    def show(status: int) -> HttpResponse:
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
        # one form per disagreement: the one sent keeps what was typed, the others are blank
        context = {
            "review": review,
            "purpose": purpose,
            "comparison": compared,
            "form": form,
            "blank": ResolutionForm(),
        }
        return show_page(request, "web/thematic_agreement.html", context, form, status=status)

    def resolve(data: dict[str, Any]) -> Resolution:
        excerpt = Excerpt.objects.filter(pk=data["excerpt"], case__review=review).first()
        theme = Theme.objects.filter(pk=data["theme"]).first()
        if excerpt is None or theme is None:
            raise Invalid([("excerpt", CHOOSE_A_DISAGREEMENT)])
        return coding.resolve(
            request.user, purpose, excerpt, theme, applies=data["applies"], reason=data["reason"]
        )

    def written(done: Resolution) -> Written:
        excerpt, theme = done.excerpt, done.theme
        return Written(
            "review_resolution",
            str(done.pk),
            {"excerpt": excerpt.pk, "theme": theme.code, "applies": done.applies},
            f"Agreed call recorded for excerpt {excerpt.pk}: {theme.name}",
            ("thematic-agreement", review.pk),
        )

    sent = form.chosen() if form.is_valid() else None
    refused_as = ("review_resolution", str(sent[0]) if sent else "")
    return form_page(request, form, show, refused_as, resolve, written)
