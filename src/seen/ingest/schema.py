"""The agency extract format, versions 1 and 1.1: one CSV file per table, each column typed.

This module is the single source of truth for the format: its name and versions, and every table
with its columns, key and cross-column checks (written in the terms of seen.ingest.columns).
`seen extract_schema` writes it out as JSON Schema (seen.ingest.json_schema: one document per
file, describing a row), `docs/extract-format.md` explains it, and seen.ingest.validation builds
its row validators from it.

Version 1.1 only adds optional columns, which a file may leave out of its header, and tables:
for the Children in Need census (seen.interchange.cin_census), and for referrals to the
partnership's services and their uptake (seen.directory). Every version 1 extract is
therefore a valid 1.1 extract, and Seen reads both alike.
"""

from __future__ import annotations

from dataclasses import replace

from seen.areas.models import Agency, Area, PostcodeDistrict, Practitioner
from seen.core.codes import code_values
from seen.facts import models as facts
from seen.ingest.columns import (
    Column,
    Table,
    a_date,
    end_not_before_start,
    enum,
    enum_list,
    ref,
    text,
    yes_no,
)
from seen.ingest.shared_columns import (
    CATEGORY_OF_ABUSE,
    added_in,
    child_or_pregnancy,
    cin_code,
    fact,
    needs_category_for_protection,
    needs_child_or_pregnancy,
    needs_lawful_basis_without_consent,
    sourced,
)
from seen.people.models import Pregnancy, Relationship, Residence, Responsibility, Sex, SourceRecord

FORMAT_NAME = "seen-extract"
FORMAT_VERSION = "1"  # what Seen's own writers declare unless they use what 1.1 added
LATEST_VERSION = "1.1"
READABLE_VERSIONS = ("1", "1.1")  # each a subset of the next: Seen reads them all alike
MANIFEST_FILE = "manifest.json"
LIST_SEPARATOR = ";"

# --- the tables, in load order ----------------------------------------------------------------

