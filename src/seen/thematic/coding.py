"""Theme coding: excerpts of each case, coded against the codebook by two reviewers
independently, their agreement per theme (Cohen's kappa) and the disagreements to resolve.

Blind coding: a reviewer codes an excerpt against every theme at once and cannot change the
calls afterwards; nobody is shown a reviewer's calls on an excerpt until two reviewers have
both coded it (`calls_shown`), so the second reviewer never sees the first's. A third reviewer
is refused: agreement is between two."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from seen.core import clock
from seen.thematic.codebook import ensure_codebook
from seen.thematic.kappa import Agreement, kappa
from seen.thematic.models import (
    EXCERPT_MAX,
    REASON_MAX,
    CandidateCase,
    Coding,
    Excerpt,
    Resolution,
    Review,
    Theme,
)
from seen.thematic.reviews import Invalid, allowed, name_of, text_field

CODERS = 2


def codebook() -> list[Theme]:
    themes = list(Theme.objects.all())
    if not themes:  # a database emptied after its migrations ran
        ensure_codebook()
        themes = list(Theme.objects.all())
    return themes


def add_excerpt(user: Any, purpose: str, case: CandidateCase, text: str) -> Excerpt:
    allowed(user, purpose)
    errors: list[tuple[str, str]] = []
    text = text_field(text, "text", "the excerpt", EXCERPT_MAX, errors)
    if errors:
        raise Invalid(errors)
    return Excerpt.objects.create(case=case, text=text, added_by=user, added_at=clock.now())


def coders_of(excerpt: Excerpt) -> list[int]:
    """The users who coded the excerpt, first coder first."""
    seen: dict[int, None] = {}
    for coder in excerpt.codings.order_by("at", "pk").values_list("coder_id", flat=True):
        seen.setdefault(coder)
    return list(seen)


def own_calls(excerpt: Excerpt, user: Any) -> dict[int, bool]:
    """The user's own calls on the excerpt (theme id -> applies); empty before they code."""
    return dict(excerpt.codings.filter(coder=user).values_list("theme_id", "applies"))


def calls_shown(excerpt: Excerpt) -> bool:
    """Each reviewer's calls may be shown once two reviewers have both coded the excerpt."""
    return len(coders_of(excerpt)) >= CODERS


def code_excerpt(
    user: Any, purpose: str, excerpt: Excerpt, applies: Mapping[int, str]
) -> list[Coding]:
    """The user's calls on every theme of the codebook: theme id -> "yes" or "no"."""
    allowed(user, purpose)
    themes = codebook()
    errors = [
        (f"theme-{t.pk}", f"Say whether {t.name} applies to this excerpt")
        for t in themes
        if applies.get(t.pk) not in ("yes", "no")
    ]
    if errors:
        raise Invalid(errors)
    now = clock.now()
    try:
        with transaction.atomic():
            # lock the excerpt so that two reviewers finishing at once are counted in turn
            Excerpt.objects.select_for_update().filter(pk=excerpt.pk).first()
            coders = coders_of(excerpt)
            if user.pk in coders:
                raise Invalid([("themes", "You have already coded this excerpt")])
            if len(coders) >= CODERS:
                raise Invalid([("themes", "Two reviewers have already coded this excerpt")])
            return Coding.objects.bulk_create(
                Coding(excerpt=excerpt, theme=t, coder=user, applies=applies[t.pk] == "yes", at=now)
                for t in themes
            )
    except IntegrityError as error:  # the same reviewer's second submission raced the first
        raise Invalid([("themes", "You have already coded this excerpt")]) from error


# ---- agreement ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    excerpt: Excerpt
    theme: Theme
    first: bool  # the first coder's call
    second: bool
    resolution: Resolution | None


@dataclass(frozen=True)
class ThemeAgreement:
    theme: Theme
    agreement: Agreement


@dataclass(frozen=True)
class Comparison:
    themes: list[ThemeAgreement]
    disagreements: list[Disagreement]
    compared: int  # excerpts both reviewers coded
    waiting: int  # excerpts with fewer than two coders (their calls are not shown)


def compare(review: Review) -> Comparison:
    """Kappa per theme over the excerpts two reviewers both coded, and where they differed."""
    excerpts = list(Excerpt.objects.filter(case__review=review).select_related("case"))
    calls: dict[tuple[int, int, int], bool] = {
        (e, t, c): a
        for e, t, c, a in Coding.objects.filter(excerpt__in=excerpts).values_list(
            "excerpt_id", "theme_id", "coder_id", "applies"
        )
    }
    order: dict[int, list[int]] = {}
    for e, c in (
        Coding.objects.filter(excerpt__in=excerpts)
        .order_by("at", "pk")
        .values_list("excerpt_id", "coder_id")
    ):
        if c not in order.setdefault(e, []):
            order[e].append(c)
    both = [e for e in excerpts if len(order.get(e.pk, [])) >= CODERS]
    resolved = {
        (r.excerpt_id, r.theme_id): r for r in Resolution.objects.filter(excerpt__in=both)
    }
    themes = codebook()
    per_theme: list[ThemeAgreement] = []
    disagreements: list[Disagreement] = []
    for theme in themes:
        pairs: list[tuple[bool, bool]] = []
        for excerpt in both:
            first, second = order[excerpt.pk][:CODERS]
            a = calls.get((excerpt.pk, theme.pk, first))
            b = calls.get((excerpt.pk, theme.pk, second))
            if a is None or b is None:  # a theme added to the codebook after the coding
                continue
            pairs.append((a, b))
            if a != b:
                disagreements.append(
                    Disagreement(excerpt, theme, a, b, resolved.get((excerpt.pk, theme.pk)))
                )
        per_theme.append(ThemeAgreement(theme, kappa(pairs)))
    disagreements.sort(key=lambda d: (d.excerpt.case.case_id, d.excerpt.pk, d.theme.order))
    return Comparison(per_theme, disagreements, len(both), len(excerpts) - len(both))


def resolve(
    user: Any, purpose: str, excerpt: Excerpt, theme: Theme, *, applies: str, reason: str
) -> Resolution:
    """The agreed call on a disagreement, with who agreed it and why (one per excerpt and theme;
    a later resolution replaces it, and the audit log keeps both)."""
    allowed(user, purpose)
    errors: list[tuple[str, str]] = []
    if not calls_shown(excerpt):
        errors.append(("applies", "Both reviewers must code the excerpt before it is resolved"))
    else:
        theirs = set(
            excerpt.codings.filter(theme=theme).values_list("applies", flat=True)
        )
        if len(theirs) < 2:
            errors.append(("applies", "The reviewers agreed on this theme: nothing to resolve"))
    if applies not in ("yes", "no"):
        errors.append(("applies", "Say whether the theme applies"))
    why = text_field(reason, "reason", "why this is the agreed call", REASON_MAX, errors)
    if errors:
        raise Invalid(errors)
    resolution, _ = Resolution.objects.update_or_create(
        excerpt=excerpt,
        theme=theme,
        defaults={
            "applies": applies == "yes",
            "reason": why,
            "by": user,
            "by_name": name_of(user),
            "at": clock.now(),
        },
    )
    return resolution
