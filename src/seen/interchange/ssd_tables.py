"""The Standard Safeguarding Dataset's tables that Seen reads, as the specification defines them:
each table's file name, its row id, the column naming the person it is about, and the columns
Seen reads (a file's other columns are kept in the file and ignored).

The specification followed is data-to-insight's ssd-data-model, release 1.3.7 (2025-12-03): the
CREATE TABLE statements of its deployment procedures
(deployment_extracts/systemc/live/ssd_deployment_proc_files/procs/*.sql), which every case
management system's extract shares, with the column names of ssd-data-model-next
(schema/*.yml). Where the two name a column differently the later name is read and the earlier
one accepted (`aliases`). docs/ssd.md maps each table to the extract format."""

from __future__ import annotations

from dataclasses import dataclass, field

SPECIFICATION = "ssd-data-model 1.3.7 (data-to-insight, 2025-12-03)"

ID_LENGTH = 48  # every id column of the specification is NVARCHAR(48)


@dataclass(frozen=True)
class SsdTable:
    name: str  # the file is NAME.csv
    key: str  # the row's own id
    person: str | None  # the column naming the person the row is about
    columns: tuple[str, ...]  # what Seen reads, key and person included
    aliases: dict[str, str] = field(default_factory=dict)  # another name -> the name here
    ids: tuple[str, ...] = ()  # other id columns (each at most ID_LENGTH characters)
    when: str | None = None  # the column that dates the row

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def required(self) -> tuple[str, ...]:
        """The columns a file of this table must have in its header."""
        return tuple(c for c in (self.key, self.person) if c)


