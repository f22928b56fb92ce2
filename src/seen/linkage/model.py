"""Seen's identity-resolution model: Splink 5 on DuckDB, trained without labels.

A `LinkageModel` is a Splink settings document (comparisons, blocking rules and the trained m and
u probabilities) plus Seen's own metadata, saved as one versioned JSON artefact. It reads the
table `seen.linkage.prepare` makes. See docs/linkage.md for the why of each choice.

    prepared = prepare_records(rows)
    model = LinkageModel.train(prepared, seed=1)      # u by random sampling, m by EM
    model.save(path); model = LinkageModel.load(path)
    pairs = model.predict(prepared, threshold=0.5)    # scored pairs with per-comparison evidence
    persons = model.cluster(prepared, pairs, threshold=0.99).persons
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from seen.linkage import reasoned
from seen.linkage.clustering import Clustering, cluster
from seen.linkage.exclusions import CORROBORATING, EXCLUSION_COLUMNS, Exclusion, exclusions_for
from seen.linkage.prepare import PREPARED_COLUMNS, connect

SEEN_MODEL_VERSION = 1
ARTEFACT_FORMAT = "seen-linkage-model"

Progress = Callable[[str], None]  # called with the name of each step as it starts


@dataclass(frozen=True)
class Bands:
    """The three bands of a scored pair: at or above `auto_link` the records are linked
    automatically; at or above `review` (and below auto_link) a person decides; below, no
    link. Match probabilities."""

    auto_link: float = 0.995
    review: float = 0.1

    def __post_init__(self) -> None:
        if not 0 < self.review <= self.auto_link < 1:
            raise ValueError(
                f"bands need 0 < review ({self.review}) <= auto_link ({self.auto_link}) < 1"
            )

    def band(self, probability: float) -> str:
        if probability >= self.auto_link:
            return "link"
        if probability >= self.review:
            return "review"
        return "no_link"


# --------------------------------------------------------------------------------------------
# The comparisons. Each is (name, the prepared columns it needs, levels). Levels are tried in
# order; the first that holds gives the comparison's level for a pair. SQL is DuckDB's, with
# Splink's _l/_r suffixes.


def _level(sql: str, label: str, *, null: bool = False, tf: str | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _null(*columns: str) -> dict[str, Any]:
    sql = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)
    return _level(sql, "missing on either side", null=True)


ELSE = {"sql_condition": "ELSE", "label_for_charts": "all other"}


def _jw(column: str, threshold: float) -> str:
    return f'jaro_winkler_similarity("{column}_l", "{column}_r") >= {threshold}'


# Agreement of surnames (of forenames) as the surname (forename) comparison's top levels count
# it: the state the postcode (sex) comparison is conditioned on.
SURNAMES_AGREE = (
    '("surname_l" = "surname_r" OR jaro_winkler_similarity("surname_l", "surname_r") >= 0.92'
    ' OR coalesce(list_has_any("surnames_l", "surnames_r"), false))'
)
FORENAMES_AGREE = (
    '("forename_l" = "forename_r"'
    ' OR coalesce(list_has_any("forename_keys_l", "forename_keys_r"), false)'
    ' OR jaro_winkler_similarity("forename_l", "forename_r") >= 0.92)'
)
# Forename and surname written the other way round: one record's forename is the other's
# surname, and its surname is the other's forename, close to it (a slip on top of the swap:
# Imogen Braithwaite / Braitwaite Imogen) or missing.
SWAPPED = (
    '("forename_l" = "surname_r"'
    ' AND coalesce(jaro_winkler_similarity("surname_l", "forename_r") >= 0.8, true))'
    ' OR ("surname_l" = "forename_r"'
    ' AND coalesce(jaro_winkler_similarity("forename_l", "surname_r") >= 0.8, true))'
)
# One forename is an initial (J / Joseph): a single letter, the other's first.
INITIAL = (
    '(length("forename_l") = 1 OR length("forename_r") = 1)'
    ' AND substr("forename_l", 1, 1) = substr("forename_r", 1, 1)'
)
GIVEN_SURNAMES_AGREE = "surnames agree"
GIVEN_SURNAMES_DO_NOT = "surnames differ or missing"
GIVEN_POSTCODES_AGREE = "postcodes agree"
GIVEN_POSTCODES_DO_NOT = "postcodes differ or missing"
GIVEN_FORENAMES_AGREE = "forenames agree"
GIVEN_FORENAMES_DO_NOT = "forenames differ or missing"


def _conditioned(
    state_sql: str, state_labels: tuple[str, str], levels: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """The levels (sql, label) repeated for each of two states of another comparison (agree,
    do not), the last level of each being "anything else" in that state. Training estimates
    the joint chance of level-and-state; _condition turns it into the chance of the level
    given the state, so this comparison adds only what it says beyond the other one."""
    agree, other = state_labels
    out: list[dict[str, Any]] = []
    for sql, label in levels:
        out.append(_level(f"CASE WHEN {state_sql} THEN {sql} ELSE false END", f"{label} ({agree})"))
    out.append(_level(state_sql, f"all other ({agree})"))
    for sql, label in levels:
        out.append(_level(sql, f"{label} ({other})"))
    out.append({"sql_condition": "ELSE", "label_for_charts": f"all other ({other})"})
    return out


COMPARISONS: tuple[tuple[str, tuple[str, ...], list[dict[str, Any]]], ...] = (
    (
        "forename",
        ("forename",),
        [
            _null("forename"),
            _level('"forename_l" = "forename_r"', "same forename", tf="forename"),
            _level(
                'list_has_any("forename_keys_l", "forename_keys_r")',
                "short form or other spelling of the same name (Bob / Robert)",
            ),
            _level(_jw("forename", 0.92), "forename Jaro-Winkler >= 0.92 (a slip)"),
            _level(_jw("forename", 0.80), "forename Jaro-Winkler >= 0.80"),
            _level(INITIAL, "an initial and a forename it begins"),
            _level(SWAPPED, "forename and surname swapped"),
            ELSE,
        ],
    ),
    (
        "surname",
        ("surname",),
        [
            # names swapped: one fact, which the forename comparison weighs; counted here too,
            # it made two people with the same two names crosswise look like one
            _level(
                f'"surname_l" IS NULL OR "surname_r" IS NULL OR ({SWAPPED})',
                "missing on either side, or swapped with the forename (weighed by forename)",
                null=True,
            ),
            _level('"surname_l" = "surname_r"', "same surname", tf="surname"),
            _level(_jw("surname", 0.92), "surname Jaro-Winkler >= 0.92 (a slip)"),
            _level(
                'list_has_any("surnames_l", "surnames_r")',
                "a surname in common: previous surname or part of a double-barrelled one",
            ),
            _level(_jw("surname", 0.80), "surname Jaro-Winkler >= 0.80"),
            ELSE,
        ],
    ),
    (
        "dob",
        ("dob_text",),
        [
            _null("dob_text"),
            _level('"dob_text_l" = "dob_text_r"', "same date of birth", tf="dob_text"),
            _level('"dob_text_l" = "dob_swapped_r"', "day and month transposed"),
            # A slip in the day or month says more than one in the year: where only the year
            # of birth is known (recorded as 1 January), many people's years are a digit apart.
            _level(
                'hamming("dob_text_l", "dob_text_r") <= 1'
                ' AND substr("dob_text_l", 1, 4) = substr("dob_text_r", 1, 4)',
                "same year, day or month one digit different (a slip)",
            ),
            _level(
                'hamming("dob_text_l", "dob_text_r") <= 1',
                "year one digit different, same day and month (a slip)",
            ),
            _level('abs(date_diff(\'day\', "dob_l", "dob_r")) <= 31', "within a month"),
            _level(
                'abs(TRY_CAST(substr("dob_text_l", 1, 4) AS INTEGER)'
                ' - TRY_CAST(substr("dob_text_r", 1, 4) AS INTEGER)) <= 1',
                "within a year",
            ),
            ELSE,
        ],
    ),
    (
        "sex",
        ("sex",),
        [
            _null("sex"),
            *_conditioned(
                FORENAMES_AGREE,
                (GIVEN_FORENAMES_AGREE, GIVEN_FORENAMES_DO_NOT),
                [('"sex_l" = "sex_r"', "same sex")],
            ),
        ],
    ),
    (
        "nhs_number",
        ("nhs_number",),
        [
            _null("nhs_number"),
            _level('"nhs_number_l" = "nhs_number_r"', "same NHS number"),
            _level(
                'hamming("nhs_number_l", "nhs_number_r") <= 2',
                "NHS number one or two digits apart (a slip or two digits transposed)",
            ),
            ELSE,
        ],
    ),
    (
        "postcode",
        ("postcode",),
        [
            _null("postcode"),
            *_conditioned(
                SURNAMES_AGREE,
                (GIVEN_SURNAMES_AGREE, GIVEN_SURNAMES_DO_NOT),
                [
                    ('"postcode_l" = "postcode_r"', "same postcode"),
                    (
                        'CASE WHEN length("postcode_l") = length("postcode_r")'
                        ' THEN hamming("postcode_l", "postcode_r") <= 1 ELSE false END'
                        ' OR "postcode_sector_l" = "postcode_sector_r"',
                        "postcode one character apart or same sector",
                    ),
                    ('"postcode_district_l" = "postcode_district_r"', "same postcode district"),
                ],
            ),
        ],
    ),
    (
        "address",
        ("address",),
        [
            _null("address"),
            *_conditioned(
                '"postcode_l" = "postcode_r"',
                (GIVEN_POSTCODES_AGREE, GIVEN_POSTCODES_DO_NOT),
                [
                    ('"address_l" = "address_r"', "same address"),
                    (
                        'jaro_winkler_similarity("address_l", "address_r") >= 0.92',
                        "address Jaro-Winkler >= 0.92 (a slip)",
                    ),
                    (
                        '2 * len(list_intersect("address_tokens_l", "address_tokens_r"))'
                        ' >= len(list_distinct(list_concat("address_tokens_l",'
                        ' "address_tokens_r")))',
                        "address: half the words or more in common",
                    ),
                    # slips that join or split words ("warregocircuit") defeat the words in
                    # common but not the characters
                    (
                        'jaro_winkler_similarity("address_l", "address_r") >= 0.8',
                        "address Jaro-Winkler >= 0.8",
                    ),
                ],
            ),
        ],
    ),
    (
        "phone",
        ("phone",),
        [
            _null("phone"),
            _level('"phone_l" = "phone_r"', "same phone number"),
            ELSE,
        ],
    ),
    (
        # Relationship context (seen.linkage.context): a record named as a baby's parent or
        # partner without an address or phone of its own ("partner: Jon") carries the home of
        # that family; another record of his at that home is evidence beyond the name.
        "family_home",
        ("family_postcode",),
        [
            _level(
                '("family_postcode_l" IS NULL OR "postcode_r" IS NULL)'
                ' AND ("family_postcode_r" IS NULL OR "postcode_l" IS NULL)'
                ' AND ("family_phone_l" IS NULL OR "phone_r" IS NULL)'
                ' AND ("family_phone_r" IS NULL OR "phone_l" IS NULL)',
                "no family home to compare",
                null=True,
            ),
            # conditioned on the surnames as the postcode is: people of one surname at one home
            # are often two people (a father and the son named after him)
            *_conditioned(
                SURNAMES_AGREE,
                (GIVEN_SURNAMES_AGREE, GIVEN_SURNAMES_DO_NOT),
                [
                    (
                        '"family_postcode_l" = "postcode_r" OR "family_postcode_r" = "postcode_l"'
                        ' OR "family_phone_l" = "phone_r" OR "family_phone_r" = "phone_l"',
                        "his postcode or phone is the home of the family the other names him in",
                    )
                ],
            ),
        ],
    ),
)


@dataclass(frozen=True)
class BlockingRule:
    """Pairs whose keys are equal: left[i] of one record = right[i] of the other. Keys are
    prepared columns or SQL expressions over one record ({t} stands for the record)."""

    left: tuple[str, ...]
    right: tuple[str, ...] | None = None  # None: the same keys on both sides

    @property
    def needs(self) -> set[str]:
        import re

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

# Expectation maximisation runs once per entry, with the first rule of the entry whose columns
# the records have; a rule leaves the comparisons it does not use free to be estimated, and
# the last session to estimate a comparison sets it. The first entry estimates dates of birth:
# pairs sharing an NHS number (else a postcode) are mostly one person, so they show how one
# person's dates of birth differ better than pairs sharing a name (which include a father and
# the son named after him). The second, pairs sharing a date of birth, estimates the rest.
EM_RULES: tuple[tuple[BlockingRule, ...], ...] = (
    (BlockingRule(("nhs_number",)), BlockingRule(("postcode",))),
    (BlockingRule(("dob_text",)),),
)
# For the prior (the chance that two records picked at random are one person): pairs these
# rules find are counted as true, and divided by the share of all true pairs the rules find,
# which the trained model gives (the chance that both records hold the values, times the
# chance that a true pair agrees exactly on them).
DETERMINISTIC_RULES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("nhs_number", "same NHS number"),),
    (
        ("forename", "same forename"),
        ("surname", "same surname"),
        ("dob_text", "same date of birth"),
    ),
)
U_MAX_PAIRS = 2e6
EM_MAX_PAIRS = 3e6
# No level is ever certain: an m or u probability estimated as 0 (a level never seen among
# matches, or never among random pairs) would give an infinite weight, and one wrong NHS number
# would then forbid a link whatever else agrees. Each is kept at least this large.
U_MATCH_CORRECTION_LIMIT = 0.05
M_FLOOR = 1e-3
U_FLOOR = 1e-6


def _columns_present(prepared: pa.Table) -> set[str]:
    present = set()
    for name in prepared.column_names:
        column = prepared.column(name)
        if len(column) and column.null_count < len(column):
            present.add(name)
    return present


def _settings(present: set[str], blocking_rules: Sequence[BlockingRule] = ()) -> dict[str, Any]:
    comparisons = []
    for name, needs, levels in COMPARISONS:
        if all(column in present for column in needs):
            comparisons.append(
                {
                    "output_column_name": name,
                    "comparison_description": name,
                    "comparison_levels": copy.deepcopy(levels),
                }
            )
    blocking = [{"blocking_rule": rule.sql} for rule in blocking_rules]
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": 1e-4,
        "blocking_rules_to_generate_predictions": blocking,
        "comparisons": comparisons,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
        "em_convergence": 0.001,
        "max_iterations": 25,
    }


def _quiet_splink() -> None:
    """Splink's warnings (a level it could not train, a sample it skipped) are what
    seen.linkage.reasoned handles and summarises in one line; errors still show."""
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


class LinkageModel:
    """A trained model. `settings` is the Splink settings document (JSON-ready)."""

    def __init__(self, settings: dict[str, Any], *, meta: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self.meta = dict(meta or {})

    # ---- identity ------------------------------------------------------------------------

    @property
    def comparison_names(self) -> list[str]:
        return [c["output_column_name"] for c in self.settings["comparisons"]]

    @property
    def version(self) -> str:
        """Seen's artefact version and a digest of the trained settings: two models with the
        same version score every pair the same."""
        digest = hashlib.sha256(
            json.dumps(self.settings, sort_keys=True, default=str).encode()
        ).hexdigest()[:12]
        return f"{SEEN_MODEL_VERSION}-{digest}"

    @property
    def prior_match_weight(self) -> float:
        """The match weight of the prior (the chance that two random records match): a pair's
        match_weight is this plus its comparisons' weights."""
        prior = float(self.settings["probability_two_random_records_match"])
        return math.log2(prior / (1 - prior))

    def level_label(self, comparison: str, index: int | None) -> str | None:
        """The label of the level a pair met, by its `level_` index (see level_index_sql)."""
        if index is None:
            return None
        for c in self.settings["comparisons"]:
            if c["output_column_name"] == comparison:
                levels = c["comparison_levels"]
                if index < 0:
                    nulls = [lv for lv in levels if lv.get("is_null_level")]
                    return nulls[0].get("label_for_charts", "") if nulls else None
                others = [lv for lv in levels if not lv.get("is_null_level")]
                return others[index].get("label_for_charts", "") if index < len(others) else None
        return None

    def level_labels(self, comparison: str) -> list[str]:
        """Labels of a comparison's levels, indexed by the gamma value Splink gives them
        (gamma -1 is the null level, then the highest level down to 0 for "all other")."""
        for c in self.settings["comparisons"]:
            if c["output_column_name"] == comparison:
                levels = [lv for lv in c["comparison_levels"] if not lv.get("is_null_level")]
                return [lv.get("label_for_charts", "") for lv in reversed(levels)]
        raise KeyError(comparison)

    # ---- training ------------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        prepared: pa.Table,
        *,
        seed: int = 1,
        progress: Progress | None = None,
        u_max_pairs: float = U_MAX_PAIRS,
        em_max_pairs: float = EM_MAX_PAIRS,
    ) -> LinkageModel:
        """Train on the records themselves, with no labels: u probabilities by random sampling
        (seeded), the prior from deterministic rules, m probabilities by expectation
        maximisation over EM_RULES."""
        from splink import Linker

        _quiet_splink()
        step = progress or (lambda _label: None)
        started = time.perf_counter()
        present = _columns_present(prepared)
        con = connect()
        try:
            db_api = _db_api(con)
            records = db_api.register(prepared, dataset_display_name="records")
            step("choosing blocking rules")
            blocking, pair_count = _choose_blocking(con, records.physical_name, present)
            settings = _settings(present, blocking)
            if not settings["comparisons"]:
                raise ValueError("the records have no columns the model can compare")
            linker = Linker(records, settings, log_level=None)
            step("estimating u by random sampling")
            linker.training.estimate_u_using_random_sampling(
                max_pairs=u_max_pairs, seed=seed, min_count_per_level=None, num_chunks=1
            )
            step("estimating m by expectation maximisation")
            for alternatives in EM_RULES:
                for rule in alternatives:
                    if rule.needs <= present:
                        linker.training.estimate_parameters_using_expectation_maximisation(
                            rule.sql, max_pairs=em_max_pairs
                        )
                        break
            step("estimating the prior")
            trained = linker.misc.save_model_to_json()
            rules, recall = _deterministic_rules(trained, prepared, present)
            if rules:
                # nothing counted, or more than the recall allows: the fallback below
                with contextlib.suppress(ValueError, ZeroDivisionError):
                    linker.training.estimate_probability_two_random_records_match(
                        rules, recall=recall
                    )
            trained = linker.misc.save_model_to_json()
            prior = float(trained.get("probability_two_random_records_match") or 0.0)
            if not 0 < prior < 1:  # no pair the rules could count: one in as many as records
                trained["probability_two_random_records_match"] = 1 / max(prepared.num_rows, 2)
            untrained = reasoned.untrained_levels(trained)
            trained = _condition(_floor_parameters(_u_without_matches(trained)))
            trained = _rounded(reasoned.apply(trained, untrained))
            step(reasoned.summary(untrained))
        finally:
            con.close()
        meta = {
            "seed": seed,
            "records": prepared.num_rows,
            "blocked_pairs_upper_bound": pair_count,
            "columns_used": sorted(present & set(PREPARED_COLUMNS)),
            "training_seconds": round(time.perf_counter() - started, 2),
            "untrained_levels": [f"{name}: {label}" for name, label in untrained],
        }
        return cls(trained, meta=meta)

    # ---- artefact --------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": ARTEFACT_FORMAT,
            "seen_model_version": SEEN_MODEL_VERSION,
            "version": self.version,
            "splink_version": _splink_version(),
            "training": self.meta,
            "splink_settings": self.settings,
        }

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n")
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> LinkageModel:
        path = Path(path)
        try:
            document = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: not a linkage model ({error})") from None
        if not isinstance(document, dict) or document.get("format") != ARTEFACT_FORMAT:
            raise ValueError(f"{path}: not a Seen linkage model (no format {ARTEFACT_FORMAT!r})")
        version = document.get("seen_model_version")
        if version != SEEN_MODEL_VERSION:
            raise ValueError(
                f"{path}: model version {version} is not the one this Seen reads "
                f"({SEEN_MODEL_VERSION}); train a new model"
            )
        return cls(document["splink_settings"], meta=document.get("training", {}))

    # ---- scoring ---------------------------------------------------------------------------

    def predict(
        self, prepared: pa.Table, *, threshold: float, progress: Progress | None = None
    ) -> pa.Table:
        """Score the candidate pairs and keep those with match probability >= threshold.

        Columns: record_id_l, record_id_r (record_id_l < record_id_r), match_probability,
        match_weight, and for each comparison C in comparison_names: level_C (the level the
        pair met; see level_label) and mw_C (its match weight, log2 of the
        Bayes factor, term-frequency adjustment included). match_weight is the prior's
        weight plus the sum of the mw_ columns."""
        from splink import Linker

        _quiet_splink()
        step = progress or (lambda _label: None)
        con = connect()
        try:
            db_api = _db_api(con)
            records = db_api.register(prepared, dataset_display_name="records")
            linker = Linker(records, copy.deepcopy(self.settings), log_level=None)
            step("scoring candidate pairs")
            scored = linker.inference.predict(
                threshold_match_probability=threshold, warning_mode="never"
            )
            return _evidence_table(con, scored.physical_name, self._tf_columns(), self.settings)
        finally:
            con.close()

    def _tf_columns(self) -> dict[str, bool]:
        """comparison name -> whether any of its levels has a term-frequency adjustment."""
        return {
            c["output_column_name"]: any(
                lv.get("tf_adjustment_column") for lv in c["comparison_levels"]
            )
            for c in self.settings["comparisons"]
        }

    def cluster(
        self,
        prepared: pa.Table,
        pairs: pa.Table,
        *,
        threshold: float,
        merge_mean: float | None = None,
    ) -> Clustering[str]:
        """Records into persons (seen.linkage.clustering): automatic links are the pairs at or
        above `threshold`, held back where the records disagree on an identifier
        (seen.linkage.exclusions), as `seen link` makes persons. With `merge_mean` (such as
        seen.linkage.clustering.CLUSTER_MERGE_MEAN), clusters then join by the mean probability
        of their pairs: the benchmark reports that too, but no command uses it. Every record of
        `prepared` appears, alone if it has no such pair. Pairs below `threshold` count towards
        the mean only if `pairs` holds them (predict with a lower threshold)."""
        lefts = pairs.column("record_id_l").to_pylist()
        rights = pairs.column("record_id_r").to_pylist()
        probabilities = pairs.column("match_probability").to_pylist()
        edges = list(zip(lefts, rights, probabilities, strict=True))
        rows = _uncorroborated_rows(pairs, threshold) if self.corroboration else []
        weak = [(lefts[i], rights[i]) for i in rows]
        return cluster(
            prepared.column("record_id").to_pylist(),
            edges,
            threshold=threshold,
            identifiers=identifiers_of(prepared),
            exclusions=self.exclusions,
            merge_mean=merge_mean,
            uncorroborated=weak,
        )

    @property
    def corroboration(self) -> bool:
        """Whether an automatic link needs more than a name and a date of birth
        (seen.linkage.exclusions.uncorroborated): where the records carry NHS numbers, as a
        partnership's do. In records without any (FEBRL, the historical figures) every link
        rests on names and dates, and the rule would hold back most of them."""
        return "nhs_number" in self.comparison_names

    @property
    def exclusions(self) -> tuple[Exclusion, ...]:
        """What no score overrides, for the records this model was trained on
        (seen.linkage.exclusions)."""
        return exclusions_for(self.settings)


