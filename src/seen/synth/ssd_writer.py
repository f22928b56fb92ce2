"""A children's social care agency's rows of a synthetic extract written as the Standard
Safeguarding Dataset's tables (the columns seen.interchange.ssd_tables reads), for
`seen synth --format ssd` and the round trip that proves an SSD import gives what the same data
gives through the extract format.

Each SSD row keeps the extract row's id. A child is one SSD person from pregnancy to birth: an
unborn child's pregnancy is a person with an expected date of birth (its id the pregnancy's);
once born, the baby's person carries the expected date too. The birth mother is `ssd_mother`;
everyone else related to the child is in its `ssd_family` (FAM-<child>). Rows the SSD has no
place for (programmes, findings of fact, referrals made by the agency, pre-birth and looked-after
plans) are not written: docs/ssd.md lists them, and seen.synth.ssd_carried says what arrives."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from seen.interchange import ssd_tables as t
from seen.interchange.ssd_values import role_label
from seen.synth.extract_rows import Rows, agencies_of_kind, agency_rows, without_agencies

SEX_CODES = {"male": "M", "female": "F", "indeterminate": "I", "not_known": "U"}
INVOLVEMENT_ROLES = {
    "social_worker": "Allocated Case Worker",
    "key_worker": "Key Worker",
    "personal_adviser": "Personal Adviser",
    "lead_practitioner": "Lead Practitioner",
}


@dataclass
class SsdOut:
    tables: dict[str, list[dict[str, str]]] = field(
        default_factory=lambda: {table.name: [] for table in t.TABLES}
    )

    def add(self, table: t.SsdTable, **values: str) -> None:
        self.tables[table.name].append(values)

    def write(self, folder: Path) -> dict[str, int]:
        folder.mkdir(parents=True, exist_ok=True)
        for table in t.TABLES:
            with (folder / table.filename).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(table.columns)
                for row in self.tables[table.name]:
                    writer.writerow([row.get(column, "") for column in table.columns])
        return {name: len(rows) for name, rows in self.tables.items()}


def person_of(rows: Rows) -> dict[str, str]:
    """The SSD person each pregnancy is: the baby once born, else the pregnancy's own id."""
    return {p["id"]: p["child"] or p["id"] for p in rows.get("pregnancies", [])}


def subject(row: dict[str, str], persons: dict[str, str]) -> str:
    return row.get("child") or persons.get(row.get("pregnancy", ""), "")


def write_agency_as_ssd(extract: Path, agency: str, folder: Path) -> dict[str, int]:
    """Write `agency`'s rows of the extract folder as SSD tables into `folder`."""
    rows = agency_rows(extract, agency)
    out = SsdOut()
    persons = person_of(rows)
    for row in rows.get("practitioners", []):
        out.add(
            t.PROFESSIONALS,
            prof_professional_id=row["id"],
            prof_staff_id=row["id"],
            prof_professional_name=row["name"],
            prof_professional_job_title=role_label(row["role"]),
            prof_professional_department=row["team"],
        )
    _persons(out, rows, persons)
    _relations(out, rows, persons)
    _work(out, rows, persons)
    return out.write(folder)


def address_json(line: str, postcode: str) -> str:
    """An address line as the SSD's address parts: the last part the town, the one before it
    the house number and street, any before that the building (seen.interchange.ssd_values
    joins them back)."""
    parts = [p.strip() for p in line.split(",") if p.strip()]
    town = parts.pop() if len(parts) > 1 else ""
    street = parts.pop() if parts else ""
    house, _, rest = street.partition(" ")
    if not any(ch.isdigit() for ch in house) or not rest:
        house, rest = "", street
    return json.dumps(
        {
            "BUILDING": ", ".join(parts),
            "HOUSE": house,
            "STREET": rest,
            "TOWN": town,
            "POSTCODE": postcode,
        }
    )


