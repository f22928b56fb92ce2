"""Values the records cannot be trusted to teach: documented, reasoned, and said once.

Training (seen.linkage.training) learns each comparison level's m probability (how often one
person's two records show it) from the records themselves. Two kinds of level cannot be
learnt so:

1. **Levels never seen in training.** Expectation maximisation only sees the pairs its
   blocking rules give; a level none of them shows (no record here gives an initial for a
   forename, no two dates are transposed) has no m at all. Such a level takes, in this order:
   - the value in `REASONED_M`, where one is written down with its reason;
   - for a comparison's last level ("all other": the values disagree), the floor M_FLOOR: a
     disagreement never seen within one person is strong evidence of two;
   - otherwise its u (a weight of 0): a kind of agreement Seen could not learn counts for
     nothing until records that show it train the model again, rather than a guess that might
     outweigh what was learnt.
   `seen link` says how many in one line; `training.untrained_levels` in the model artefact
   names them.
2. **Disagreements that depend on how mobile the training population is.** How often one
   person's records hold different postcodes or telephone numbers depends on how many people in
   the training records moved or changed number. Trained where few move, a different postcode
   weighs heavily against (-6 bits), exactly for the man whose history is held at another
   address. These levels' m is therefore at least `MOVED_OR_CHANGED` (0.1): about one household
   in ten in England moves in a year, and agencies keep old addresses and numbers for years.
"""

from __future__ import annotations

from typing import Any

# comparison -> labels of the levels whose m is at least MOVED_OR_CHANGED (after conditioning)
MOBILITY_LEVELS: dict[str, tuple[str, ...]] = {
    "postcode": ("all other (surnames agree)", "all other (surnames differ or missing)"),
    "phone": ("all other",),
}
MOVED_OR_CHANGED = 0.1
M_FLOOR = 1e-3  # no level is ever certain: training keeps every m at least this (training)
FAMILY_HOME = "his postcode or phone is the home of the family the other names him in"
# Reasoned m for levels training rarely reaches. The family's home: a man named at maternity
# has no number or date of birth there, so the pairs training uses seldom hold him. About two
# in three fathers named at a birth live with the mother (the registration of births jointly
# at one address); his record at that home agrees then, and not otherwise.
REASONED_M: dict[tuple[str, str], float] = {
    ("family_home", f"{FAMILY_HOME} (surnames agree)"): 0.6,
    ("family_home", f"{FAMILY_HOME} (surnames differ or missing)"): 0.6,
}


def untrained_levels(settings: dict[str, Any]) -> list[tuple[str, str]]:
    """(comparison, level label) of every level training left without an m probability."""
    return [
        (comparison["output_column_name"], level.get("label_for_charts", ""))
        for comparison in settings["comparisons"]
        for level in comparison["comparison_levels"]
        if not level.get("is_null_level") and level.get("m_probability") is None
    ]


def _group_of(label: str) -> str:
    """Conditioned levels come in groups by their state, "(surnames agree)": each group's m
    sums to 1 (seen.linkage.training._condition); an unconditioned comparison is one group."""
    return label[label.rfind("(") :] if label.endswith(")") and " (" in label else ""


def _set_m(levels: list[dict[str, Any]], level: dict[str, Any], m: float) -> None:
    """Give `level` this m and rescale the other levels of its group to keep the sum."""
    group = [
        lv
        for lv in levels
        if _group_of(lv.get("label_for_charts", "")) == _group_of(level.get("label_for_charts", ""))
    ]
    others = sum(float(lv.get("m_probability") or 0.0) for lv in group if lv is not level)
    if others <= 0:
        return
    scale = (1 - m) / others
    for lv in group:
        lv["m_probability"] = m if lv is level else float(lv.get("m_probability") or 0.0) * scale


def apply(settings: dict[str, Any], untrained: list[tuple[str, str]]) -> dict[str, Any]:
    """Set the reasoned values (after floors and conditioning, so each group still sums to 1)."""
    wanted = set(untrained)
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for level in levels:
            label = level.get("label_for_charts", "")
            if (name, label) in wanted:
                if (name, label) in REASONED_M:
                    _set_m(levels, level, REASONED_M[(name, label)])
                elif label.startswith("all other"):  # the values disagree
                    _set_m(levels, level, M_FLOOR)
                else:
                    _set_m(levels, level, float(level["u_probability"]))
            elif (
                label in MOBILITY_LEVELS.get(name, ())
                and float(level.get("m_probability") or 0.0) < MOVED_OR_CHANGED
            ):
                _set_m(levels, level, MOVED_OR_CHANGED)
    return settings


def summary(untrained: list[tuple[str, str]]) -> str:
    """The one line `seen link` prints about them."""
    if not untrained:
        return "every comparison level was trained on these records"
    comparisons = sorted({name for name, _label in untrained})
    return (
        f"{len(untrained)} comparison levels were not seen in these records and take "
        f"documented values ({', '.join(comparisons)}; docs/linkage.md, Training)"
    )
