"""The SSD's work with children as the extract format's facts: professionals, referrals
(contacts and child in need episodes), assessments (child and family, pre-birth, section 47),
conferences (initial and review), plans (child in need, child protection, Early Help), visits,
who is responsible (involvements) and care leavers.

A row is about the child its person column names; dated before the child's birth it is about
the unborn child (its pregnancy). Rows of several SSD tables that become one table of the
extract keep the SSD's own column prefix on their id (`cppl:9`, `cinp:9`), so that two SSD
tables' ids never meet. A fault in a row quarantines the child it is about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from seen.interchange import ssd_values as v
from seen.interchange.ssd_extract import ExtractBuild, has_column
from seen.interchange.ssd_people import Child, People
from seen.interchange.ssd_reading import SsdFolder, SsdRow
from seen.interchange.ssd_tables import (
    ASSESSMENT_FACTORS,
    CARE_LEAVERS,
    CIN_ASSESSMENTS,
    CIN_EPISODES,
    CIN_PLANS,
    CIN_VISITS,
    CONTACTS,
    CP_PLANS,
    CP_REVIEWS,
    CP_VISITS,
    EARLY_HELP_EPISODES,
    INITIAL_CP_CONFERENCE,
    INVOLVEMENTS,
    PROFESSIONALS,
    S47_ENQUIRY,
    SsdTable,
)

NOT_KNOWN = "not_known"


def prefixed(table: SsdTable, row_id: str) -> str:
    """The extract id of a row of `table`: its SSD id after the table's column prefix."""
    return f"{table.key.split('_', 1)[0]}:{row_id}"


@dataclass
class Work:
    folder: SsdFolder
    people: People
    agencies: frozenset[str]  # the partnership's agency codes (a worker of another: CODE:ID)
    professionals: set[str] = field(default_factory=set)
    factors: dict[str, list[str]] = field(default_factory=dict)  # by cina_assessment_id
    cin_plans: dict[str, list[tuple[date | None, str]]] = field(default_factory=dict)

    @property
    def build(self) -> ExtractBuild:
        return self.people.build

    def child(self, row: SsdRow) -> Child | None:
        """The child a work row is about, or None with the fault said."""
        about = self.people.child_of(row)
        if about is None and row.person in self.people.refused:
            return None  # its person has a fault of their own, and is quarantined for it
        problem = row.problem
        if not problem and not row.id:
            problem = f"the row has no {row.table.key}"
        if not problem and about is None:
            problem = f"names a person ({row.person or 'none'}) ssd_person does not hold"
        if problem:
            self.build.fault(about.id if about else row.person, row.where(), "row", problem)
            return None
        return about

    def dates(self, row: SsdRow, child: Child, *columns: str) -> list[date | None] | None:
        out = []
        for column in columns:
            try:
                out.append(v.a_date(column, row.values[column]))
            except v.Unusable as error:
                self.build.fault(child.id, row.where(column), "date", error.reason)
                return None
        return out

    def required(self, row: SsdRow, child: Child, column: str, day: date | None) -> bool:
        if day is None:
            self.build.fault(child.id, row.where(column), "required", "has no date")
        return day is not None

    def in_order(
        self, row: SsdRow, child: Child, start: date, end: date | None, column: str
    ) -> bool:
        if end is not None and end < start:
            self.build.fault(
                child.id, row.where(column), "date-order", f"({end}) is before the start ({start})"
            )
            return False
        return True

    def worker(self, row: SsdRow, column: str, child: str) -> str:
        value = row.values.get(column, "")
        if v.blank(value):
            return ""
        agency, _, local = value.partition(":")
        if value in self.professionals or (local and agency in self.agencies):
            return value
        self.build.warn(
            child,
            row.where(column),
            "worker",
            f"names a professional ({v.shown(value)}) ssd_professionals does not hold; not kept",
        )
        return ""

    def fact(
        self, table: str, row: SsdRow, child: Child, day: date, values: dict[str, str]
    ) -> None:
        self.build.emit(
            table,
            child.id,
            {"id": prefixed(row.table, row.id), **child.about(day), **values},
            sources={"reason": row.where()},
        )


