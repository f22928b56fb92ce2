"""The thematic review's case dataset: one de-identified row per case, read from and written to
CSV (docs/review-dataset.md is the format).

`read_cases` checks every row against the format and refuses each bad one with its physical line
number (the header is line 1) and a reason naming the column, the value and what is allowed; a
caller refuses the whole file when there is any problem. Values are lower-case: a value in
capitals is refused with the lower-case spelling to use, never lowered silently. Columns beyond
the required ones are allowed and kept as they are (`CaseRow.extra`).

Written, no cell starts a formula in a spreadsheet (seen.core.spreadsheet puts an apostrophe
before one); read, that apostrophe is taken off again, so an exported dataset imports unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from seen.core import spreadsheet

COLUMNS: tuple[str, ...] = (
    "case_id",
    "area",
    "outcome",
    "injuries",
    "occasions",
    "prognosis",
    "male_relationship",
    "child_sex",
    "child_ethnicity",
    "age_months",
    "agency_involvement",
    "criminal_proceedings",
    "both_parents_charged",
    "care_findings",
    "parent_features",
)

# The allowed values of each closed column, in the order the report lists them.
OUTCOMES: tuple[str, ...] = ("died", "seriously_harmed")
INJURIES: tuple[str, ...] = ("head_injury", "fracture", "bruising", "ruptured_frenulum", "other")
OCCASIONS: tuple[str, ...] = ("one_off", "repeated", "not_known")
PROGNOSES: tuple[str, ...] = ("likely_impairment", "unlikely_impairment", "not_known")
MALE_RELATIONSHIPS: tuple[str, ...] = ("birth_father", "mothers_partner", "other")
CHILD_SEXES: tuple[str, ...] = ("male", "female")
AGE_MONTHS_MIN, AGE_MONTHS_MAX = 0, 11
AGENCY_INVOLVEMENTS: tuple[str, ...] = (
    "universal",
    "early_help",
    "child_in_need",
    "child_protection",
)
CRIMINAL_PROCEEDINGS: tuple[str, ...] = (
    "father_convicted",
    "trial_ongoing",
    "awaiting_decision",
    "no_charges",
)
YES_NO: tuple[str, ...] = ("yes", "no")
CARE_FINDINGS: tuple[str, ...] = ("father", "both_parents", "mother", "none", "not_known")
PARENT_FEATURES: tuple[str, ...] = (
    "current_domestic_abuse",
    "historical_domestic_abuse",
    "parental_mental_health",
    "care_leaver",
    "parent_under_22",
    "father_convictions",
)

# Columns holding one value from a closed list, and columns holding a `;`-separated list of them.
CLOSED_COLUMNS: dict[str, tuple[str, ...]] = {
    "outcome": OUTCOMES,
    "occasions": OCCASIONS,
    "prognosis": PROGNOSES,
    "male_relationship": MALE_RELATIONSHIPS,
    "child_sex": CHILD_SEXES,
    "agency_involvement": AGENCY_INVOLVEMENTS,
    "criminal_proceedings": CRIMINAL_PROCEEDINGS,
    "both_parents_charged": YES_NO,
    "care_findings": CARE_FINDINGS,
}
LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "injuries": INJURIES,
    "parent_features": PARENT_FEATURES,
}
# Free-text columns: required, lower-case, at most this long.
TEXT_COLUMNS: tuple[str, ...] = ("case_id", "area", "child_ethnicity")
MAX_TEXT_LENGTH = 200
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    area: str
    outcome: str
    injuries: tuple[str, ...]
    occasions: str
    prognosis: str  # "" when the child died
    male_relationship: str
    child_sex: str
    child_ethnicity: str
    age_months: int
    agency_involvement: str
    criminal_proceedings: str
    both_parents_charged: str
    care_findings: str
    parent_features: tuple[str, ...]
    # further columns, kept as read (left out of the hash: a dict has none)
    extra: dict[str, str] = field(default_factory=dict, hash=False)

    def as_csv_row(self) -> dict[str, str]:
        """The row as the CSV writes it: the required columns, then the extra ones."""
        row: dict[str, str] = {}
        for column in COLUMNS:
            value = getattr(self, column)
            if isinstance(value, tuple):
                row[column] = LIST_SEPARATOR.join(value)
            else:
                row[column] = str(value)
        for column, value in self.extra.items():
            row[column] = value
        return row


@dataclass(frozen=True)
class RowProblem:
    line: int  # the physical line in the file; the header is line 1
    reason: str


def read_cases(text: str | bytes) -> tuple[list[CaseRow], list[RowProblem]]:
    """Read a case dataset. Bytes are decoded as UTF-8 (with or without a byte order mark);
    anything else is one problem on line 1. Returns the good rows and a problem for each bad
    one; a header without every required column gives one problem on line 1 and no rows."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            return [], [
                RowProblem(
                    1,
                    f"the file is not UTF-8 text (byte {error.start + 1} cannot be read): "
                    "save it as CSV UTF-8",
                )
            ]
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        return [], [RowProblem(1, f"the header cannot be read as CSV: {error}")]
    if header is None or not any(cell.strip() for cell in header):
        return [], [RowProblem(1, "the file is empty: the first line must be the header")]
    header = [spreadsheet.restore(name.strip()) for name in header]
    header_problem = _check_header(header)
    if header_problem:
        return [], [RowProblem(1, header_problem)]

    rows: list[CaseRow] = []
    problems: list[RowProblem] = []
    first_line_of_case: dict[str, int] = {}
    next_line = reader.line_num + 1
    while True:
        start = next_line
        try:
            cells = next(reader, None)
        except csv.Error as error:
            problems.append(RowProblem(start, f"the row cannot be read as CSV: {error}"))
            break
        if cells is None:
            break
        next_line = reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) != len(header):
            problems.append(
                RowProblem(
                    start,
                    f"the row has {len(cells)} values but the header has {len(header)} columns",
                )
            )
            continue
        values = dict(
            zip(header, (spreadsheet.restore(cell.strip()) for cell in cells), strict=True)
        )
        row, reasons = _parse_row(values)
        case_id = values["case_id"]
        if case_id in first_line_of_case:
            reasons.append(
                f'case_id "{case_id}" is already used on line {first_line_of_case[case_id]}'
            )
        elif case_id:
            first_line_of_case[case_id] = start
        if reasons or row is None:
            problems.extend(RowProblem(start, reason) for reason in reasons)
        else:
            rows.append(row)
    return rows, problems


