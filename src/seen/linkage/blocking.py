"""Blocking: which pairs of records the linkage model scores.

A pair is scored when any blocking rule holds (`BlockingRule`: keys equal on both records).
`BLOCKING_RULES` are always used; `LOOSE_BLOCKING_RULES` are added while the pairs stay within
a budget that grows with the records (`choose_blocking`), so a small file is blocked loosely and
a million records tightly. Training (seen.linkage.training) chooses them once and the artefact
keeps them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from seen.linkage.prepare import PREPARED_COLUMNS


@dataclass(frozen=True)
class BlockingRule:
    """Pairs whose keys are equal: left[i] of one record = right[i] of the other. Keys are
    prepared columns or SQL expressions over one record ({t} stands for the record)."""

    left: tuple[str, ...]
    right: tuple[str, ...] | None = None  # None: the same keys on both sides

    @property
    def needs(self) -> set[str]:
        words = set()
        for key in (*self.left, *(self.right or ())):
            words |= set(re.findall(r"[a-z_]+", key.replace("{t}.", "")))
        return words & set(PREPARED_COLUMNS)

    def _expr(self, key: str, alias: str) -> str:
        return key.replace("{t}", alias) if "{t}" in key else f"{alias}.{key}"

    @property
    def sql(self) -> str:
        right = self.right or self.left
        return " AND ".join(
            f"{self._expr(a, 'l')} = {self._expr(b, 'r')}"
            for a, b in zip(self.left, right, strict=True)
        )

    def count_sql(self, table: str) -> str:
        """SQL giving (an upper bound of) the pairs this rule makes among `table`'s rows."""
        left = ", ".join(self._expr(k, "t") for k in self.left)
        not_null = " AND ".join(f"{self._expr(k, 't')} IS NOT NULL" for k in self.left)
        if self.right is None:
            return (
                f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM "
                f"{table} AS t WHERE {not_null} GROUP BY {left})"
            )
        not_null_r = " AND ".join(f"{self._expr(k, 't')} IS NOT NULL" for k in self.right)
        keys = ", ".join(f"k{i}" for i in range(len(self.left)))
        left_named = ", ".join(f"{self._expr(k, 't')} AS k{i}" for i, k in enumerate(self.left))
        right_named = ", ".join(f"{self._expr(k, 't')} AS k{i}" for i, k in enumerate(self.right))
        return (
            f"SELECT coalesce(sum(a.n * b.n), 0) FROM "
            f"(SELECT {left_named}, count(*) AS n FROM {table} AS t WHERE {not_null} "
            f"GROUP BY ALL) AS a JOIN "
            f"(SELECT {right_named}, count(*) AS n FROM {table} AS t WHERE {not_null_r} "
            f"GROUP BY ALL) AS b USING ({keys})"
        )


# Candidate pairs: a pair is scored when any rule holds. The first rules are always used: each
# usual mistake leaves at least one of them standing, and none makes huge blocks (a shared
# phone or a household's postcode alone would). The looser rules after them catch records
# with mistakes in several fields at once; each is used only while the pairs all the rules
# make stay within the budget (PAIR_BUDGET_PER_RECORD times the records, at least
# MIN_PAIR_BUDGET), so a small file is blocked loosely and a million records tightly.
BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule(("nhs_number",)),
    BlockingRule(("forename_canonical", "surname")),
    BlockingRule(("dob_text", "forename_canonical")),
    BlockingRule(("dob_text", "surname")),
    BlockingRule(("postcode", "forename_canonical")),
    BlockingRule(("postcode", "dob_text")),
    BlockingRule(("phone", "forename_canonical")),
    # a partner known to one agency only by name and phone, the forename mistyped (Darreen)
    BlockingRule(("phone", "surname")),
    BlockingRule(("dob_text", "surname"), ("dob_swapped", "surname")),
    BlockingRule(("forename", "surname"), ("surname", "forename")),
    # names swapped with a slip in one of them, on the same date of birth (both ways round:
    # a pair is scored with the smaller record id on the left)
    BlockingRule(("dob_text", "forename"), ("dob_text", "surname")),
    BlockingRule(("dob_text", "surname"), ("dob_text", "forename")),
    # a man named by a family, at the family's home (both ways round, as above)
    BlockingRule(("family_postcode", "forename_canonical"), ("postcode", "forename_canonical")),
    BlockingRule(("postcode", "forename_canonical"), ("family_postcode", "forename_canonical")),
    BlockingRule(("family_phone", "forename_canonical"), ("phone", "forename_canonical")),
    BlockingRule(("phone", "forename_canonical"), ("family_phone", "forename_canonical")),
)
LOOSE_BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule(("address",)),
    BlockingRule(("postcode", "surname")),
    BlockingRule(("dob_text", "postcode_district")),
    BlockingRule(("postcode_sector", "forename_canonical")),
    BlockingRule(("substr({t}.dob_text, 1, 4)", "surname")),
    BlockingRule(("substr({t}.dob_text, 1, 4)", "forename_canonical")),
    BlockingRule(("dob_text",)),
    BlockingRule(("postcode",)),
    BlockingRule(("surname",)),
    BlockingRule(("forename_canonical", "substr({t}.surname, 1, 1)")),
    BlockingRule(("substr({t}.dob_text, 1, 6)", "substr({t}.surname, 1, 2)")),
    BlockingRule(("forename_canonical",)),
)
PAIR_BUDGET_PER_RECORD = 25
MIN_PAIR_BUDGET = 5_000_000


def choose_blocking(
    con: duckdb.DuckDBPyConnection, table: str, present: set[str]
) -> tuple[list[BlockingRule], int]:
    """BLOCKING_RULES the records have columns for, then LOOSE_BLOCKING_RULES while the pairs
    (counted per rule, an upper bound of the union) stay within the budget."""
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0]
    budget = max(MIN_PAIR_BUDGET, PAIR_BUDGET_PER_RECORD * (rows[0] if rows else 0))
    chosen: list[BlockingRule] = []
    total = 0
    for rule in BLOCKING_RULES:
        if rule.needs <= present:
            found = con.execute(rule.count_sql(table)).fetchall()[0]
            total += int(found[0]) if found else 0
            chosen.append(rule)
    for rule in LOOSE_BLOCKING_RULES:
        if rule.needs <= present:
            found = con.execute(rule.count_sql(table)).fetchall()[0]
            count = int(found[0]) if found else 0
            if total + count <= budget:
                chosen.append(rule)
                total += count
    return chosen, total
