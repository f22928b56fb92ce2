"""Theme coding through the services: the codebook seeded with the national review's themes;
each reviewer codes an excerpt against every theme once, blind to the other (nothing of either
reviewer's calls is compared or shown until both have coded it); a third coder is refused;
kappa per theme over the excerpts both coded; the disagreements, and resolving them."""

from __future__ import annotations

from typing import Any

import pytest

from seen.thematic import coding, reviews
from seen.thematic.models import Excerpt, Review, Theme
from tests.fixtures.thematic import PURPOSE

pytestmark = pytest.mark.django_db
DA = "domestic-abuse"
FATHERS = "invisible-fathers"


def _excerpts(review: Review, user: Any, n: int) -> list[Excerpt]:
    case = reviews.add_case(user, PURPOSE, review, case_id="rr-1", area="", reason="x")
    return [coding.add_excerpt(user, PURPOSE, case, f"Excerpt text {i}") for i in range(n)]


def _code(user: Any, excerpt: Excerpt, applies: set[str]) -> None:
    calls = {t.pk: "yes" if t.code in applies else "no" for t in coding.codebook()}
    coding.code_excerpt(user, PURPOSE, excerpt, calls)


def test_the_codebook_holds_the_national_reviews_themes() -> None:
    coding.codebook()
    names = list(Theme.objects.filter(group="theme").values_list("name", flat=True))
    assert names == [
        "Information sharing to assess and manage the risk presented by men",
        "Access to universal services",
        "Domestic abuse",
        "Adult mental health",
        "Policies and procedures",
        "Invisible or non-engaged fathers",
        "Additional features (crying, feeding)",
    ]
    areas = Theme.objects.filter(group="findings_area").values_list("code", flat=True)
    assert list(areas) == ["universal", "early-help", "children-in-need", "child-protection"]


def test_the_codebook_comes_back_after_its_rows_are_gone() -> None:
    Theme.objects.all().delete()  # as a test's flush leaves the table
    assert [t.code for t in coding.codebook()][:3] == [
        "information-sharing-men",
        "universal-services",
        "domestic-abuse",
    ]
    assert Theme.objects.count() == 11


def test_every_theme_must_be_called(review: Review, first_reviewer: Any) -> None:
    (excerpt,) = _excerpts(review, first_reviewer, 1)
    domestic = next(t for t in coding.codebook() if t.code == DA)
    with pytest.raises(reviews.Invalid) as caught:
        coding.code_excerpt(first_reviewer, PURPOSE, excerpt, {domestic.pk: "yes"})
    assert len(caught.value.errors) == Theme.objects.count() - 1
    assert not excerpt.codings.exists()


def test_coding_is_blind_until_both_have_coded(
    review: Review, first_reviewer: Any, second_reviewer: Any
) -> None:
    (excerpt,) = _excerpts(review, first_reviewer, 1)
    _code(first_reviewer, excerpt, {DA})
    # the second reviewer sees none of the first's calls, and nothing is compared yet
    assert coding.own_calls(excerpt, second_reviewer) == {}
    assert not coding.calls_shown(excerpt)
    waiting = coding.compare(review)
    assert (waiting.compared, waiting.waiting, waiting.disagreements) == (0, 1, [])
    assert all(t.agreement.items == 0 for t in waiting.themes)
    _code(second_reviewer, excerpt, {DA, FATHERS})
    assert coding.calls_shown(excerpt)
    both = coding.compare(review)
    assert (both.compared, both.waiting) == (1, 0)
    assert [(d.theme.code, d.first, d.second) for d in both.disagreements] == [
        (FATHERS, False, True)
    ]


def test_calls_cannot_be_changed_and_a_third_coder_is_refused(
    review: Review, first_reviewer: Any, second_reviewer: Any, review_lead: Any
) -> None:
    (excerpt,) = _excerpts(review, first_reviewer, 1)
    _code(first_reviewer, excerpt, {DA})
    with pytest.raises(reviews.Invalid, match="already coded this excerpt"):
        _code(first_reviewer, excerpt, {FATHERS})
    _code(second_reviewer, excerpt, set())
    with pytest.raises(reviews.Invalid, match="Two reviewers have already coded"):
        _code(review_lead, excerpt, set())
    assert excerpt.codings.filter(coder=first_reviewer, applies=True).get().theme.code == DA


def test_a_role_without_review_work_cannot_code(
    review: Review, first_reviewer: Any, health_visitor: Any
) -> None:
    (excerpt,) = _excerpts(review, first_reviewer, 1)
    with pytest.raises(reviews.Refused):
        _code(health_visitor, excerpt, set())


def test_kappa_per_theme_over_the_excerpts_both_coded(
    review: Review, first_reviewer: Any, second_reviewer: Any
) -> None:
    excerpts = _excerpts(review, first_reviewer, 5)
    # domestic abuse: first Y Y N N, second Y N Y N: po 0.5 = pe 0.5, kappa 0
    # invisible fathers: both Y Y N N: kappa 1; the rest: every call no, kappa not defined
    first = [{DA, FATHERS}, {DA, FATHERS}, set(), set()]
    second = [{DA, FATHERS}, {FATHERS}, {DA}, set()]
    for excerpt, mine, theirs in zip(excerpts, first, second, strict=False):
        _code(first_reviewer, excerpt, mine)
        _code(second_reviewer, excerpt, theirs)
    _code(first_reviewer, excerpts[4], {DA})  # one coder only: not counted
    found = {t.theme.code: t.agreement for t in coding.compare(review).themes}
    assert found[DA].items == 4 and found[DA].kappa == pytest.approx(0.0)
    assert found[FATHERS].kappa == pytest.approx(1.0)
    assert found["adult-mental-health"].kappa is None
    assert found["adult-mental-health"].observed == 1
    disagreements = coding.compare(review).disagreements
    assert [(d.excerpt.pk, d.theme.code) for d in disagreements] == [
        (excerpts[1].pk, DA),
        (excerpts[2].pk, DA),
    ]


def test_resolving_records_the_agreed_call_with_who_and_why(
    review: Review, first_reviewer: Any, second_reviewer: Any, review_lead: Any
) -> None:
    (excerpt,) = _excerpts(review, first_reviewer, 1)
    themes = {t.code: t for t in coding.codebook()}
    domestic, fathers = themes[DA], themes[FATHERS]
    _code(first_reviewer, excerpt, {DA})
    with pytest.raises(reviews.Invalid, match="Both reviewers must code"):
        coding.resolve(review_lead, PURPOSE, excerpt, domestic, applies="yes", reason="r")
    _code(second_reviewer, excerpt, set())
    with pytest.raises(reviews.Invalid, match="agreed on this theme"):
        coding.resolve(review_lead, PURPOSE, excerpt, fathers, applies="no", reason="r")
    with pytest.raises(reviews.Invalid) as caught:
        coding.resolve(review_lead, PURPOSE, excerpt, domestic, applies="maybe", reason="")
    assert [f for f, _ in caught.value.errors] == ["applies", "reason"]
    agreed = coding.resolve(
        review_lead, PURPOSE, excerpt, domestic, applies="yes", reason="the police log names it"
    )
    assert (agreed.applies, agreed.by, agreed.reason) == (
        True,
        review_lead,
        "the police log names it",
    )
    (shown,) = coding.compare(review).disagreements
    assert shown.resolution == agreed