PROFESSIONALS = SsdTable(
    "ssd_professionals",
    "prof_professional_id",
    None,
    (
        "prof_professional_id",
        "prof_staff_id",
        "prof_professional_name",
        "prof_professional_job_title",
        "prof_professional_department",
    ),
)
PERSON = SsdTable(
    "ssd_person",
    "pers_person_id",
    None,
    (
        "pers_person_id",
        "pers_forename",
        "pers_surname",
        "pers_sex",
        "pers_gender",
        "pers_ethnicity",
        "pers_dob",
        "pers_expected_dob",
        "pers_common_child_id",
        "pers_upn",
        "pers_death_date",
        "pers_is_mother",
    ),
    aliases={"pers_single_unique_id": "pers_common_child_id"},
)
ADDRESS = SsdTable(
    "ssd_address",
    "addr_table_id",
    "addr_person_id",
    (
        "addr_table_id",
        "addr_person_id",
        "addr_address_type",
        "addr_address_start_date",
        "addr_address_end_date",
        "addr_address_postcode",
        "addr_address_json",
    ),
)
MOTHER = SsdTable(
    "ssd_mother",
    "moth_table_id",
    "moth_childs_person_id",
    ("moth_table_id", "moth_person_id", "moth_childs_person_id", "moth_childs_dob"),
    ids=("moth_person_id",),
)
FAMILY = SsdTable(
    "ssd_family",
    "fami_table_id",
    "fami_person_id",
    ("fami_table_id", "fami_family_id", "fami_person_id"),
    ids=("fami_family_id",),
)
CONTACTS = SsdTable(
    "ssd_contacts",
    "cont_contact_id",
    "cont_person_id",
    (
        "cont_contact_id",
        "cont_person_id",
        "cont_contact_date",
        "cont_contact_source_code",
        "cont_contact_source_desc",
    ),
    when="cont_contact_date",
)
CIN_EPISODES = SsdTable(
    "ssd_cin_episodes",
    "cine_referral_id",
    "cine_person_id",
    (
        "cine_referral_id",
        "cine_person_id",
        "cine_referral_date",
        "cine_cin_primary_need_code",
        "cine_referral_source_code",
        "cine_referral_source_desc",
        "cine_referral_nfa",
        "cine_close_reason",
        "cine_close_date",
        "cine_referral_worker_id",
    ),
    when="cine_referral_date",
)
CIN_ASSESSMENTS = SsdTable(
    "ssd_cin_assessments",
    "cina_assessment_id",
    "cina_person_id",
    (
        "cina_assessment_id",
        "cina_person_id",
        "cina_referral_id",
        "cina_assessment_start_date",
        "cina_assessment_auth_date",
        "cina_assessment_worker_id",
    ),
    when="cina_assessment_start_date",
)
ASSESSMENT_FACTORS = SsdTable(
    "ssd_assessment_factors",
    "cinf_table_id",
    None,
    ("cinf_table_id", "cinf_assessment_id", "cinf_assessment_factors_json"),
    ids=("cinf_assessment_id",),
)
S47_ENQUIRY = SsdTable(
    "ssd_s47_enquiry",
    "s47e_s47_enquiry_id",
    "s47e_person_id",
    (
        "s47e_s47_enquiry_id",
        "s47e_referral_id",
        "s47e_person_id",
        "s47e_s47_start_date",
        "s47e_s47_end_date",
        "s47e_s47_completed_by_worker_id",
    ),
    when="s47e_s47_start_date",
)
INITIAL_CP_CONFERENCE = SsdTable(
    "ssd_initial_cp_conference",
    "icpc_icpc_id",
    "icpc_person_id",
    (
        "icpc_icpc_id",
        "icpc_person_id",
        "icpc_cp_plan_id",
        "icpc_icpc_target_date",
        "icpc_icpc_date",
        "icpc_icpc_worker_id",
    ),
    when="icpc_icpc_date",
)
CP_PLANS = SsdTable(
    "ssd_cp_plans",
    "cppl_cp_plan_id",
    "cppl_person_id",
    (
        "cppl_cp_plan_id",
        "cppl_person_id",
        "cppl_icpc_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_cp_plan_initial_category",
        "cppl_cp_plan_latest_category",
    ),
    when="cppl_cp_plan_start_date",
)
CP_REVIEWS = SsdTable(
    "ssd_cp_reviews",
    "cppr_cp_review_id",
    "cppr_person_id",
    (
        "cppr_cp_review_id",
        "cppr_person_id",
        "cppr_cp_plan_id",
        "cppr_cp_review_due",
        "cppr_cp_review_date",
    ),
    when="cppr_cp_review_date",
)
CIN_PLANS = SsdTable(
    "ssd_cin_plans",
    "cinp_cin_plan_id",
    "cinp_person_id",
    (
        "cinp_cin_plan_id",
        "cinp_person_id",
        "cinp_referral_id",
        "cinp_cin_plan_start_date",
        "cinp_cin_plan_end_date",
        "cinp_cin_plan_worker_id",
    ),
    when="cinp_cin_plan_start_date",
)
CIN_VISITS = SsdTable(
    "ssd_cin_visits",
    "cinv_cin_visit_id",
    "cinv_person_id",
    ("cinv_cin_visit_id", "cinv_person_id", "cinv_cin_visit_date", "cinv_cin_visit_seen"),
    when="cinv_cin_visit_date",
)
CP_VISITS = SsdTable(
    "ssd_cp_visits",
    "cppv_cp_visit_id",
    "cppv_person_id",
    ("cppv_cp_visit_id", "cppv_person_id", "cppv_cp_visit_date", "cppv_cp_visit_seen"),
    when="cppv_cp_visit_date",
)
EARLY_HELP_EPISODES = SsdTable(
    "ssd_early_help_episodes",
    "earl_episode_id",
    "earl_person_id",
    (
        "earl_episode_id",
        "earl_person_id",
        "earl_episode_start_date",
        "earl_episode_end_date",
        "earl_episode_reason",
        "earl_episode_worker_id",
    ),
    when="earl_episode_start_date",
)
INVOLVEMENTS = SsdTable(
    "ssd_involvements",
    "invo_involvements_id",
    "invo_person_id",
    (
        "invo_involvements_id",
        "invo_professional_id",
        "invo_professional_role_id",
        "invo_person_id",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
    ),
    when="invo_involvement_start_date",
)
CARE_LEAVERS = SsdTable(
    "ssd_care_leavers",
    "clea_table_id",
    "clea_person_id",
    (
        "clea_table_id",
        "clea_person_id",
        "clea_care_leaver_eligibility",
        "clea_care_leaver_latest_contact",
        "clea_pathway_plan_review_date",
        "clea_care_leaver_personal_advisor",
    ),
)

# in the order they are read: professionals and persons before what refers to them
TABLES: tuple[SsdTable, ...] = (
    PROFESSIONALS,
    PERSON,
    ADDRESS,
    MOTHER,
    FAMILY,
    CONTACTS,
    CIN_EPISODES,
    CIN_ASSESSMENTS,
    ASSESSMENT_FACTORS,
    S47_ENQUIRY,
    INITIAL_CP_CONFERENCE,
    CP_PLANS,
    CP_REVIEWS,
    CIN_PLANS,
    CIN_VISITS,
    CP_VISITS,
    EARLY_HELP_EPISODES,
    INVOLVEMENTS,
    CARE_LEAVERS,
)
TABLES_BY_NAME: dict[str, SsdTable] = {t.name: t for t in TABLES}

# tables about the work with a child: the persons they name are the children the import is about
WORK_TABLES: tuple[SsdTable, ...] = (
    CONTACTS,
    CIN_EPISODES,
    CIN_ASSESSMENTS,
    S47_ENQUIRY,
    INITIAL_CP_CONFERENCE,
    CP_PLANS,
    CP_REVIEWS,
    CIN_PLANS,
    CIN_VISITS,
    CP_VISITS,
    EARLY_HELP_EPISODES,
)