def _uncorroborated_rows(pairs: pa.Table, threshold: float) -> list[int]:
    """Rows at or above `threshold` that seen.linkage.exclusions.uncorroborated holds back,
    computed over the columns at once (the same test: no corroborating weight above 0, one
    below)."""
    import pyarrow.compute as pc

    weights = [
        pc.fill_null(pairs.column(f"mw_{name}"), 0.0)
        for name in CORROBORATING
        if f"mw_{name}" in pairs.column_names
    ]
    if not weights:
        return []
    agree = functools.reduce(pc.or_, [pc.greater(w, 0.0) for w in weights])
    disagree = functools.reduce(pc.or_, [pc.less(w, 0.0) for w in weights])
    held = pc.and_(
        pc.and_(pc.greater_equal(pairs.column("match_probability"), threshold), pc.invert(agree)),
        disagree,
    )
    return pc.indices_nonzero(held).to_pylist()


def identifiers_of(prepared: pa.Table) -> dict[str, dict[str, str | None]]:
    """Each record's values of the exclusions' columns (seen.linkage.exclusions), as text
    (dates as YYYYMMDD)."""
    columns = [c for c in EXCLUSION_COLUMNS if c in prepared.column_names]
    values = [
        [
            v.strftime("%Y%m%d") if hasattr(v, "strftime") else v
            for v in prepared.column(c).to_pylist()
        ]
        for c in columns
    ]
    return {
        record: {c: column[i] for c, column in zip(columns, values, strict=True)}
        for i, record in enumerate(prepared.column("record_id").to_pylist())
    }