def write_work(work: Work) -> None:
    _professionals(work)
    _factors(work)
    for table, write in WRITERS:
        for row in work.folder.table(table):
            child = work.child(row)
            if child is not None:
                write(work, row, child)


def _professionals(work: Work) -> None:
    for row in work.folder.table(PROFESSIONALS):
        values = row.values
        name = values["prof_professional_name"]
        problem = row.problem or ("" if row.id else "the professional has no id")
        problem = problem or ("" if not v.blank(name) else "the professional has no name")
        if problem:
            work.build.fault("", row.where(), "professional", problem)
            continue
        if work.build.emit(
            "practitioners",
            "",
            {
                "id": row.id,
                "name": name,
                "role": v.practitioner_role(values["prof_professional_job_title"]),
                "team": ""
                if v.blank(values["prof_professional_department"])
                else values["prof_professional_department"],
            },
            sources={
                "name": row.where("prof_professional_name"),
                "team": row.where("prof_professional_department"),
            },
        ):
            work.professionals.add(row.id)


def _factors(work: Work) -> None:
    for row in work.folder.table(ASSESSMENT_FACTORS):
        assessment = row.values["cinf_assessment_id"]
        if row.problem or not assessment:
            work.build.fault("", row.where(), "row", row.problem or "names no assessment")
            continue
        try:
            found = v.factors(
                "cinf_assessment_factors_json", row.values["cinf_assessment_factors_json"]
            )
        except v.Unusable as error:
            work.build.warn("", row.where(error.column), "factors", f"{error.reason}; not kept")
            continue
        held = work.factors.setdefault(assessment, [])
        held.extend(f for f in found if f not in held)


def _referral(work: Work, row: SsdRow, child: Child) -> None:
    episode = row.table is CIN_EPISODES
    when = "cine_referral_date" if episode else "cont_contact_date"
    closed = "cine_close_date" if episode else when
    dates = work.dates(row, child, when, closed)
    if dates is None or not work.required(row, child, when, dates[0]):
        return
    day = dates[0]
    assert day is not None
    if episode and not work.in_order(row, child, day, dates[1], closed):
        return
    source = "cine_referral_source" if episode else "cont_contact_source"
    values = {
        "date": v.iso(day),
        "kind": "childrens_social_care",
        "to_agency": work.build.agency,
        "reason": row.values[f"{source}_desc"],
    }
    census: dict[str, tuple[str, str]] = {"source": (f"{source}_code", "referral_source")}
    if episode:
        census |= {
            "primary_need": ("cine_cin_primary_need_code", "primary_need"),
            "closure_reason": ("cine_close_reason", "reason_for_closure"),
        }
    for column, (ssd_column, codes) in census.items():
        if has_column("referrals", column):
            try:
                values[column] = v.code(ssd_column, row.values[ssd_column], codes)
            except v.Unusable:
                values[column] = ""  # a system's own code, not the census's: kept as the reason
    if episode and has_column("referrals", "closed_on"):
        values["closed_on"] = v.iso(dates[1])
        try:
            nfa = v.flag("cine_referral_nfa", row.values["cine_referral_nfa"])
        except v.Unusable as error:
            work.build.warn(child.id, row.where(error.column), "flag", f"{error.reason}; not kept")
            nfa = None
        values["no_further_action"] = "" if nfa is None else v.yes_no(nfa)
    work.fact("referrals", row, child, day, values)


