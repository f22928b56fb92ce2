"""The typed facts agencies send: dated, sourced events about a child, an unborn child or an adult.

Every fact has `occurred_on` (the date it happened), so that a timeline across agencies is one
ordering, and points at source records (not persons): which person a record belongs to is
linkage's decision and may change, the fact itself does not.
"""

from __future__ import annotations

from django.db import models

from seen.core.models import Sourced, natural_key
from seen.people.models import CHILD_OR_PREGNANCY


class YesNo(models.TextChoices):
    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"


class YesNoNA(models.TextChoices):
    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "not_applicable"
    NOT_KNOWN = "not_known"


class Fact(Sourced):
    occurred_on = models.DateField(db_index=True)

    class Meta:
        abstract = True


def _record(related: str = "+", *, optional: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        "people.SourceRecord",
        on_delete=models.PROTECT,
        related_name=related,
        null=optional,
        blank=optional,
    )


def _pregnancy() -> models.ForeignKey:
    return models.ForeignKey(
        "people.Pregnancy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


def _practitioner() -> models.ForeignKey:
    return models.ForeignKey(
        "areas.Practitioner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


def _about_child(name: str) -> list[models.BaseConstraint]:
    return [
        natural_key(name),
        models.CheckConstraint(condition=CHILD_OR_PREGNANCY, name=f"{name}_has_subject"),
    ]


class Contact(Fact):
    """A practitioner's contact with the family, and who was seen: the father/male carer
    included, or why not."""

    class Kind(models.TextChoices):
        ANTENATAL_BOOKING = "antenatal_booking"
        ANTENATAL = "antenatal"
        NEW_BIRTH = "new_birth", "new birth visit (10-14 days)"
        SIX_TO_EIGHT_WEEKS = "six_to_eight_weeks", "6-8 week review"
        ONE_YEAR = "one_year", "1 year review"
        HOME_VISIT = "home_visit"
        SOCIAL_WORK_VISIT = "social_work_visit"
        EARLY_HELP_VISIT = "early_help_visit"
        OTHER = "other"

    child = _record(optional=True)
    pregnancy = _pregnancy()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    practitioner = _practitioner()
    mother_seen = models.CharField(max_length=16, choices=YesNoNA.choices)
    father = _record(optional=True)
    father_seen = models.CharField(max_length=16, choices=YesNoNA.choices)
    father_not_seen_reason = models.TextField(blank=True)

    class Meta:
        constraints = _about_child("contact")


class Appointment(Fact):
    class Outcome(models.TextChoices):
        ATTENDED = "attended"
        WAS_NOT_BROUGHT = "was_not_brought"
        DID_NOT_ATTEND = "did_not_attend"
        CANCELLED = "cancelled"

    class Service(models.TextChoices):
        ANTENATAL = "antenatal"
        HEALTH_VISITING = "health_visiting"
        GP = "gp", "GP"
        IMMUNISATION = "immunisation"
        HOSPITAL_OUTPATIENT = "hospital_outpatient"
        SCREENING = "screening"
        OTHER = "other"

    subject = _record()
    pregnancy = _pregnancy()
    service = models.CharField(max_length=24, choices=Service.choices)
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    followed_up_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [natural_key("appointment")]


class Mobility(models.TextChoices):
    NON_MOBILE = "non_mobile"
    ROLLING = "rolling"
    CRAWLING = "crawling"
    CRUISING = "cruising"
    WALKING = "walking"
    NOT_RECORDED = "not_recorded"


class Injury(Fact):
    class Kind(models.TextChoices):
        BRUISE = "bruise"
        FRACTURE = "fracture"
        HEAD_INJURY = "head_injury"
        BURN = "burn"
        BITE = "bite"
        RUPTURED_FRENULUM = "ruptured_frenulum"
        OTHER = "other"

    child = _record()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    body_site = models.CharField(max_length=100, blank=True)
    mobility = models.CharField(max_length=16, choices=Mobility.choices)
    explanation = models.TextField(blank=True)
    practitioner = _practitioner()

    class Meta:
        verbose_name_plural = "injuries"
        constraints = [natural_key("injury")]


class Referral(Fact):
    class Kind(models.TextChoices):
        CHILDRENS_SOCIAL_CARE = "childrens_social_care"
        PAEDIATRIC_ASSESSMENT = "paediatric_assessment"
        EARLY_HELP = "early_help"
        MASH = "mash", "MASH"
        ADULT_MENTAL_HEALTH = "adult_mental_health"
        OTHER = "other"

    child = _record(optional=True)
    pregnancy = _pregnancy()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    to_agency = models.ForeignKey(
        "areas.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    # a referral to children's social care as the CIN census holds it (extract format 1.1)
    source = models.CharField(max_length=4, blank=True, help_text="CIN census referral source.")
    primary_need = models.CharField(max_length=4, blank=True, help_text="CIN census primary need.")
    closed_on = models.DateField(
        null=True, blank=True, help_text="When the child in need episode it opened closed."
    )
    closure_reason = models.CharField(
        max_length=4, blank=True, help_text="CIN census reason for closure."
    )
    no_further_action = models.CharField(max_length=16, choices=YesNo.choices, blank=True)

    class Meta:
        constraints = _about_child("referral")


class EDAttendance(Fact):
    subject = _record()
    arrived_at = models.DateTimeField()
    injury = models.CharField(max_length=16, choices=YesNo.choices)
    presenting_complaint = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [natural_key("edattendance")]


class PoliceIncident(Fact):
    class Kind(models.TextChoices):
        DOMESTIC_ABUSE = "domestic_abuse"
        VIOLENCE = "violence"
        SEXUAL = "sexual"
        OTHER = "other"

    class DashLevel(models.TextChoices):
        STANDARD = "standard"
        MEDIUM = "medium"
        HIGH = "high"
        NOT_ASSESSED = "not_assessed"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    perpetrator = _record(optional=True)
    victim = _record(optional=True)
    child_present = models.CharField(max_length=16, choices=YesNo.choices)
    dash_level = models.CharField(max_length=16, choices=DashLevel.choices)
    postcode = models.CharField(max_length=8, blank=True)

    class Meta:
        constraints = [natural_key("policeincident")]


class Conviction(Fact):
    class OffenceCategory(models.TextChoices):
        VIOLENCE = "violence_against_the_person"
        DOMESTIC_ABUSE = "domestic_abuse"
        SEXUAL = "sexual_offences"
        CHILD_CRUELTY = "child_cruelty"
        WEAPONS = "possession_of_weapons"
        DRUGS = "drug_offences"
        THEFT = "theft_offences"
        CRIMINAL_DAMAGE = "criminal_damage"
        PUBLIC_ORDER = "public_order"
        OTHER = "other"

    subject = _record()
    offence_category = models.CharField(max_length=32, choices=OffenceCategory.choices)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [natural_key("conviction")]


class FindingOfFact(Fact):
    """A family court's finding of fact about an adult (for example, that he caused an injury)."""

    subject = _record()
    child = _record(optional=True)
    category_of_abuse = models.CharField(max_length=32, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        constraints = [natural_key("findingoffact")]


class ProbationSupervision(Fact):
    class Risk(models.TextChoices):
        LOW = "low"
        MEDIUM = "medium"
        HIGH = "high"
        VERY_HIGH = "very_high"

    subject = _record()
    end = models.DateField(null=True, blank=True)
    order = models.CharField(max_length=64)
    risk_of_serious_harm = models.CharField(max_length=16, choices=Risk.choices)
    practitioner = _practitioner()

    class Meta:
        constraints = [natural_key("probationsupervision")]


class MaracCase(Fact):
    victim = _record()
    perpetrator = _record(optional=True)
    safety_plan = models.CharField(max_length=16, choices=YesNo.choices)

    class Meta:
        constraints = [natural_key("maraccase")]


class MentalHealth(Fact):
    class Kind(models.TextChoices):
        DIAGNOSIS = "diagnosis"
        EPISODE = "episode"
        CRISIS = "crisis"
        REFERRAL = "referral"
        ADVERSE_CHILDHOOD_EXPERIENCES = "adverse_childhood_experiences"

    subject = _record()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)
    current = models.CharField(max_length=16, choices=YesNo.choices)

    class Meta:
        verbose_name_plural = "mental health history"
        constraints = [natural_key("mentalhealth")]


class Plan(Fact):
    """A plan for a child or unborn child; `occurred_on` is its start."""

    class Kind(models.TextChoices):
        EARLY_HELP = "early_help"
        CHILD_IN_NEED = "child_in_need"
        CHILD_PROTECTION = "child_protection"
        LOOKED_AFTER = "looked_after"
        PRE_BIRTH = "pre_birth"

    child = _record(optional=True)
    pregnancy = _pregnancy()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    category_of_abuse = models.CharField(max_length=32, blank=True)
    latest_category_of_abuse = models.CharField(
        max_length=32, blank=True, help_text="A child protection plan's latest category."
    )
    end = models.DateField(null=True, blank=True)
    lead_practitioner = _practitioner()
    key_worker = _practitioner()
    review_date = models.DateField(null=True, blank=True)
    stepped_down_from = models.CharField(
        max_length=64, blank=True, help_text="local_id of the plan this one stepped down from"
    )
    information_sharing_plan = models.CharField(max_length=16, choices=YesNo.choices)

    class Meta:
        constraints = _about_child("plan")


class ProgrammeEvent(Fact):
    """One step of a programme (referred, a session attended or missed, completed, withdrawn).
    Events of the same programme share `programme_ref`."""

    class Programme(models.TextChoices):
        DOMESTIC_ABUSE_PERPETRATOR = "domestic_abuse_perpetrator"
        PARENTING = "parenting"
        MENTAL_HEALTH = "mental_health"
        SUBSTANCE_MISUSE = "substance_misuse"
        OTHER = "other"

    class Status(models.TextChoices):
        REFERRED = "referred"
        ATTENDED = "attended"
        MISSED = "missed"
        COMPLETED = "completed"
        WITHDRAWN = "withdrawn"

    subject = _record()
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="programme_events"
    )
    programme_ref = models.CharField(max_length=64)
    programme = models.CharField(max_length=32, choices=Programme.choices)
    status = models.CharField(max_length=16, choices=Status.choices)

    class Meta:
        constraints = [natural_key("programmeevent")]


class ServiceReferral(Fact):
    """A parent referred to a service in the partnership's directory, for a child (born or
    unborn), with consent or the lawful basis for referring without it. Its local id is the
    reference the service quotes when it sends the steps of the parent's uptake."""

    class Basis(models.TextChoices):
        CONSENT = "consent", "with his or her consent"
        LAWFUL_BASIS = "lawful_basis", "without consent, on a lawful basis"

    subject = _record()
    child = _record(optional=True)
    pregnancy = _pregnancy()
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="+")
    referrer = _practitioner()
    reason = models.TextField(blank=True)
    basis = models.CharField(max_length=16, choices=Basis.choices)
    lawful_basis = models.TextField(blank=True, help_text="Why, when referred without consent.")
    procedure = models.CharField(
        max_length=64, blank=True, help_text="The procedure the referral answers, if any."
    )

    class Meta:
        constraints = [natural_key("servicereferral")]


class ServiceUptake(Fact):
    """One step of a referral's uptake, as the service reports it: contacted, offered, a session
    attended or missed, completed, declined or dropped out. The subject, child and pregnancy are
    the referral's, copied when the step is stored, so that the step is read with the family."""

    class Status(models.TextChoices):
        CONTACTED = "contacted"
        OFFERED = "offered"
        ATTENDED = "attended"
        MISSED = "missed"
        COMPLETED = "completed"
        DECLINED = "declined"
        DROPPED_OUT = "dropped_out", "dropped out"

    referral = models.ForeignKey(ServiceReferral, on_delete=models.PROTECT, related_name="steps")
    status = models.CharField(max_length=16, choices=Status.choices)
    session = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    subject = _record()
    child = _record(optional=True)
    pregnancy = _pregnancy()

    class Meta:
        constraints = [natural_key("serviceuptake")]


class Assessment(Fact):
    """An assessment (pre-birth, child and family, …); `occurred_on` is its start. Records whether
    the father/male carer was involved and whether background checks were done on both parents."""

    class Kind(models.TextChoices):
        PRE_BIRTH = "pre_birth"
        CHILD_AND_FAMILY = "child_and_family"
        EARLY_HELP = "early_help"
        SECTION_47 = "section_47", "section 47 enquiry"

    child = _record(optional=True)
    pregnancy = _pregnancy()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    completed_on = models.DateField(null=True, blank=True)
    father_involved = models.CharField(max_length=16, choices=YesNoNA.choices)
    father_not_involved_reason = models.TextField(blank=True)
    mother_checks_done = models.CharField(max_length=16, choices=YesNo.choices)
    father_checks_done = models.CharField(max_length=16, choices=YesNoNA.choices)
    factors = models.JSONField(default=list, blank=True, help_text="CIN census factor codes.")
    practitioner = _practitioner()

    class Meta:
        constraints = _about_child("assessment")


class ConferenceRole(models.TextChoices):
    MOTHER = "mother"
    FATHER = "father"
    MALE_CARER = "male_carer"
    GP = "gp", "GP"
    HEALTH_VISITOR = "health_visitor"
    MIDWIFE = "midwife"
    HOUSING = "housing"
    POLICE = "police"
    PROBATION = "probation"
    SOCIAL_WORKER = "social_worker"
    EARLY_HELP = "early_help"
    ADULT_MENTAL_HEALTH = "adult_mental_health"
    OTHER = "other"


class Conference(Fact):
    class Kind(models.TextChoices):
        INITIAL = "initial"
        REVIEW = "review"
        PRE_BIRTH = "pre_birth"

    child = _record(optional=True)
    pregnancy = _pregnancy()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    invited = models.JSONField(default=list, blank=True)
    attended = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = _about_child("conference")


class PreProceedings(Fact):
    """Pre-proceedings under the Public Law Outline: the local authority tells the parents it is
    considering care proceedings; `occurred_on` is the start."""

    child = _record(optional=True)
    pregnancy = _pregnancy()
    letter_sent_on = models.DateField(null=True, blank=True)
    initial_meeting_on = models.DateField(null=True, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True)
    court_application_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "pre-proceedings"
        constraints = _about_child("preproceedings")


class CareLeaverStatus(Fact):
    subject = _record()
    care_leaver = models.CharField(max_length=16, choices=YesNo.choices)
    personal_adviser = _practitioner()

    class Meta:
        verbose_name_plural = "care leaver statuses"
        constraints = [natural_key("careleaverstatus")]


class CryingFeedingConcern(Fact):
    class Concern(models.TextChoices):
        EXCESSIVE_CRYING = "excessive_crying"
        COLIC = "colic"
        FEEDING_DIFFICULTY = "feeding_difficulty"

    child = _record()
    concern = models.CharField(max_length=24, choices=Concern.choices)
    icon_advice_mother = models.CharField(max_length=16, choices=YesNoNA.choices)
    icon_advice_father = models.CharField(max_length=16, choices=YesNoNA.choices)

    class Meta:
        constraints = [natural_key("cryingfeedingconcern")]


class Birth(Fact):
    """A birth: `occurred_on` is the date of birth. Links the pregnancy to the baby's record and
    records prematurity."""

    child = _record()
    pregnancy = _pregnancy()
    gestation_weeks = models.PositiveSmallIntegerField()
    birth_weight_grams = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [natural_key("birth")]

    @property
    def premature(self) -> bool:
        return self.gestation_weeks < 37


class NeonatalStay(Fact):
    """An admission to a neonatal unit; `occurred_on` is the admission date."""

    child = _record()
    discharged_on = models.DateField(null=True, blank=True)
    level_of_care = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [natural_key("neonatalstay")]


# Every fact model, in the order an extract loads them. seen.ingest and the timeline read this.
FACT_MODELS: tuple[type[Fact], ...] = (
    Birth,
    NeonatalStay,
    Contact,
    Appointment,
    Injury,
    Referral,
    EDAttendance,
    PoliceIncident,
    Conviction,
    FindingOfFact,
    ProbationSupervision,
    MaracCase,
    MentalHealth,
    Plan,
    ProgrammeEvent,
    ServiceReferral,
    ServiceUptake,
    Assessment,
    Conference,
    PreProceedings,
    CareLeaverStatus,
    CryingFeedingConcern,
)
