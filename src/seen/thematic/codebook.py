"""The codebook a review's theme coding starts from: the national review's themes (NAI in
under-1s, the role of fathers and men), and the four findings areas of its practice chapters.

Seeded by migration 0002; `ensure_codebook` puts back any code missing (a database emptied by a
test's flush, for one), never changing a code that is there."""

from __future__ import annotations

from seen.thematic.models import Theme

# (group, code, name, description), in the codebook's order
CODEBOOK = [
    (
        "theme",
        "information-sharing-men",
        "Information sharing to assess and manage the risk presented by men",
        "What agencies knew of the men around the baby (history, convictions, mental health) "
        "and whether it was shared and used to assess and manage risk.",
    ),
    (
        "theme",
        "universal-services",
        "Access to universal services",
        "Whether the family, fathers included, reached midwifery, health visiting, GPs and "
        "early years services, and were reached by them.",
    ),
    (
        "theme",
        "domestic-abuse",
        "Domestic abuse",
        "Domestic abuse in the household, known or suspected, and the response to it.",
    ),
    (
        "theme",
        "adult-mental-health",
        "Adult mental health",
        "A parent's or carer's mental health, and how adult services considered the baby.",
    ),
    (
        "theme",
        "policies-procedures",
        "Policies and procedures",
        "Whether local policies and procedures were followed, and where they fell short.",
    ),
    (
        "theme",
        "invisible-fathers",
        "Invisible or non-engaged fathers",
        "Fathers and men not seen, not asked about, or not engaged by practitioners.",
    ),
    (
        "theme",
        "additional-features",
        "Additional features (crying, feeding)",
        "Stresses in caring for a baby, such as persistent crying and feeding difficulties.",
    ),
    ("findings_area", "universal", "Universal services", "Findings about universal services."),
    ("findings_area", "early-help", "Early help", "Findings about early help."),
    ("findings_area", "children-in-need", "Children in need", "Findings about children in need."),
    (
        "findings_area",
        "child-protection",
        "Child protection",
        "Findings about child protection.",
    ),
]


def ensure_codebook() -> None:
    held = set(Theme.objects.values_list("code", flat=True))
    Theme.objects.bulk_create(
        Theme(code=code, name=name, description=description, group=group, order=order)
        for order, (group, code, name, description) in enumerate(CODEBOOK, start=1)
        if code not in held
    )
