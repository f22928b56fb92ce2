"""A deliberately simple reading of each procedure over the generated extract and its truth.

Not the rules engine: it resolves records with the ground truth (which linkage has to earn), so
it can say which families each procedure applies to. The tests use it to check that every
planted scenario applies its procedure and that no ordinary family applies any.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

from tests.synth.checks import Extract, list_values

MEN_AROUND = {"birth_father", "mothers_partner", "male_carer", "household_adult"}


def _day(text: str) -> date:
    return date.fromisoformat(text)


class Oracle:
    def __init__(self, extract: Extract) -> None:
        self.x = extract
        self.person_of = {(r["agency"], r["record_id"]): r["person_id"] for r in extract.records}
        self.family_of = {p["person_id"]: p["family_id"] for p in extract.persons}
        self.role_of = {p["person_id"]: p["role"] for p in extract.persons}
        self.dob_of = {p["person_id"]: _day(p["dob"]) for p in extract.persons}
        self.pregnancy_mother = {
            (row["agency"], row["id"]): self.person_of[(row["agency"], row["mother"])]
            for row in extract.tables["pregnancies"]
        }
        # Each family's pregnancy: from 40 weeks before the expected date to the birth, if any.
        born = {p["family_id"]: _day(p["dob"]) for p in extract.persons if p["role"] == "baby"}
        self.pregnancy_span: dict[str, tuple[date, date | None]] = {}
        for row in extract.tables["pregnancies"]:
            family = self.family_of[self.pregnancy_mother[(row["agency"], row["id"])]]
            begun = _day(row["expected_date"]) - timedelta(days=280)
            self.pregnancy_span[family] = (begun, born.get(family))
        self.mother_of_family = {
            self.family_of[mother]: mother for mother in self.pregnancy_mother.values()
        }

    def person(self, row: dict[str, str], column: str) -> str:
        return self.person_of[(row["agency"], row[column])]

    def family(self, row: dict[str, str]) -> str:
        """The family a fact about a child or a pregnancy belongs to."""
        if row.get("child"):
            return self.family_of[self.person(row, "child")]
        return self.family_of[self.pregnancy_mother[(row["agency"], row["pregnancy"])]]

    def expecting_or_baby(self, person: str, on: date) -> bool:
        """Is this woman pregnant, or does she have a baby under one, on that day?"""
        family = self.family_of.get(person, "")
        if self.mother_of_family.get(family) != person:
            return False
        begun, born = self.pregnancy_span[family]
        if born is None:
            return on >= begun
        return begun <= on and (on <= born or (on - born).days < 365)

    def rows(self, table: str) -> list[dict[str, str]]:
        return self.x.tables[table]

    # --- one reading per procedure: the set of families it applies to ---------------------------

    def non_mobile_injury(self) -> set[str]:
        referred = {
            (self.family(r), r["date"])
            for r in self.rows("referrals")
            if r["kind"] == "childrens_social_care"
        }
        found = set()
        for row in self.rows("injuries"):
            child = self.person(row, "child")
            young = (_day(row["date"]) - self.dob_of[child]).days < 182
            family = self.family_of[child]
            if (row["mobility"] == "non_mobile" or young) and (family, row["date"]) not in referred:
                found.add(family)
        return found

    def was_not_brought(self) -> set[str]:
        missed: dict[str, int] = defaultdict(int)
        for row in self.rows("appointments"):
            if (
                row["outcome"] in ("was_not_brought", "did_not_attend")
                and not row["followed_up_on"]
            ):
                missed[self.person(row, "subject")] += 1
        return {self.family_of[person] for person, count in missed.items() if count >= 2}

    def pre_birth_assessment_father(self) -> set[str]:
        return {
            self.family(row)
            for row in self.rows("assessments")
            if row["kind"] == "pre_birth"
            and (
                (row["father_involved"] == "no" and not row["father_not_involved_reason"])
                or row["father_checks_done"] == "no"
            )
        }

    def care_leaver_parent(self) -> set[str]:
        assessed = {self.family(r) for r in self.rows("assessments") if r["kind"] == "pre_birth"}
        leavers = {
            self.family_of[self.person(r, "subject")]
            for r in self.rows("care_leaver_statuses")
            if r["care_leaver"] == "yes"
        }
        return leavers - assessed

    def man_with_relevant_history(self) -> set[str]:
        history: set[str] = set()
        for row in self.rows("convictions"):
            if row["offence_category"] in ("domestic_abuse", "violence_against_the_person"):
                history.add(self.person(row, "subject"))
        for table in ("findings_of_fact", "probation_supervisions"):
            history |= {self.person(row, "subject") for row in self.rows(table)}
        history |= {
            self.person(r, "perpetrator") for r in self.rows("marac_cases") if r["perpetrator"]
        }
        protected_children = {
            self.family(r) for r in self.rows("plans") if r["kind"] == "child_protection"
        }
        found = set()
        links: dict[str, set[str]] = defaultdict(set)
        for row in self.rows("relationships"):
            if row["kind"] in MEN_AROUND:
                links[self.person(row, "person")].add(self.family(row))
        for man, families in links.items():
            if man in history:
                found |= families
            if len(families & protected_children) and len(families) > 1:
                found |= families - protected_children
        return found

    def plan_child_at_ed(self) -> set[str]:
        plans: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
        for row in self.rows("plans"):
            if row["child"] and row["kind"] in ("early_help", "child_in_need", "child_protection"):
                end = _day(row["end"]) if row["end"] else None
                plans[self.person(row, "child")].append((_day(row["start"]), end))
        found = set()
        for row in self.rows("ed_attendances"):
            child = self.person(row, "subject")
            on = _day(row["date"])
            if any(start <= on and (end is None or on <= end) for start, end in plans[child]):
                found.add(self.family_of[child])
        return found

    def domestic_abuse_checks(self) -> set[str]:
        return {
            self.family_of[self.person(row, "victim")]
            for row in self.rows("police_incidents")
            if row["kind"] == "domestic_abuse"
            and row["victim"]
            and self.expecting_or_baby(self.person(row, "victim"), _day(row["date"]))
        }

    def marac_baby(self) -> set[str]:
        return {
            self.family_of[self.person(row, "victim")]
            for row in self.rows("marac_cases")
            if self.expecting_or_baby(self.person(row, "victim"), _day(row["date"]))
        }

    def programme_engagement(self) -> set[str]:
        steps: dict[tuple[str, str], list[str]] = defaultdict(list)
        plan_family = {(r["agency"], r["id"]): self.family(r) for r in self.rows("plans")}
        family_of_programme = {}
        for row in self.rows("programme_events"):
            key = (row["agency"], row["programme_ref"])
            steps[key].append(row["status"])
            if row["plan"]:
                family_of_programme[key] = plan_family[(row["agency"], row["plan"])]
        return {
            family_of_programme[key]
            for key, statuses in steps.items()
            if key in family_of_programme and ("missed" in statuses or "completed" not in statuses)
        }

    def step_down(self) -> set[str]:
        return {
            self.family(row)
            for row in self.rows("plans")
            if row["stepped_down_from"]
            and (
                not row["key_worker"]
                or row["information_sharing_plan"] != "yes"
                or not row["review_date"]
            )
        }

    def father_seen_at_mandated_contact(self) -> set[str]:
        return {
            self.family(row)
            for row in self.rows("contacts")
            if row["kind"] in ("new_birth", "six_to_eight_weeks")
            and row["father_seen"] == "no"
            and not row["father_not_seen_reason"]  # a reason recorded suffices (the default)
        }

    def coping_with_crying(self) -> set[str]:
        return {
            self.family(row)
            for row in self.rows("crying_feeding_concerns")
            if "no" in (row["icon_advice_mother"], row["icon_advice_father"])
        }

    def conference_invitations(self) -> set[str]:
        found = set()
        for row in self.rows("conferences"):
            invited = set(list_values(row, "invited"))
            if not {"gp", "housing"} <= invited or not invited & {"father", "male_carer"}:
                found.add(self.family(row))
        return found

    def think_family_mental_health(self) -> set[str]:
        troubled = {self.person(r, "subject") for r in self.rows("mental_health")}
        return {
            self.family(row)
            for row in self.rows("relationships")
            if row["kind"] in ("birth_father", "mothers_partner", "male_carer")
            and self.person(row, "person") in troubled
        }

    def service_first_contact(self) -> set[str]:
        """Referrals no step of uptake names, past the service's stated days on the day the
        extract was made (the rules' today in check-scenarios)."""
        today = date.fromisoformat(self.x.manifest["created"][:10])
        within = {}
        for entry in json.loads((self.x.path / "services.json").read_text(encoding="utf-8")):
            terms = {
                a["taxonomy_term"]["taxonomy"]: a["taxonomy_term"]["term"]
                for a in entry.get("attributes", [])
            }
            within[entry["id"]] = int(terms.get("seen:contact-within-days", "10"))
        taken_up = {row["referral"] for row in self.rows("service_uptake")}
        return {
            self.family(row)
            for row in self.rows("service_referrals")
            if f"{row['agency']}:{row['id']}" not in taken_up
            and _day(row["date"]) + timedelta(days=within[row["service"]]) < today
        }

    def applies(self, procedure: str) -> set[str]:
        found: set[str] = getattr(self, procedure.replace("-", "_"))()
        return found