def _assessment(work: Work, row: SsdRow, child: Child) -> None:
    enquiry = row.table is S47_ENQUIRY
    start, end, worker = (
        ("s47e_s47_start_date", "s47e_s47_end_date", "s47e_s47_completed_by_worker_id")
        if enquiry
        else (
            "cina_assessment_start_date",
            "cina_assessment_auth_date",
            "cina_assessment_worker_id",
        )
    )
    dates = work.dates(row, child, start, end)
    if dates is None or not work.required(row, child, start, dates[0]):
        return
    day = dates[0]
    assert day is not None
    if not work.in_order(row, child, day, dates[1], end):
        return
    unborn = "pregnancy" if child.about(day)["pregnancy"] else ""
    kind = "section_47" if enquiry else "pre_birth" if unborn else "child_and_family"
    work.fact(
        "assessments",
        row,
        child,
        day,
        {
            "started_on": v.iso(day),
            "kind": kind,
            "completed_on": v.iso(dates[1]),
            "father_involved": NOT_KNOWN,  # the SSD does not say: Seen holds it as not known
            "mother_checks_done": NOT_KNOWN,
            "father_checks_done": NOT_KNOWN,
            "factors": "" if enquiry else ";".join(work.factors.get(row.id, [])),
            "practitioner": work.worker(row, worker, child.id),
        },
    )


def _conference(work: Work, row: SsdRow, child: Child) -> None:
    initial = row.table is INITIAL_CP_CONFERENCE
    when = "icpc_icpc_date" if initial else "cppr_cp_review_date"
    dates = work.dates(row, child, when)
    if dates is None:
        return
    day = dates[0]
    if day is None:
        work.build.skipped[f"{row.table.name}: not yet held (no date)"] += 1
        return
    unborn = bool(child.about(day)["pregnancy"])
    kind = ("pre_birth" if unborn else "initial") if initial else "review"
    work.fact("conferences", row, child, day, {"date": v.iso(day), "kind": kind})


def _plan(work: Work, row: SsdRow, child: Child) -> None:
    table = row.table
    start = table.when
    assert start is not None
    end = start.replace("start", "end")
    dates = work.dates(row, child, start, end)
    if dates is None or not work.required(row, child, start, dates[0]):
        return
    day = dates[0]
    assert day is not None
    if not work.in_order(row, child, day, dates[1], end):
        return
    values = {"start": v.iso(day), "end": v.iso(dates[1]), "information_sharing_plan": NOT_KNOWN}
    if table is CP_PLANS:
        try:
            first = v.category(
                "cppl_cp_plan_initial_category", row.values["cppl_cp_plan_initial_category"]
            )
            latest = v.category(
                "cppl_cp_plan_latest_category", row.values["cppl_cp_plan_latest_category"]
            )
        except v.Unusable as error:
            work.build.fault(child.id, row.where(error.column), "category", error.reason)
            return
        if not (first or latest):
            work.build.fault(
                child.id,
                row.where("cppl_cp_plan_initial_category"),
                "category",
                "a child protection plan needs its category of abuse",
            )
            return
        values |= {"kind": "child_protection", "category_of_abuse": first or latest}
        if has_column("plans", "latest_category_of_abuse"):
            values["latest_category_of_abuse"] = latest or first
    elif table is CIN_PLANS:
        values |= {
            "kind": "child_in_need",
            "lead_practitioner": work.worker(row, "cinp_cin_plan_worker_id", child.id),
        }
        work.cin_plans.setdefault(child.id, []).append((dates[1], prefixed(table, row.id)))
    else:
        worker = work.worker(row, "earl_episode_worker_id", child.id)
        stepped = [plan for ended, plan in work.cin_plans.get(child.id, []) if ended == day]
        values |= {
            "kind": "early_help",
            "lead_practitioner": worker,
            "key_worker": worker,
            "stepped_down_from": stepped[0] if stepped else "",
        }
    work.fact("plans", row, child, day, values)


def _visit(work: Work, row: SsdRow, child: Child) -> None:
    when = "cinv_cin_visit_date" if row.table is CIN_VISITS else "cppv_cp_visit_date"
    dates = work.dates(row, child, when)
    if dates is None or not work.required(row, child, when, dates[0]):
        return
    day = dates[0]
    assert day is not None
    work.fact(
        "contacts",
        row,
        child,
        day,
        {
            "date": v.iso(day),
            "kind": "social_work_visit",
            "mother_seen": NOT_KNOWN,
            "father_seen": NOT_KNOWN,
        },
    )


