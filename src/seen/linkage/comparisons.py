"""The comparisons of Seen's linkage model: what two records are compared on, and the levels of
agreement each comparison tells apart.

Each comparison is (name, the prepared columns it needs, levels). Levels are tried in order; the
first that holds gives the comparison's level for a pair. SQL is DuckDB's, with Splink's _l/_r
suffixes. Some comparisons are conditioned on another: their levels are repeated for each state
of the other comparison (agree, do not), labelled with a GIVEN_* state, so that training
(seen.linkage.training) can turn the joint chances into chances given the state.
"""

from __future__ import annotations

from typing import Any


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
    the joint chance of level-and-state; seen.linkage.training._condition turns it into the
    chance of the level given the state, so this comparison adds only what it says beyond the
    other one."""
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
