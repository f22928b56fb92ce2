"""How each agency writes a person down: which fields it fills, how it spells names, writes
dates, postcodes and telephone numbers, and the mistakes it makes.

The habits are those of English administrative data as practitioners describe them: maternity
and the GP copy names and NHS numbers from documents; health visitors and social workers write
what families call themselves; the emergency department types fast, often under pressure, and
traces the NHS number when it can; the police, probation and housing write names as told and
hold no NHS number for most people; a mother names her partner at booking, often by his first
name alone ("partner: Jon"). Chances are rounded and illustrative, not measured.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import timedelta

from seen.evalset.names import Name
from seen.evalset.people import NAME_VARIANTS, REFERENCE, SURNAME_CHANGE, Person

# Pregnancies here ended in births in the year before REFERENCE: booked about a year before it.
BOOKED = REFERENCE - timedelta(days=365)


@dataclass(frozen=True)
class Habits:
    kind: str
    prefix: str  # of the agency's source names and record ids
    nhs_man: float  # chance the NHS number is held, for a man, a woman, a child
    nhs_woman: float
    nhs_child: float
    nhs_style: str  # spaced (999 123 4567) or plain
    dob_held: float
    dob_format: str  # iso (1990-07-03), dmy (03/07/1990), compact (19900703), loose (3/7/1990)
    dob_mistake: float  # a day/month swap, a digit slipped, a day or a year out
    year_only: float  # only the year known: written 1 January
    typo: float  # a slip in a name
    short: float  # the short form the person goes by (Bob, Kasia, Voytek)
    variant: float  # another spelling of a name that has one (Muhammad, Shivon)
    swapped: float  # forename and surname the wrong way round
    full_given: bool  # writes every given name (as the GP does) rather than the one used
    case: str  # title (as given), upper, surname (the surname in capitals)
    ascii_only: bool  # a system that cannot hold accents and Polish letters
    phone: float
    postcode: float
    old_address: float  # still holds the address before a move within the area
    sex_held: float
    sex_style: str  # word (Female), letter (F), lower (female)
    previous_surnames: float  # lists previous surnames when there are any
    maiden: float  # holds a married woman under her birth surname
    part_of_double: float  # writes one part of a double-barrelled surname
    family_name: float  # writes Singh / Kaur / Begum (instead of, or before, the family name)
    duplicate: float  # a second record of the same person
    suffix: float  # writes Jnr / Snr


AGENCIES = {
    "mat": "midwifery",
    "hv": "health visiting",
    "gp": "gp",
    "ed": "ed",
    "csc": "social care",
    "pol": "police",
    "prb": "probation",
    "hsg": "housing",
}

# One column per agency (its prefix); chances are per record.
HABITS_TABLE = """
field             mat     hv      gp      ed      csc     pol     prb     hsg
nhs_man           0.9     0.45    0.995   0.82    0.3     0       0.02    0.01
nhs_woman         0.99    0.97    0.995   0.85    0.35    0       0.02    0.01
nhs_child         0.97    0.98    0.99    0.85    0.75    0       0       0
nhs_style         spaced  plain   spaced  plain   plain   plain   plain   plain
dob_held          1.0     0.99    1.0     0.98    0.9     0.97    1.0     0.92
dob_format        iso     dmy     dmy     compact iso     dmy     iso     loose
dob_mistake       0.004   0.008   0.004   0.03    0.02    0.04    0.01    0.03
year_only         0       0       0       0.003   0.005   0.01    0       0.01
typo              0.005   0.012   0.005   0.03    0.02    0.03    0.01    0.02
short             0.03    0.10    0.02    0.12    0.15    0.25    0.06    0.10
variant           0.04    0.10    0.03    0.15    0.10    0.20    0.08    0.15
swapped           0.002   0.003   0.001   0.015   0.005   0.02    0.005   0.01
full_given        no      no      yes     no      no      no      yes     no
case              title   title   title   upper   title   surname surname title
ascii_only        no      no      no      yes     no      yes     yes     yes
phone             0.92    0.85    0.7     0.6     0.7     0.5     0.8     0.9
postcode          0.99    0.99    0.99    0.97    0.97    0.9     0.95    1.0
old_address       0.05    0.08    0.25    0.15    0.1     0.4     0.2     0.3
sex_held          1.0     0.95    1.0     1.0     0.95    1.0     1.0     0.6
sex_style         word    lower   letter  letter  word    letter  word    word
previous_surnames 0.5     0.2     0.4     0       0.3     0.3     0.3     0.1
maiden            0.03    0.05    0.15    0.15    0.1     0.3     0.1     0.2
part_of_double    0.05    0.1     0.05    0.15    0.1     0.2     0.1     0.15
family_name       0.4     0.5     0.3     0.5     0.5     0.6     0.4     0.5
duplicate         0.005   0.01    0.01    0.04    0.02    0.06    0.01    0.02
suffix            0.02    0.03    0.02    0.05    0.1     0.4     0.15    0.2
"""


def _habits(table: str) -> dict[str, Habits]:
    rows = [line.split() for line in table.strip().splitlines()]
    types = {f.name: f.type for f in fields(Habits)}
    out = {}
    for column, prefix in enumerate(rows[0][1:], start=1):
        values: dict[str, object] = {"kind": AGENCIES[prefix], "prefix": prefix}
        for row in rows[1:]:
            name, text = row[0], row[column]
            kind_of = types[name]
            values[name] = (
                text == "yes" if kind_of == "bool" else float(text) if kind_of == "float" else text
            )
        out[AGENCIES[prefix]] = Habits(**values)  # type: ignore[arg-type]
    return out


HABITS = _habits(HABITS_TABLE)

# Agencies by area. One police force covers areas a and b, another c; probation covers all.
POLICE_FORCE = {"a": "ab", "b": "ab", "c": "c"}


def source_of(kind: str, area: str) -> str:
    prefix = HABITS[kind].prefix
    if kind == "police":
        return f"{prefix}-{POLICE_FORCE[area]}"
    if kind == "probation":
        return prefix
    return f"{prefix}-{area}"


# Neighbouring keys, for slips of the finger.
KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbour(ch: str, rng: random.Random) -> str:
    lower = ch.lower()
    for row in KEYBOARD:
        at = row.find(lower)
        if at >= 0:
            near = [row[i] for i in (at - 1, at + 1) if 0 <= i < len(row)]
            new = rng.choice(near)
            return new.upper() if ch.isupper() else new
    return ch


def typo(text: str, rng: random.Random) -> str:
    """One slip: a letter dropped, doubled, two swapped or a neighbouring key struck."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    i = rng.choice(letters[1:])  # the first letter is nearly always right
    kind = rng.random()
    if kind < 0.3:
        return text[:i] + text[i + 1 :]
    if kind < 0.45:
        return text[:i] + text[i] + text[i:]
    if kind < 0.7 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + _neighbour(text[i], rng) + text[i + 1 :]