def _involvement(work: Work, row: SsdRow, child: Child) -> None:
    role = v.involvement_role(row.values["invo_professional_role_id"])
    if not role:
        work.build.skipped["ssd_involvements: a role Seen does not hold"] += 1
        return
    dates = work.dates(row, child, "invo_involvement_start_date", "invo_involvement_end_date")
    if dates is None or not work.required(row, child, "invo_involvement_start_date", dates[0]):
        return
    day = dates[0]
    assert day is not None
    if not work.in_order(row, child, day, dates[1], "invo_involvement_end_date"):
        return
    worker = work.worker(row, "invo_professional_id", child.id)
    if not worker:
        work.build.skipped["ssd_involvements: no professional Seen holds"] += 1
        return
    work.build.emit(
        "responsibilities",
        child.id,
        {
            "id": row.id,
            **child.about(day),
            "practitioner": worker,
            "role": role,
            "start": v.iso(day),
            "end": v.iso(dates[1]),
        },
        sources={},
    )


WRITERS: tuple[tuple[SsdTable, Callable[[Work, SsdRow, Child], None]], ...] = (
    (CONTACTS, _referral),
    (CIN_EPISODES, _referral),
    (CIN_ASSESSMENTS, _assessment),
    (S47_ENQUIRY, _assessment),
    (INITIAL_CP_CONFERENCE, _conference),
    (CP_REVIEWS, _conference),
    (CIN_PLANS, _plan),  # before Early Help: a step-down names the plan it came from
    (CP_PLANS, _plan),
    (EARLY_HELP_EPISODES, _plan),
    (CIN_VISITS, _visit),
    (CP_VISITS, _visit),
)


def write_involvements_and_care_leavers(work: Work) -> None:
    """Who is responsible for each child, and care leavers (any person, not only children)."""
    for row in work.folder.table(INVOLVEMENTS):
        if row.person in work.people.children:
            child = work.child(row)
            if child is not None:
                _involvement(work, row, child)
        elif work.people.known(row.person) and not row.problem:
            work.build.skipped["ssd_involvements: with an adult (Seen holds children's)"] += 1
        else:
            work.child(row)  # said as a fault
    for row in work.folder.table(CARE_LEAVERS):
        _care_leaver(work, row)


def _care_leaver(work: Work, row: SsdRow) -> None:
    about = row.person if row.person in work.people.children else ""
    if row.person in work.people.refused:
        return  # its person has a fault of their own
    problem = row.problem or ("" if row.id else "the row has no clea_table_id")
    if not problem and not work.people.known(row.person):
        problem = f"names a person ({row.person or 'none'}) ssd_person does not hold"
    if problem:
        work.build.fault(about, row.where(), "row", problem)
        return
    values = row.values
    try:
        contact = v.a_date(
            "clea_care_leaver_latest_contact", values["clea_care_leaver_latest_contact"]
        )
        review = v.a_date("clea_pathway_plan_review_date", values["clea_pathway_plan_review_date"])
    except v.Unusable as error:
        work.build.fault(about, row.where(error.column), "date", error.reason)
        return
    day = contact or review
    if day is None:
        work.build.skipped["ssd_care_leavers: no date to hold the status on"] += 1
        return
    eligibility = values["clea_care_leaver_eligibility"].strip().lower()
    not_eligible = v.blank(eligibility) or eligibility.startswith(("no ", "not "))
    adviser = values["clea_care_leaver_personal_advisor"]
    work.build.emit(
        "care_leaver_statuses",
        about,
        {
            "id": row.id,
            "date": v.iso(day),
            "subject": row.person,
            "care_leaver": "no" if not_eligible else "yes",
            "personal_adviser": adviser if adviser in work.professionals else "",
        },
        sources={},
    )