def _condition(settings: dict[str, Any]) -> dict[str, Any]:
    """Turn the joint chances of conditioned levels into chances given the state.

    People in one household share a postcode and mostly a surname, so among records of
    different people "same surname" and "same postcode" are far from independent, and adding
    both full weights makes a father and the son named after him look like one man; likewise two
    people of one forename are nearly always of one sex. The postcode (sex) comparison's levels
    are therefore split by whether the surnames (forenames) agree; training estimates the joint
    chance of each level-and-state, and dividing by the chance of the state (the sum over its
    levels, among matches and among non-matches) gives the chance of the level given the state.
    The two comparisons' weights then add up to the weight of the two facts together."""
    for comparison in settings["comparisons"]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for level in comparison["comparison_levels"]:
            label = level.get("label_for_charts", "")
            for state in (
                GIVEN_POSTCODES_AGREE,
                GIVEN_POSTCODES_DO_NOT,
                GIVEN_SURNAMES_AGREE,
                GIVEN_SURNAMES_DO_NOT,
                GIVEN_FORENAMES_AGREE,
                GIVEN_FORENAMES_DO_NOT,
            ):
                if label.endswith(f"({state})"):
                    groups.setdefault(state, []).append(level)
        for levels in groups.values():
            for key in ("m_probability", "u_probability"):
                total = sum(float(level.get(key) or 0.0) for level in levels)
                if total > 0:
                    for level in levels:
                        level[key] = float(level.get(key) or 0.0) / total
    return settings