def write_cases(rows: Iterable[CaseRow]) -> str:
    """The rows as CSV text: the required columns, then every extra column in the order first
    met (blank where a row does not have it). `read_cases` reads it back to the same rows."""
    as_dicts = [row.as_csv_row() for row in rows]
    columns = list(COLUMNS)
    for row in as_dicts:
        columns.extend(column for column in row if column not in columns)
    out = io.StringIO()
    writer = spreadsheet.DictWriter(out, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(as_dicts)
    return out.getvalue()


def _check_header(header: list[str]) -> str:
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        reason = "the header is missing the required column" + (
            "s " if len(missing) > 1 else " "
        ) + ", ".join(missing)
        if any(name.lower() in missing for name in header):
            reason += " (column names are lower-case)"
        return reason
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        return "the header names a column more than once: " + ", ".join(repeated)
    if "" in header:
        return f"the header has a column without a name (column {header.index('') + 1})"
    return ""


def _parse_row(values: Mapping[str, str]) -> tuple[CaseRow | None, list[str]]:
    """The row, or the reasons it is refused (every one found, each naming its column)."""
    reasons = [f"{column} holds a NUL character" for column in values if "\x00" in values[column]]
    for column in COLUMNS:
        value = values[column]
        if value != value.lower():
            reasons.append(
                f'{column} "{value}" is not lower-case: values are written lower-case, '
                f'here "{value.lower()}"'
            )
    if reasons:
        return None, reasons  # the other checks would only repeat the same cells

    for column in TEXT_COLUMNS:
        if not values[column]:
            reasons.append(f"{column} is blank: every case needs one")
        elif len(values[column]) > MAX_TEXT_LENGTH:
            reasons.append(
                f"{column} is {len(values[column])} characters long: "
                f"at most {MAX_TEXT_LENGTH} are allowed"
            )

    outcome = values["outcome"]
    for column, allowed in CLOSED_COLUMNS.items():
        value = values[column]
        if column == "prognosis" and outcome == "died":
            if value:
                reasons.append(f'prognosis "{value}" must be blank when outcome is died')
        elif column == "prognosis" and not value:
            if outcome == "seriously_harmed":
                reasons.append(
                    "prognosis is blank: when outcome is seriously_harmed it must be one of "
                    + _listed(allowed)
                )
        elif not value:
            reasons.append(f"{column} is blank: it must be one of {_listed(allowed)}")
        elif value not in allowed:
            reasons.append(f'{column} "{value}" is not one of {_listed(allowed)}')

    lists: dict[str, tuple[str, ...]] = {}
    for column, allowed in LIST_COLUMNS.items():
        items, reason = _parse_list(column, values[column], allowed)
        if reason:
            reasons.append(reason)
        lists[column] = items
    if not values["injuries"]:
        reasons.append(f"injuries is blank: at least one of {_listed(INJURIES)} is needed")

    age_text = values["age_months"]
    age = int(age_text) if re.fullmatch(r"[0-9]{1,2}", age_text) else -1
    if not AGE_MONTHS_MIN <= age <= AGE_MONTHS_MAX:
        reasons.append(
            f'age_months "{age_text}" is not a whole number from '
            f"{AGE_MONTHS_MIN} to {AGE_MONTHS_MAX}"
        )

    if reasons:
        return None, reasons
    extra = {column: value for column, value in values.items() if column not in COLUMNS}
    row = CaseRow(
        case_id=values["case_id"],
        area=values["area"],
        outcome=outcome,
        injuries=lists["injuries"],
        occasions=values["occasions"],
        prognosis=values["prognosis"],
        male_relationship=values["male_relationship"],
        child_sex=values["child_sex"],
        child_ethnicity=values["child_ethnicity"],
        age_months=age,
        agency_involvement=values["agency_involvement"],
        criminal_proceedings=values["criminal_proceedings"],
        both_parents_charged=values["both_parents_charged"],
        care_findings=values["care_findings"],
        parent_features=lists["parent_features"],
        extra=extra,
    )
    return row, []


def _parse_list(
    column: str, text: str, allowed: tuple[str, ...]
) -> tuple[tuple[str, ...], str]:
    """A `;`-separated list of allowed values, each once; blank is the empty list."""
    if not text:
        return (), ""
    items = tuple(item.strip() for item in text.split(LIST_SEPARATOR))
    if "" in items:
        return (), f'{column} "{text}" has an empty item: separate values with a single ";"'
    unknown = [item for item in items if item not in allowed]
    if unknown:
        return (), (
            f'{column} "{text}": "{unknown[0]}" is not one of {_listed(allowed)}'
        )
    repeated = sorted({item for item in items if items.count(item) > 1})
    if repeated:
        return (), f'{column} "{text}" names {", ".join(repeated)} more than once'
    return items, ""


def _listed(allowed: tuple[str, ...]) -> str:
    return ", ".join(allowed)
