"""An SSD value read as the specification writes it: dates as SQL Server writes a DATETIME
(`2025-06-09`, `2025-06-09 00:00:00.000`, `2025-06-09T00:00:00`, `2025/06/09`) or as the DfE
returns do (`09/06/2025`), with 1900-01-01, the extract's own stand-in for no date, read as
none; flags as Y/N (or 1/0, yes/no); sex as M/F/U (gender codes 01/02/00/09 when sex is empty);
CIN census codes checked against Seen's lists (seen.core.codes); the JSON columns (assessment
factors, address) read with the json module, bounded. A value that cannot be read raises
Unusable with the reason in words."""

from __future__ import annotations

import json
import re
from datetime import date

from seen.areas.models import Practitioner
from seen.core.codes import code_values
from seen.core.errors import Invalid
from seen.core.validators import InvalidIdentifier, normalise_nhs_number, parse_postcode
from seen.ingest.reading import NUL_STAND_IN
from seen.people.models import Responsibility, Sex

NO_DATE = date(1900, 1, 1)  # the SSD's stand-in for an empty DATETIME (ISNULL(…, '1900-01-01'))
PLACEHOLDERS = frozenset({"", "null", "ssd_ph", "n/a"})  # SSD_PH: the extract's placeholder
MAX_JSON = 20_000  # characters; the specification's JSON columns are at most 4,000

_ISO = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?Z?")
_UK = re.compile(r"(\d{2})/(\d{2})/(\d{4})(?: \d{2}:\d{2}(?::\d{2})?)?")


class Unusable(Invalid):
    """A value the SSD sent that Seen cannot use: the column and the reason in words."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def shown(value: str) -> str:
    """A value for a message: NUL and controls escaped, long values cut."""
    text = repr(value.replace("\x00", NUL_STAND_IN))
    return text if len(text) <= 60 else text[:57] + "..."


def blank(value: str) -> bool:
    return value.strip().lower() in PLACEHOLDERS


def a_date(column: str, value: str) -> date | None:
    if blank(value):
        return None
    text = value.strip()
    iso, uk = _ISO.fullmatch(text), _UK.fullmatch(text)
    try:
        if iso:
            day = date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif uk:
            day = date(int(uk[3]), int(uk[2]), int(uk[1]))
        else:
            raise ValueError
    except ValueError:
        raise Unusable(
            column, f"{shown(value)} is not a date (YYYY-MM-DD, with or without a time; DD/MM/YYYY)"
        ) from None
    return None if day == NO_DATE else day


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def flag(column: str, value: str) -> bool | None:
    text = value.strip().lower()
    if blank(text):
        return None
    if text in ("y", "yes", "1", "true", "t"):
        return True
    if text in ("n", "no", "0", "false", "f"):
        return False
    raise Unusable(column, f"{shown(value)} is not a flag (Y or N)")


def yes_no(value: bool | None) -> str:
    return "not_known" if value is None else "yes" if value else "no"


_SEX = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "i": Sex.INDETERMINATE,
    "u": Sex.NOT_KNOWN,
    "unknown": Sex.NOT_KNOWN,
}
_GENDER = {
    "01": Sex.MALE,
    "1": Sex.MALE,
    "02": Sex.FEMALE,
    "2": Sex.FEMALE,
    "00": Sex.NOT_KNOWN,
    "0": Sex.NOT_KNOWN,
    "09": Sex.INDETERMINATE,
    "9": Sex.INDETERMINATE,
}


def sex(sex_value: str, gender_value: str) -> str:
    """pers_sex, else pers_gender (as a sex code or the gender code set); "" when neither."""
    for value, column in ((sex_value, "pers_sex"), (gender_value, "pers_gender")):
        text = value.strip().lower()
        if blank(text):
            continue
        found = _SEX.get(text) or _GENDER.get(text)
        if found is None:
            raise Unusable(column, f"{shown(value)} is not a sex code (M, F or U)")
        return str(found)
    return ""


def code(column: str, value: str, code_list: str) -> str:
    """A CIN census code, as Seen's list spells it ("" when empty)."""
    if blank(value):
        return ""
    known = {c.lower(): c for c in code_values(code_list)}
    found = known.get(value.strip().lower())
    if found is None:
        raise Unusable(column, f"{shown(value)} is not a code of the CIN census {code_list} list")
    return found


_CATEGORY_CODES = {
    "neg": "Neglect",
    "phy": "Physical Abuse",
    "emo": "Emotional Abuse",
    "sab": "Sexual Abuse",
    "mul": "Multiple",
}


def category(column: str, value: str) -> str:
    """A child protection plan's category of abuse: the words or the CIN census code."""
    if blank(value):
        return ""
    text = value.strip().lower()
    if text in _CATEGORY_CODES:
        return _CATEGORY_CODES[text]
    return code(column, value, "category_of_abuse")