def _rounded(settings: dict[str, Any]) -> dict[str, Any]:
    """Probabilities to 10 significant digits and a fixed linker id, so that training twice with
    one seed on one machine gives one artefact (DuckDB's parallel sums differ in the last bits)."""
    settings["linker_uid"] = "seen"
    settings["probability_two_random_records_match"] = float(
        f"{float(settings['probability_two_random_records_match']):.10g}"
    )
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            for key in ("m_probability", "u_probability"):
                if level.get(key) is not None:
                    level[key] = float(f"{float(level[key]):.10g}")
    return settings


def _u_without_matches(settings: dict[str, Any]) -> dict[str, Any]:
    """Take the true pairs out of the u probabilities.

    Random sampling counts every sampled pair as two different people; a share (the prior) of
    them are in fact one person, and they land mostly in the agreeing levels. Among all pairs
    that hardly matters, but it does for rare agreements (the same NHS number) and for the
    conditioned levels (of random pairs sharing a postcode in a small file, many are one
    person). The observed u is (1 - prior) u + prior m, so u = (observed - prior m) / (1 - prior).
    The difference is small against large numbers when the prior is a little too high, so the
    correction takes away at most 1 - U_MATCH_CORRECTION_LIMIT of the observed u."""
    prior = float(settings["probability_two_random_records_match"])
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("u_probability") is None:
                continue
            m = float(level.get("m_probability") or 0.0)
            observed = float(level["u_probability"])
            u = (observed - prior * m) / (1 - prior)
            level["u_probability"] = max(u, observed * U_MATCH_CORRECTION_LIMIT)
    return settings