_NOT_DECOMPOSED = str.maketrans("łŁđĐøØßæÆ", "lLdDoOsaA")


def ascii_letters(text: str) -> str:
    """As a system without accents writes it: Ștefan -> Stefan, Łukasz -> Lukasz."""
    plain = unicodedata.normalize("NFKD", text.translate(_NOT_DECOMPOSED))
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def _case(text: str, style: str, surname: bool) -> str:
    if style == "upper" or (style == "surname" and surname):
        return text.upper()
    return text


class Writer:
    """Writes the records of a person, agency by agency."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._ids: dict[str, set[int]] = {}

    def record_id(self, source: str) -> str:
        used = self._ids.setdefault(source, set())
        while True:
            number = self.rng.randrange(100_000, 10_000_000)
            if number not in used:
                used.add(number)
                return f"{source}:{number}"

    def records(self, person: Person) -> list[dict[str, str]]:
        out = []
        for contact in person.contacts:
            home = person.moved_from if contact.old and person.moved_from else person.household
            habits = HABITS[contact.kind]
            copies = 2 if self.rng.random() < habits.duplicate else 1
            for _ in range(copies):
                row = self.record(person, habits, home.area, contact.old)
                row.update(family_postcode="", family_phone="", parent_on="")
                if contact.as_partner:
                    row = self.as_partner(person, row, contact.as_partner)
                    row = self.family(person.partner_of, row, habits)
                elif contact.kind == "midwifery" and person.role == "mother":
                    row["parent_on"] = BOOKED.isoformat()
                if contact.as_newborn:
                    row = self.as_newborn(person, row)
                out.append(
                    {
                        "record_id": self.record_id(source_of(contact.kind, home.area)),
                        "source": source_of(contact.kind, home.area),
                        **row,
                    }
                )
        return out

    # ---- fields --------------------------------------------------------------------------

    def spell(self, name: Name, habits: Habits, heavy: bool) -> str:
        """One given name or surname as the agency writes it."""
        rng = self.rng
        text = name.main
        variant_chance = 0.55 if heavy else habits.variant
        short_chance = 0.35 if heavy else habits.short
        if name.variants and rng.random() < variant_chance:
            text = rng.choice(name.variants)
        elif name.short and rng.random() < short_chance:
            text = rng.choice(name.short)
        if rng.random() < habits.typo:
            text = typo(text, rng)
        if habits.ascii_only or rng.random() < 0.5:
            text = ascii_letters(text)
        return text

    def forename(self, person: Person, habits: Habits) -> str:
        heavy = person.group == NAME_VARIANTS
        if habits.full_given:
            given = [
                self.spell(n, habits, heavy) if i == person.call else n.main
                for i, n in enumerate(person.forenames)
            ]
            if person.call == 0:
                given[0] = self.spell(person.forenames[0], habits, heavy)
            text = " ".join(given)
            if habits.ascii_only:
                text = ascii_letters(text)
            return text
        return self.spell(person.forenames[person.call], habits, heavy)

    def surname(self, person: Person, habits: Habits) -> tuple[str, str]:
        """The surname and the previous surnames the agency lists."""
        rng = self.rng
        heavy = person.group == NAME_VARIANTS
        changed = person.group == SURNAME_CHANGE
        current = person.surname
        previous: list[str] = []
        if person.birth_surname is not None:
            if rng.random() < (0.45 if changed else habits.maiden):
                current = person.birth_surname
            elif rng.random() < habits.previous_surnames:
                previous.append(person.birth_surname.main)
        if person.surname_parts and current is person.surname:
            a, b = person.surname_parts
            pick = rng.random()
            part = 0.4 if changed else habits.part_of_double
            if pick < part:
                text = self.spell(rng.choice((a, b)), habits, heavy)
            else:
                joiner = rng.choices(["-", " ", " - ", ""], weights=[70, 20, 5, 5])[0]
                text = joiner.join(self.spell(p, habits, heavy) for p in (a, b))
        else:
            text = self.spell(current, habits, heavy)
        if person.sex == "female" and rng.random() > (0.08 if habits.ascii_only else 0.02):
            # (a clerk now and then writes her husband's or father's form)
            text = feminine(text)
            previous = [feminine(p) for p in previous]
        if person.family_name_optional:
            pick = rng.random()
            chance = 0.6 if heavy else habits.family_name
            if pick < chance / 2:
                text = person.family_name_optional
            elif pick < chance:
                text = f"{person.family_name_optional} {text}"
        return text, ";".join(previous)

    def dob(self, person: Person, habits: Habits) -> str:
        rng = self.rng
        y, m, d = person.dob.year, person.dob.month, person.dob.day
        if rng.random() < habits.year_only:
            m, d = 1, 1
        elif rng.random() < habits.dob_mistake:
            kind = rng.random()
            if kind < 0.35 and d <= 12 and d != m:
                m, d = d, m  # 03/07 read as 07/03
            elif kind < 0.6:
                slipped = list(f"{y:04d}{m:02d}{d:02d}")
                at = rng.choice([2, 3, 4, 5, 6, 7])
                slipped[at] = str((int(slipped[at]) + rng.choice([1, -1, 2])) % 10)
                text = "".join(slipped)
                y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
            elif kind < 0.8:
                shifted = person.dob + timedelta(days=rng.choice([-1, 1]))
                y, m, d = shifted.year, shifted.month, shifted.day
            else:
                y += rng.choice([-1, 1])  # age given, year worked out
        if habits.kind == "ed" and rng.random() < 0.004:
            y, m, d = 1900, 1, 1  # the system's "not known"
        return _date_text(y, m, d, habits.dob_format)

    def record(self, person: Person, habits: Habits, area: str, old: bool) -> dict[str, str]:
        rng = self.rng
        child = person.role in ("baby", "child") or person.age() < 16
        forename = self.forename(person, habits)
        surname, previous = self.surname(person, habits)
        if person.suffix and rng.random() < habits.suffix:
            if rng.random() < 0.5:
                forename = f"{forename} {person.suffix}"
            else:
                surname = (
                    f"{surname} ({person.suffix})"
                    if rng.random() < 0.5
                    else (f"{surname} {person.suffix.upper()}")
                )
        if rng.random() < habits.swapped:
            forename, surname = surname, forename
        held = (
            habits.nhs_child
            if child
            else habits.nhs_man
            if person.sex == "male"
            else habits.nhs_woman
        )
        nhs = ""
        if person.nhs and rng.random() < held:
            nhs = person.nhs
            if rng.random() < 0.004:  # a digit mistyped: the check digit no longer fits
                at = rng.randrange(3, 10)
                nhs = nhs[:at] + str((int(nhs[at]) + 1) % 10) + nhs[at + 1 :]
            nhs = _nhs_text(nhs, habits.nhs_style)
        home = person.moved_from if old and person.moved_from else person.household
        postcode = ""
        if rng.random() < habits.postcode:
            postcode = home.postcode
            if home.previous_postcode and rng.random() < habits.old_address:
                postcode = home.previous_postcode
            if rng.random() < 0.01:
                postcode = typo(postcode, rng) if rng.random() < 0.5 else postcode.replace(" ", "")
            postcode = _postcode_text(postcode, habits, rng)
        phone = ""
        if rng.random() < habits.phone:
            number = person.phone
            if child and person.mother is not None:
                number = person.mother.phone  # a child's records carry a parent's number
            if home.landline and (number is None or rng.random() < 0.2):
                number = home.landline
            phone = _phone_text(number, rng) if number else ""
        sex = ""
        if rng.random() < habits.sex_held:
            truth = person.sex
            if rng.random() < 0.002:
                truth = "female" if truth == "male" else "male"
            sex = _sex_text(truth, habits.sex_style)
        dob_held = habits.dob_held
        if habits.kind == "housing" and child:
            # a tenancy lists the household's children by name and date of birth, no telephone
            phone, dob_held = "", 0.97
        dob = self.dob(person, habits) if rng.random() < dob_held else ""
        return {
            "forename": _case(forename, habits.case, False),
            "surname": _case(surname, habits.case, True),
            "previous_surnames": previous,
            "dob": dob,
            "sex": sex,
            "nhs_number": nhs,
            "postcode": postcode,
            "phone": phone,
        }

    def as_partner(self, person: Person, row: dict[str, str], detail: str) -> dict[str, str]:
        """The man as the mother names him at booking: often his first name, perhaps his
        surname and telephone, rarely more."""
        rng = self.rng
        forename = person.forenames[person.call]
        if forename.short and rng.random() < 0.4:
            row["forename"] = rng.choice(forename.short)
        else:
            row["forename"] = ascii_letters(forename.main) if rng.random() < 0.5 else forename.main
        if detail == "name only":
            pick = rng.random()
            if pick < 0.3:
                row["surname"] = ""  # "partner: Jon"
            elif pick < 0.4 and person.partner_of is not None:
                row["surname"] = person.partner_of.surname.main  # under the mother's surname
            row["dob"] = row["dob"] if rng.random() < 0.08 else ""
            row["nhs_number"] = row["nhs_number"] if rng.random() < 0.03 else ""
            row["phone"] = row["phone"] if rng.random() < 0.65 else ""
            row["sex"] = row["sex"] if rng.random() < 0.7 else ""
            row["previous_surnames"] = ""
        else:
            row["nhs_number"] = row["nhs_number"] if rng.random() < 0.3 else ""
        if not person.lives_with_mother and rng.random() < 0.8:
            row["postcode"] = ""
        return row

    def family(self, mother: Person | None, row: dict[str, str], habits: Habits) -> dict[str, str]:
        """What maternity holds around the man it names: the pregnancy he is named in (booked
        some months before the birth) and the mother's address and telephone."""
        row["parent_on"] = BOOKED.isoformat()
        if mother is None:
            return row
        if self.rng.random() < 0.97:
            row["family_postcode"] = _postcode_text(mother.household.postcode, habits, self.rng)
        if mother.phone and self.rng.random() < 0.85:
            row["family_phone"] = _phone_text(mother.phone, self.rng)
        return row

    def as_newborn(self, person: Person, row: dict[str, str]) -> dict[str, str]:
        """A baby at birth: "Baby" and the mother's surname, before the birth is registered."""
        rng = self.rng
        if rng.random() < 0.85:
            row["forename"] = rng.choices(
                ["Baby", "Baby Boy" if person.sex == "male" else "Baby Girl", "BABY"],
                weights=[80, 15, 5],
            )[0]
            if person.mother is not None:
                row["surname"] = feminine(person.mother.surname.main)
        return row