def _persons(out: SsdOut, rows: Rows, persons: dict[str, str]) -> None:
    expected = {persons[p["id"]]: p for p in rows.get("pregnancies", [])}
    mothers = {r["person"] for r in rows.get("relationships", []) if r["kind"] == "birth_mother"}
    mothers |= {p["mother"] for p in rows.get("pregnancies", [])}
    records = {r["id"]: r for r in rows.get("people", [])}
    for row in rows.get("people", []):
        out.add(
            t.PERSON,
            pers_person_id=row["id"],
            pers_forename=row["forename"],
            pers_surname=row["surname"],
            pers_sex=SEX_CODES.get(row["sex"], ""),
            pers_ethnicity=row["ethnicity"],
            pers_dob=row["dob"],
            pers_expected_dob=expected.get(row["id"], {}).get("expected_date", ""),
            pers_common_child_id=row["nhs_number"],
            pers_upn=row.get("upn", ""),
            pers_is_mother="Y" if row["id"] in mothers else "",
        )
        if row["postcode"]:
            out.add(
                t.ADDRESS,
                addr_table_id=f"{row['id']}-home",
                addr_person_id=row["id"],
                addr_address_postcode=row["postcode"],
                addr_address_json=address_json(row["address"], row["postcode"]),
            )
    for pregnancy in rows.get("pregnancies", []):
        if not pregnancy["child"]:  # unborn: the child is a person known by its due date
            mother = records.get(pregnancy["mother"], {})
            out.add(
                t.PERSON,
                pers_person_id=pregnancy["id"],
                pers_surname=mother.get("surname", ""),
                pers_expected_dob=pregnancy["expected_date"],
            )
    for row in rows.get("residences", []):
        out.add(
            t.ADDRESS,
            addr_table_id=row["id"],
            addr_person_id=row["person"],
            addr_address_postcode=row["postcode"],
            addr_address_start_date=row["start"],
            addr_address_end_date=row["end"],
            addr_address_json=address_json(row["address"], row["postcode"]),
        )


def _relations(out: SsdOut, rows: Rows, persons: dict[str, str]) -> None:
    dob = {r["id"]: r["dob"] for r in rows.get("people", [])}
    mothers: set[tuple[str, str]] = set()
    families: dict[str, list[str]] = defaultdict(list)
    pairs = [(p["mother"], persons[p["id"]], p["id"]) for p in rows.get("pregnancies", [])]
    for row in rows.get("relationships", []):
        child = subject(row, persons)
        if row["kind"] == "birth_mother":
            pairs.append((row["person"], child, row["id"]))
        members = families[child]
        for person in (child, row["person"]):
            if person not in members:
                members.append(person)
    for mother, child, row_id in pairs:
        if (mother, child) not in mothers:
            mothers.add((mother, child))
            out.add(
                t.MOTHER,
                moth_table_id=row_id,
                moth_person_id=mother,
                moth_childs_person_id=child,
                moth_childs_dob=dob.get(child, ""),
            )
    for child, members in families.items():
        for person in members:
            out.add(
                t.FAMILY,
                fami_table_id=f"{child}~{person}",
                fami_family_id=f"FAM-{child}",
                fami_person_id=person,
            )