def nhs_number(column: str, value: str) -> str:
    if blank(value):
        return ""
    try:
        return normalise_nhs_number(value)
    except InvalidIdentifier as error:
        raise Unusable(column, str(error)) from None


CONFIDENTIAL = "con"  # the SSD's postcode of a protected (confidential) address


def postcode(column: str, value: str) -> str:
    """A postcode normalised; "" for none or a protected address (the SSD masks it as CON)."""
    if blank(value) or value.strip().lower() == CONFIDENTIAL:
        return ""
    try:
        return parse_postcode(value).normalised
    except InvalidIdentifier as error:
        raise Unusable(column, str(error)) from None


def json_value(column: str, value: str) -> object:
    if blank(value):
        return None
    if len(value) > MAX_JSON:
        raise Unusable(column, f"is longer than {MAX_JSON} characters")
    try:
        return json.loads(value)
    except (json.JSONDecodeError, RecursionError):
        raise Unusable(column, f"{shown(value)} is not JSON") from None


def factors(column: str, value: str) -> list[str]:
    """Factors identified at assessment: {"1B": "Yes", ...} (release 1.1.1 on) or ["1B", ...];
    a key whose answer is not yes is not a factor. Each checked against the CIN census list."""
    parsed = json_value(column, value)
    if parsed is None:
        return []
    if isinstance(parsed, dict):
        keys = [str(k) for k, v in parsed.items() if str(v).strip().lower() in ("yes", "y", "1")]
    elif isinstance(parsed, list):
        keys = [str(k) for k in parsed]
    else:
        raise Unusable(column, "is neither a JSON object nor a list of factor codes")
    return sorted({code(column, key, "assessment_factors") for key in keys}, key=_factor_order)


def _factor_order(factor: str) -> tuple[int, str]:
    digits = "".join(ch for ch in factor if ch.isdigit())
    return (int(digits or 0), factor)


ADDRESS_PARTS = ("ROOM", "FLOOR", "FLAT", "BUILDING", "HOUSE", "STREET", "TOWN")


def address_line(column: str, value: str) -> str:
    """addr_address_json as one line: flat and building, house number and street, town."""
    parsed = json_value(column, value)
    if parsed is None:
        return ""
    if not isinstance(parsed, dict):
        raise Unusable(column, "is not a JSON object of address parts")
    part = {k.upper(): str(v).strip() for k, v in parsed.items() if v is not None}
    street = " ".join(p for p in (part.get("HOUSE", ""), part.get("STREET", "")) if p)
    pieces = [part.get(k, "") for k in ("ROOM", "FLOOR", "FLAT", "BUILDING")]
    return ", ".join(p for p in (*pieces, street, part.get("TOWN", "")) if p)


_ROLE_WORDS = (
    ("safeguarding", Practitioner.Role.SAFEGUARDING_LEAD),
    ("mash", Practitioner.Role.MASH_PRACTITIONER),
    ("early help", Practitioner.Role.EARLY_HELP_KEY_WORKER),
    ("family support", Practitioner.Role.EARLY_HELP_KEY_WORKER),
    ("personal adv", Practitioner.Role.PERSONAL_ADVISER),
    ("leaving care", Practitioner.Role.PERSONAL_ADVISER),
)


def practitioner_role(job_title: str) -> str:
    """A professional's role from the job title; a children's social care worker otherwise."""
    text = job_title.strip().lower()
    for value, label in Practitioner.Role.choices:
        if text in (value, str(label).lower()):
            return value
    for words, role in _ROLE_WORDS:
        if words in text:
            return str(role)
    return str(Practitioner.Role.SOCIAL_WORKER)


def role_label(role: str) -> str:
    """The job title written for a role (the inverse of practitioner_role)."""
    return str(Practitioner.Role(role).label)


_INVOLVEMENT_WORDS = (
    ("16plus", Responsibility.Role.PERSONAL_ADVISER),
    ("personal adv", Responsibility.Role.PERSONAL_ADVISER),
    ("key worker", Responsibility.Role.KEY_WORKER),
    ("early help", Responsibility.Role.KEY_WORKER),
    ("lead practitioner", Responsibility.Role.LEAD_PRACTITIONER),
    ("case worker", Responsibility.Role.SOCIAL_WORKER),
    ("social worker", Responsibility.Role.SOCIAL_WORKER),
)


def involvement_role(value: str) -> str:
    """What an involvement makes the professional for the child ("" for a role Seen does not
    hold: a team, an independent reviewing officer, an external agency)."""
    text = value.strip().lower()
    if text in ("cw", "allocated case worker", "allocated social worker"):
        return str(Responsibility.Role.SOCIAL_WORKER)
    for words, role in _INVOLVEMENT_WORDS:
        if words in text:
            return str(role)
    return ""
