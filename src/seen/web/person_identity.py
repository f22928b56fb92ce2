"""The person page's offer of a merge: "Possible same person: P… — review", with the evidence of
the strongest pair between a record of each (seen.linkage.duplicates), the other person's record
as the viewer may see it (shielded values replaced unless cleared), and the form that merges the
two persons with a reason (seen.linkage.decisions.merge, the service the review page decides
through). Shown only to a viewer who may decide identity (the page decides: DECIDE_LINKS at
the household level)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from seen.access.shielding import cleared, shields_of
from seen.casefile.pairs import record_out
from seen.linkage import decisions
from seen.linkage.duplicates import PossibleSamePerson
from seen.linkage.explain import explain
from seen.web.forms import SeenForm, choice_field, text_field
from seen.web.gate import DEFAULT_PURPOSE
from seen.web.review import as_percent

CHOOSE_PERSON = "Select the person who is the same as this one"


class MergeForm(SeenForm):
    """Merge this person with one of the possible same persons the page offers, named by the
    pair that offers them, with the reason every identity decision needs."""

    pair = choice_field(CHOOSE_PERSON)
    reason = text_field(
        "the reason", decisions.REASON_MAX, required="Enter why they are the same person"
    )

    def __init__(self, *args: Any, offers: list[PossibleSamePerson], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_pair = {str(o.strongest.pk): o for o in offers}
        field: Any = self.fields["pair"]
        field.choices = [
            (str(o.strongest.pk), f"{o.person.reference} (pair {o.strongest.pk})") for o in offers
        ]

    def input_id(self, name: str) -> str:
        # the page's other form (a link decision) has a reason of its own
        return f"merge-{name}"

    @property
    def chosen(self) -> PossibleSamePerson:
        """The possible same person chosen (only once the form is valid)."""
        return self.by_pair[self.cleaned_data["pair"]]


def offer_views(
    request: HttpRequest, offers: list[PossibleSamePerson], purpose: str
) -> list[dict[str, Any]]:
    """Each possible same person as the page shows it: the strongest pair's evidence in words
    that add up, the other person's record in it as the viewer may see it, and the address of
    the pair on the review page (with the purpose the page was opened for)."""
    strongest = [offer.strongest for offer in offers]
    shields = shields_of(r for pair in strongest for r in (pair.record_l_id, pair.record_r_id))
    clearance = cleared(request.user)
    query = urlencode({"purpose": purpose})
    views = []
    for offer, pair in zip(offers, strongest, strict=True):
        theirs = pair.record_r if pair.record_r.person_id == offer.person.pk else pair.record_l
        other = record_out(theirs, shields.get(theirs.pk, set()), clearance)
        explanation = explain(pair.match_weight, pair.match_probability, pair.evidence, pair.levels)
        review = reverse("review-pair-detail", args=[pair.pk])
        views.append(
            {
                "reference": offer.person.reference,
                "pair": pair.pk,
                "pairs": len(offer.pairs),
                "percent": as_percent(pair.match_probability),
                "record": other,
                "agency": theirs.agency.name,
                "parts": [
                    {
                        "name": part.name,
                        "words": part.words,
                        "weight": part.shown,
                        "direction": part.direction,
                    }
                    for part in explanation.parts
                ],
                "total": explanation.total,
                "review_url": review if purpose == DEFAULT_PURPOSE else f"{review}?{query}",
            }
        )
    return views