def _floor_parameters(settings: dict[str, Any]) -> dict[str, Any]:
    """Keep every m and u probability at or above its floor (then renormalised)."""
    for comparison in settings["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for key, floor in (("m_probability", M_FLOOR), ("u_probability", U_FLOOR)):
            values = [max(float(lv.get(key) or 0.0), floor) for lv in levels]
            total = sum(values)
            for lv, value in zip(levels, values, strict=True):
                lv[key] = value / total
    return settings


def _choose_blocking(
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


def _deterministic_rules(
    trained: dict[str, Any], prepared: pa.Table, present: set[str]
) -> tuple[list[Any], float]:
    """DETERMINISTIC_RULES the records have columns for, with the share of true pairs they find:
    for each rule, the product over its columns of (share of records holding the column)^2
    times the trained chance that a true pair agrees exactly; rules are taken as independent."""
    m_of: dict[tuple[str, str], float] = {}
    for comparison in trained["comparisons"]:
        for level in comparison["comparison_levels"]:
            m_of[(comparison["output_column_name"], level.get("label_for_charts", ""))] = float(
                level.get("m_probability") or 0.0
            )
    by_column = {
        "nhs_number": "nhs_number",
        "forename": "forename",
        "surname": "surname",
        "dob_text": "dob",
    }
    rules: list[Any] = []
    missed = 1.0
    rows = max(prepared.num_rows, 1)
    for rule in DETERMINISTIC_RULES:
        if not all(column in present for column, _label in rule):
            continue
        recall = 1.0
        for column, label in rule:
            held = 1 - prepared.column(column).null_count / rows
            recall *= held * held * m_of.get((by_column[column], label), 0.0)
        rules.append(" AND ".join(f"l.{column} = r.{column}" for column, _label in rule))
        missed *= 1 - recall
    recall = min(max(1 - missed, 0.05), 1.0)
    return rules, recall


def _db_api(con: duckdb.DuckDBPyConnection) -> Any:
    from splink import DuckDBAPI

    return DuckDBAPI(connection=con)


def _splink_version() -> str:
    import splink

    return str(splink.__version__)


def level_index_sql(settings: dict[str, Any], comparison: str, weight: str) -> str:
    """SQL giving the level a pair met from its comparison's match weight before any
    term-frequency adjustment (`weight`): Splink's prediction keeps the weights, not the
    levels, and each level's weight is its own log2(m / u). The index is the level's position
    among the non-null levels (0 the first); -1 for a weight of 0 (the null level, or a level
    that counts for nothing) and for a weight no level has."""
    cases = [
        f"WHEN abs({weight} - ({bits!r})) < 1e-6 THEN {index}"
        for index, bits in _level_weights(settings, comparison)
    ]
    return f"CASE {' '.join(cases)} ELSE -1 END" if cases else "-1"


def level_index(settings: dict[str, Any], comparison: str, weight: float | None) -> int | None:
    """level_index_sql for one weight in Python (the incremental match)."""
    if weight is None:
        return None
    for index, bits in _level_weights(settings, comparison):
        if abs(weight - bits) < 1e-6:
            return index
    return -1


def _level_weights(settings: dict[str, Any], comparison: str) -> list[tuple[int, float]]:
    """(index among the non-null levels, log2(m / u)) of each level with a weight other than 0."""
    for c in settings["comparisons"]:
        if c["output_column_name"] != comparison:
            continue
        out = []
        levels = [lv for lv in c["comparison_levels"] if not lv.get("is_null_level")]
        for index, level in enumerate(levels):
            m, u = level.get("m_probability"), level.get("u_probability")
            if m and u and abs(bits := math.log2(float(m) / float(u))) > 1e-9:
                out.append((index, bits))
        return out
    return []


def _evidence_table(
    con: duckdb.DuckDBPyConnection, table: str, tf: dict[str, bool], settings: dict[str, Any]
) -> pa.Table:
    parts = [
        "record_id_l",
        "record_id_r",
        "match_probability",
        "match_weight",
    ]
    for name, has_tf in tf.items():
        weight = f"t.mw_{name}"
        if has_tf:
            weight = f"t.mw_{name} + coalesce(t.mw_tf_adj_{name}, 0.0)"
        parts.append(f"CAST({weight} AS FLOAT) AS mw_{name}")
        parts.append(f"{level_index_sql(settings, name, f't.mw_{name}')} AS level_{name}")
    sql = f"SELECT {', '.join(parts)} FROM {table} AS t ORDER BY record_id_l, record_id_r"
    return con.sql(sql).to_arrow_table()


def evidence_of(pairs: pa.Table, comparisons: Sequence[str], row: int) -> dict[str, float]:
    """The match weight of each comparison for one scored pair."""
    return {
        name: round(float(pairs.column(f"mw_{name}")[row].as_py()), 3)
        for name in comparisons
        if pairs.column(f"mw_{name}")[row].as_py() is not None
        and math.isfinite(float(pairs.column(f"mw_{name}")[row].as_py()))
    }