_POLISH_MASCULINE = re.compile(r"(?<=[szc]k)i\b", re.IGNORECASE)


def feminine(surname: str) -> str:
    """Kowalski -> Kowalska: a Polish surname in -ski, -cki or -dzki takes -a for a woman."""
    return _POLISH_MASCULINE.sub(lambda m: "A" if m.group(0).isupper() else "a", surname)


def _date_text(y: int, m: int, d: int, style: str) -> str:
    if style == "iso":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if style == "compact":
        return f"{y:04d}{m:02d}{d:02d}"
    if style == "loose":
        return f"{d}/{m}/{y:04d}"
    return f"{d:02d}/{m:02d}/{y:04d}"


def _nhs_text(number: str, style: str) -> str:
    if style == "spaced":
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    if style == "dashed":
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    return number


def _postcode_text(postcode: str, habits: Habits, rng: random.Random) -> str:
    if habits.kind == "ed":
        return postcode.replace(" ", "")
    if habits.kind == "health visiting" and rng.random() < 0.3:
        return postcode.lower()
    return postcode


def _phone_text(number: str, rng: random.Random) -> str:
    pick = rng.random()
    if number.startswith("07"):
        if pick < 0.5:
            return f"{number[:5]} {number[5:]}"
        if pick < 0.8:
            return number
        return f"+44 {number[1:5]} {number[5:]}"
    code = (
        number[:5]
        if number.startswith(("01632",))
        else number[:4]
        if number.startswith(("011", "012", "013", "014", "015", "016", "019"))
        else number[:3]
    )
    if pick < 0.4:
        return f"{code} {number[len(code) :]}"
    if pick < 0.6:
        return f"({code}) {number[len(code) :]}"
    return number


def _sex_text(sex: str, style: str) -> str:
    if style == "letter":
        return sex[0].upper()
    if style == "lower":
        return sex
    return sex.capitalize()