def _work(out: SsdOut, rows: Rows, persons: dict[str, str]) -> None:
    for row in rows.get("assessments", []):
        person = subject(row, persons)
        if row["kind"] == "section_47":
            out.add(
                t.S47_ENQUIRY,
                s47e_s47_enquiry_id=row["id"],
                s47e_person_id=person,
                s47e_s47_start_date=row["started_on"],
                s47e_s47_end_date=row["completed_on"],
                s47e_s47_completed_by_worker_id=row["practitioner"],
            )
            continue
        out.add(
            t.CIN_ASSESSMENTS,
            cina_assessment_id=row["id"],
            cina_person_id=person,
            cina_assessment_start_date=row["started_on"],
            cina_assessment_auth_date=row["completed_on"],
            cina_assessment_worker_id=row["practitioner"],
        )
        if row["factors"]:
            answers = {factor: "Yes" for factor in row["factors"].split(";")}
            out.add(
                t.ASSESSMENT_FACTORS,
                cinf_table_id=row["id"],
                cinf_assessment_id=row["id"],
                cinf_assessment_factors_json=json.dumps(answers),
            )
    for row in rows.get("conferences", []):
        person = subject(row, persons)
        if row["kind"] == "review":
            out.add(
                t.CP_REVIEWS,
                cppr_cp_review_id=row["id"],
                cppr_person_id=person,
                cppr_cp_review_date=row["date"],
            )
        else:
            out.add(
                t.INITIAL_CP_CONFERENCE,
                icpc_icpc_id=row["id"],
                icpc_person_id=person,
                icpc_icpc_date=row["date"],
            )
    for row in rows.get("plans", []):
        _plan(out, row, subject(row, persons))
    for row in rows.get("contacts", []):
        out.add(
            t.CIN_VISITS,
            cinv_cin_visit_id=row["id"],
            cinv_person_id=subject(row, persons),
            cinv_cin_visit_date=row["date"],
            cinv_cin_visit_seen="Y",
        )
    for row in rows.get("responsibilities", []):
        if row["role"] in INVOLVEMENT_ROLES:
            out.add(
                t.INVOLVEMENTS,
                invo_involvements_id=row["id"],
                invo_professional_id=row["practitioner"],
                invo_professional_role_id=INVOLVEMENT_ROLES[row["role"]],
                invo_person_id=subject(row, persons),
                invo_involvement_start_date=row["start"],
                invo_involvement_end_date=row["end"],
            )
    for row in rows.get("care_leaver_statuses", []):
        out.add(
            t.CARE_LEAVERS,
            clea_table_id=row["id"],
            clea_person_id=row["subject"],
            clea_care_leaver_eligibility="Relevant"
            if row["care_leaver"] == "yes"
            else "No Current Eligibility",
            clea_care_leaver_latest_contact=row["date"],
            clea_care_leaver_personal_advisor=row["personal_adviser"],
        )


def _plan(out: SsdOut, row: dict[str, str], person: str) -> None:
    kind, start, end = row["kind"], row["start"], row["end"]
    if kind == "child_protection":
        out.add(
            t.CP_PLANS,
            cppl_cp_plan_id=row["id"],
            cppl_person_id=person,
            cppl_cp_plan_start_date=start,
            cppl_cp_plan_end_date=end,
            cppl_cp_plan_initial_category=row["category_of_abuse"],
            cppl_cp_plan_latest_category=row.get("latest_category_of_abuse", "")
            or row["category_of_abuse"],
        )
    elif kind == "child_in_need":
        out.add(
            t.CIN_PLANS,
            cinp_cin_plan_id=row["id"],
            cinp_person_id=person,
            cinp_cin_plan_start_date=start,
            cinp_cin_plan_end_date=end,
            cinp_cin_plan_worker_id=row["lead_practitioner"],
        )
    elif kind == "early_help":
        out.add(
            t.EARLY_HELP_EPISODES,
            earl_episode_id=row["id"],
            earl_person_id=person,
            earl_episode_start_date=start,
            earl_episode_end_date=end,
            earl_episode_worker_id=row["key_worker"] or row["lead_practitioner"],
        )


SSD_FOLDER = "ssd"


def write_partnership_as_ssd(extract: Path) -> dict[str, dict[str, int]]:
    """Every children's social care agency of the extract folder as SSD tables, each in
    `ssd/<CODE>/` beside the extract, and its rows taken out of the extract's tables: the
    partnership loads whole with `seen ingest` and `seen import ssd` for each agency."""
    agencies = agencies_of_kind(extract, "childrens_social_care")
    written = {
        agency: write_agency_as_ssd(extract, agency, extract / SSD_FOLDER / agency)
        for agency in agencies
    }
    without_agencies(extract, set(agencies))
    return written