TABLES: tuple[Table, ...] = (
    Table(
        "areas",
        Area,
        "Local authorities in the partnership.",
        (
            text("code", "Area code.", required=True, max_length=16),
            text("name", "Area name.", required=True, max_length=100),
        ),
        key=("code",),
    ),
    Table(
        "postcode_districts",
        PostcodeDistrict,
        "Which area each postcode district (outward code) lies in.",
        (
            Column("district", "text", True, "Outward code, e.g. QA1.", max_length=4),
            ref("area", "area", "Area code.", required=True),
        ),
        key=("district",),
    ),
    Table(
        "agencies",
        Agency,
        "Agencies that send extracts.",
        (
            text("code", "Agency code.", required=True, max_length=32),
            text("name", "Agency name.", required=True),
            enum("kind", Agency.Kind),
            ref("area", "area", "Area code; empty for agencies across areas."),
            Column("duty_phone", "phone", False, "Duty number to call."),
        ),
        key=("code",),
    ),
    Table(
        "practitioners",
        Practitioner,
        "Practitioners of each agency.",
        sourced(
            text("name", "Full name.", required=True),
            enum("role", Practitioner.Role),
            text("team"),
            Column("phone", "phone"),
            text("email", max_length=254),
        ),
    ),
    Table(
        "people",
        SourceRecord,
        "People as each agency holds them (source records).",
        sourced(
            text("forename", max_length=100),
            text("middle_names"),
            text("surname", max_length=100),
            text("previous_surnames", "Earlier surnames, separated by ';'."),
            a_date("dob", "Date of birth."),
            enum("sex", Sex, required=False),
            Column("nhs_number", "nhs_number", False, "10-digit NHS number (modulus 11 checked)."),
            Column("postcode", "postcode", False, "Current postcode."),
            text("address", max_length=300),
            Column("phone", "phone"),
            Column(
                "ethnicity",
                "code",
                False,
                "CIN census ethnicity code.",
                values=tuple(sorted(code_values("ethnicity"))),
            ),
            text("first_language", max_length=64),
            Column("interpreter_needed", "boolean", False, "yes or no.", values=("yes", "no")),
            *added_in("1.1", text("upn", "Unique pupil number (UPN).", max_length=13)),
        ),
    ),
    Table(
        "pregnancies",
        Pregnancy,
        "Pregnancies; each stands for an unborn child.",
        sourced(
            ref("mother", "record", "The mother's record id.", required=True),
            a_date("expected_date", "Expected date of delivery.", required=True),
            a_date("booked_on", "Date of antenatal booking."),
            enum("status", Pregnancy.Status),
            ref("child", "record", "The baby's record id once born."),
        ),
    ),
    Table(
        "relationships",
        Relationship,
        "Adults (and siblings) around a child or unborn child.",
        sourced(
            ref("person", "record", "The adult's (or sibling's) record id.", required=True),
            *child_or_pregnancy(),
            enum("kind", Relationship.Kind),
            a_date("asserted_on", "When the agency recorded it.", required=True),
            a_date("start"),
            a_date("end"),
        ),
        checks=(needs_child_or_pregnancy, end_not_before_start("start", "end")),
    ),
    Table(
        "residences",
        Residence,
        "Addresses over time; the area follows from the postcode.",
        sourced(
            ref("person", "record", "The resident's record id.", required=True),
            text("address", max_length=300),
            Column("postcode", "postcode", True, "Postcode of the address."),
            a_date("start"),
            a_date("end"),
        ),
        checks=(end_not_before_start("start", "end"),),
    ),
    Table(
        "responsibilities",
        Responsibility,
        "Who is responsible for which child.",
        sourced(
            *child_or_pregnancy(),
            ref(
                "practitioner",
                "practitioner",
                "Practitioner id in this agency, or AGENCY:ID for another agency's.",
                required=True,
            ),
            enum("role", Responsibility.Role),
            a_date("start", required=True),
            a_date("end"),
        ),
        checks=(needs_child_or_pregnancy, end_not_before_start("start", "end")),
    ),
    Table(
        "births",
        facts.Birth,
        "Births, linking a pregnancy to the baby.",
        fact(
            "born_on",
            "Date of birth.",
            ref("child", "record", required=True),
            ref("pregnancy", "pregnancy"),
            Column(
                "gestation_weeks",
                "integer",
                True,
                "Completed weeks of gestation.",
                minimum=20,
                maximum=45,
            ),
            Column("birth_weight_grams", "integer", False, minimum=200, maximum=7000),
        ),
    ),
    Table(
        "neonatal_stays",
        facts.NeonatalStay,
        "Admissions to a neonatal unit.",
        fact(
            "admitted_on",
            "Admission date.",
            ref("child", "record", required=True),
            a_date("discharged_on"),
            text("level_of_care", max_length=32),
        ),
        checks=(end_not_before_start("occurred_on", "discharged_on"),),
    ),
    Table(
        "contacts",
        facts.Contact,
        "Contacts with the family and who was seen.",
        fact(
            "date",
            "Date of the contact.",
            *child_or_pregnancy(),
            enum("kind", facts.Contact.Kind),
            ref("practitioner", "practitioner"),
            yes_no("mother_seen", facts.YesNoNA),
            ref("father", "record", "The father's/male carer's record id, if known."),
            yes_no("father_seen", facts.YesNoNA),
            text("father_not_seen_reason", max_length=500),
        ),
        checks=(needs_child_or_pregnancy,),
    ),
    Table(
        "appointments",
        facts.Appointment,
        "Health appointments and their outcome.",
        fact(
            "date",
            "Date of the appointment.",
            ref(
                "subject", "record", "The child's (or pregnant mother's) record id.", required=True
            ),
            ref("pregnancy", "pregnancy"),
            enum("service", facts.Appointment.Service),
            enum("outcome", facts.Appointment.Outcome),
            a_date("followed_up_on", "When a missed appointment was followed up."),
        ),
    ),
    Table(
        "injuries",
        facts.Injury,
        "Injuries observed on a child, with the child's mobility.",
        fact(
            "date",
            "Date observed.",
            ref("child", "record", required=True),
            enum("kind", facts.Injury.Kind),
            text("body_site", max_length=100),
            enum("mobility", facts.Mobility),
            text("explanation", max_length=1000),
            ref("practitioner", "practitioner"),
        ),
    ),
    Table(
        "referrals",
        facts.Referral,
        "Referrals made about a child or unborn child.",
        fact(
            "date",
            "Date of the referral.",
            *child_or_pregnancy(),
            enum("kind", facts.Referral.Kind),
            ref("to_agency", "agency", "Code of the agency referred to."),
            text("reason", max_length=1000),
            *added_in(
                "1.1",
                cin_code("source", "referral_source", "Who referred: CIN census referral source."),
                cin_code("primary_need", "primary_need", "CIN census primary need code."),
                a_date("closed_on", "When the child in need episode the referral opened closed."),
                cin_code("closure_reason", "reason_for_closure", "CIN census reason for closure."),
                yes_no(
                    "no_further_action",
                    description="The referral led to no further action.",
                    required=False,
                ),
            ),
        ),
        checks=(needs_child_or_pregnancy, end_not_before_start("occurred_on", "closed_on")),
    ),
    Table(
        "ed_attendances",
        facts.EDAttendance,
        "Emergency department attendances.",
        fact(
            "date",
            "Date of arrival.",
            ref("subject", "record", required=True),
            Column("arrived_at", "datetime", True, "Arrival time, YYYY-MM-DDTHH:MM."),
            yes_no("injury"),
            text("presenting_complaint"),
        ),
    ),
    Table(
        "police_incidents",
        facts.PoliceIncident,
        "Police incidents.",
        fact(
            "date",
            "Date of the incident.",
            enum("kind", facts.PoliceIncident.Kind),
            ref("perpetrator", "record"),
            ref("victim", "record"),
            yes_no("child_present"),
            enum("dash_level", facts.PoliceIncident.DashLevel),
            Column("postcode", "postcode"),
        ),
    ),
    Table(
        "convictions",
        facts.Conviction,
        "Convictions by offence category.",
        fact(
            "date",
            "Date of conviction.",
            ref("subject", "record", required=True),
            enum("offence_category", facts.Conviction.OffenceCategory),
            text("description"),
        ),
    ),
    Table(
        "findings_of_fact",
        facts.FindingOfFact,
        "Family-court findings of fact.",
        fact(
            "date",
            "Date of the finding.",
            ref("subject", "record", "The adult the finding is about.", required=True),
            ref("child", "record", "The child concerned, if held."),
            CATEGORY_OF_ABUSE,
            text("summary", max_length=1000),
        ),
    ),
    Table(
        "probation_supervisions",
        facts.ProbationSupervision,
        "Probation supervision.",
        fact(
            "start",
            "Start of supervision.",
            ref("subject", "record", required=True),
            a_date("end"),
            text("order", required=True, max_length=64),
            enum("risk_of_serious_harm", facts.ProbationSupervision.Risk),
            ref("practitioner", "practitioner"),
        ),
        checks=(end_not_before_start("occurred_on", "end"),),
    ),
    Table(
        "marac_cases",
        facts.MaracCase,
        "MARAC cases.",
        fact(
            "date",
            "Date heard at MARAC.",
            ref("victim", "record", required=True),
            ref("perpetrator", "record"),
            yes_no("safety_plan"),
        ),
    ),
    Table(
        "mental_health",
        facts.MentalHealth,
        "Mental-health history, adverse childhood experiences included.",
        fact(
            "date",
            "Date recorded.",
            ref("subject", "record", required=True),
            enum("kind", facts.MentalHealth.Kind),
            text("description"),
            yes_no("current"),
        ),
    ),
    Table(
        "plans",
        facts.Plan,
        "Plans for a child or unborn child.",
        fact(
            "start",
            "Start of the plan.",
            *child_or_pregnancy(),
            enum("kind", facts.Plan.Kind),
            CATEGORY_OF_ABUSE,
            a_date("end"),
            ref("lead_practitioner", "practitioner"),
            ref("key_worker", "practitioner"),
            a_date("review_date"),
            text("stepped_down_from", "Id of the plan this one stepped down from.", max_length=64),
            yes_no("information_sharing_plan"),
            *added_in(
                "1.1",
                replace(
                    CATEGORY_OF_ABUSE,
                    name="latest_category_of_abuse",
                    description="A child protection plan's latest category of abuse "
                    "(category_of_abuse is its initial one).",
                ),
            ),
        ),
        checks=(
            needs_child_or_pregnancy,
            needs_category_for_protection,
            end_not_before_start("occurred_on", "end"),
        ),
    ),
    Table(
        "programme_events",
        facts.ProgrammeEvent,
        "Programme steps: referred, attended, missed, completed, withdrawn.",
        fact(
            "date",
            "Date of the step.",
            ref("subject", "record", "The participant's record id.", required=True),
            ref("plan", "plan", "The plan the programme belongs to."),
            text(
                "programme_ref",
                "Shared by all steps of one programme.",
                required=True,
                max_length=64,
            ),
            enum("programme", facts.ProgrammeEvent.Programme),
            enum("status", facts.ProgrammeEvent.Status),
        ),
    ),
    Table(
        "service_referrals",
        facts.ServiceReferral,
        "Parents referred to a service in the partnership's directory (seen services import).",
        fact(
            "date",
            "Date of the referral.",
            ref("subject", "record", "The parent's record id.", required=True),
            *child_or_pregnancy(),
            ref("service", "service", "The service's Open Referral UK id.", required=True),
            ref("referrer", "practitioner", "Who referred (a practitioner id, or CODE:id)."),
            text("reason", "Why the parent was referred.", max_length=2000),
            enum("basis", facts.ServiceReferral.Basis, "Consent, or a lawful basis without it."),
            text(
                "lawful_basis", "The lawful basis, when referred without consent.", max_length=2000
            ),
            text("procedure", "The procedure the referral answers.", max_length=64),
        ),
        checks=(needs_child_or_pregnancy, needs_lawful_basis_without_consent),
        since="1.1",
    ),
    Table(
        "service_uptake",
        facts.ServiceUptake,
        "The steps of a referral's uptake, as the service sends them: contacted, offered, each "
        "session attended or missed, completed, declined, dropped out.",
        fact(
            "date",
            "Date of the step.",
            ref(
                "referral",
                "service_referral",
                "The referral's id: the referring agency's code, a colon and its id "
                "(QAV-CSC:seen-…), or the id alone for a referral of this agency.",
                required=True,
            ),
            enum("status", facts.ServiceUptake.Status),
            Column(
                "session",
                "integer",
                False,
                "The session's number, for attended or missed.",
                minimum=1,
                maximum=500,
            ),
            text("reason", "Why declined or dropped out, in words.", max_length=2000),
        ),
        since="1.1",
    ),
    Table(
        "assessments",
        facts.Assessment,
        "Assessments, the father's involvement and checks.",
        fact(
            "started_on",
            "Start of the assessment.",
            *child_or_pregnancy(),
            enum("kind", facts.Assessment.Kind),
            a_date("completed_on"),
            yes_no("father_involved", facts.YesNoNA),
            text("father_not_involved_reason", max_length=1000),
            yes_no("mother_checks_done"),
            yes_no("father_checks_done", facts.YesNoNA),
            Column(
                "factors",
                "code_list",
                False,
                "CIN census factors at assessment, ';'-separated.",
                values=tuple(sorted(code_values("assessment_factors"))),
            ),
            ref("practitioner", "practitioner"),
        ),
        checks=(needs_child_or_pregnancy, end_not_before_start("occurred_on", "completed_on")),
    ),
    Table(
        "conferences",
        facts.Conference,
        "Child protection conferences: invited and attended.",
        fact(
            "date",
            "Date of the conference.",
            *child_or_pregnancy(),
            enum("kind", facts.Conference.Kind),
            enum_list("invited", facts.ConferenceRole, "Roles invited, ';'-separated."),
            enum_list("attended", facts.ConferenceRole, "Roles that attended, ';'-separated."),
        ),
        checks=(needs_child_or_pregnancy,),
    ),
    Table(
        "pre_proceedings",
        facts.PreProceedings,
        "Pre-proceedings under the Public Law Outline.",
        fact(
            "start",
            "Start of pre-proceedings.",
            *child_or_pregnancy(),
            a_date("letter_sent_on", "Letter before proceedings sent."),
            a_date("initial_meeting_on", "Initial pre-proceedings meeting."),
            a_date("decision_on", "Decision to end pre-proceedings, or to go to court."),
            text("outcome", "The outcome as the local authority codes it.", max_length=16),
            a_date("court_application_on", "Application to court for care proceedings."),
        ),
        checks=(needs_child_or_pregnancy, end_not_before_start("occurred_on", "decision_on")),
        since="1.1",
    ),
    Table(
        "care_leaver_statuses",
        facts.CareLeaverStatus,
        "Care-leaver status of a parent.",
        fact(
            "date",
            "Date recorded.",
            ref("subject", "record", required=True),
            yes_no("care_leaver"),
            ref("personal_adviser", "practitioner"),
        ),
    ),
    Table(
        "crying_feeding_concerns",
        facts.CryingFeedingConcern,
        "Crying and feeding concerns and the ICON advice given.",
        fact(
            "date",
            "Date raised.",
            ref("child", "record", required=True),
            enum("concern", facts.CryingFeedingConcern.Concern),
            yes_no("icon_advice_mother", facts.YesNoNA),
            yes_no("icon_advice_father", facts.YesNoNA),
        ),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
