"""民情零距离 — the residents' platform: a community's registry (buildings → units → rooms →
households → residents, with care tags), residents' matters with answer-by dates and public
tracking, dispute mediation, activities and programmes.

Personal information is sealed: an ID number or a phone is stored as ciphertext (a
`SealedTextField` naming its kind, the cipher in `core.crypto`), a keyed digest for exact-match
search, and its mask for display. Nothing here
holds a full ID number or phone in plaintext.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.core.crypto import SealedTextField
from communitygate.core.idempotency import key_constraint
from communitygate.core.idnumbers import ID_NUMBER_KIND
from communitygate.core.phones import PHONE_KIND
from communitygate.orgs.models import Organisation

USER = settings.AUTH_USER_MODEL
ADDRESS_KIND = "address"  # a registered residence's kind: blind index and associated data


def community_key(related_name: str) -> models.ForeignKey[Organisation, Organisation]:
    return models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name=related_name,
        verbose_name=_("community"),
    )


# The registry (居民档案) -------------------------------------------------------------------------


class Building(models.Model):
    """A building (楼栋) in an estate (小区) of a community."""

    community = community_key("buildings")
    estate = models.CharField(_("estate"), max_length=100, blank=True)
    name = models.CharField(_("building"), max_length=50)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["community", "estate", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "estate", "name"], name="building_unique_in_estate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.estate}{self.name}"


class Unit(models.Model):
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building")
    )
    name = models.CharField(_("unit"), max_length=20)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "name"]
        constraints = [
            models.UniqueConstraint(fields=["building", "name"], name="unit_unique_in_building")
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("unit")
    )
    number = models.CharField(_("room"), max_length=20)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="room_unique_in_unit")
        ]

    def __str__(self) -> str:
        return self.number


class HouseholdKinds(models.TextChoices):
    REGISTERED = "registered", _("Registered household")
    RESIDENT = "resident", _("Resident household")
    RENTING = "renting", _("Renting household")


class Household(models.Model):
    """The people living in one room (户). `community` repeats the room's community so that
    every scoped query is one indexed filter."""

    community = community_key("households")
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="households", verbose_name=_("room")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=HouseholdKinds.choices, default=HouseholdKinds.RESIDENT
    )
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["community", "moved_out_on"], name="household_scope_idx")]

    def __str__(self) -> str:
        return f"{self.pk}"


class CareTag(models.Model):
    """A care mark on a resident (关爱标签): elderly living alone, aged 80+, … The office adds
    its own; built-in ones cannot be retired."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=80)
    builtin = models.BooleanField(_("built in"), default=False)
    needs_visits = models.BooleanField(_("needs regular visits"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("care tag")
        verbose_name_plural = _("care tags")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Sexes(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PopulationKinds(models.TextChoices):
    """人员类别: registered here (户籍), living here without registration (常住/人户分离),
    or migrant (流动)."""

    REGISTERED = "registered", _("Registered population")
    RESIDENT = "resident", _("Resident, registered elsewhere")
    MIGRANT = "migrant", _("Migrant population")


class Relations(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other")


class Resident(models.Model):
    community = community_key("residents")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=6, choices=Sexes.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    relation = models.CharField(
        _("relation to head"), max_length=10, choices=Relations.choices, default=Relations.HEAD
    )
    population_kind = models.CharField(
        _("population category"),
        max_length=10,
        choices=PopulationKinds.choices,
        default=PopulationKinds.REGISTERED,
    )
    id_number_ciphertext = SealedTextField(
        _("ID number (encrypted)"), blank=True, kind=ID_NUMBER_KIND
    )
    id_number_digest = models.CharField(_("ID number digest"), max_length=64, blank=True)
    id_number_masked = models.CharField(_("ID number"), max_length=20, blank=True)
    phone_ciphertext = SealedTextField(_("phone (encrypted)"), blank=True, kind=PHONE_KIND)
    phone_digest = models.CharField(_("phone digest"), max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    registered_address_ciphertext = SealedTextField(
        _("registered residence (encrypted)"), blank=True, kind=ADDRESS_KIND
    )
    registered_address_masked = models.CharField(
        _("registered residence"), max_length=60, blank=True
    )
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    tags = models.ManyToManyField(
        CareTag, blank=True, related_name="residents", verbose_name=_("care tags")
    )
    import_batch = models.ForeignKey(
        "ResidentImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("import"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "pk"]
        indexes = [
            models.Index(fields=["community", "moved_out_on"], name="resident_scope_idx"),
            models.Index(fields=["id_number_digest"], name="resident_id_digest_idx"),
            models.Index(fields=["phone_digest"], name="resident_phone_digest_idx"),
            models.Index(fields=["community", "name"], name="resident_name_idx"),
        ]
        constraints = [
            # One current record per person and community (duplicates are found by ID number).
            models.UniqueConstraint(
                fields=["community", "id_number_digest"],
                condition=models.Q(moved_out_on__isnull=True) & ~models.Q(id_number_digest=""),
                name="resident_once_per_community",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    """A resident who volunteers (志愿者); their hours are append-only service rows."""

    resident = models.OneToOneField(
        Resident, on_delete=models.PROTECT, related_name="volunteer", verbose_name=_("resident")
    )
    community = community_key("volunteers")
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return str(self.resident_id)


class VolunteerService(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="services", verbose_name=_("volunteer")
    )
    served_on = models.DateField(_("served on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    what = models.CharField(_("service"), max_length=200)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("volunteer service")
        verbose_name_plural = _("volunteer services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24),
                name="volunteer_service_hours_in_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.served_on} {self.hours}"


class Visit(models.Model):
    """A home visit (入户走访), planned for a day and then recorded as done."""

    community = community_key("visits")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="visits", verbose_name=_("household")
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("resident"),
    )
    planned_on = models.DateField(_("planned on"))
    purpose = models.CharField(_("purpose"), max_length=200)
    worker = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("worker")
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["community", "planned_on"], name="visit_day_idx")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.planned_on}"


class ImportStatuses(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking")
    WRITING = "writing", _("Writing")
    IMPORTED = "imported", _("Imported")
    REJECTED = "rejected", pgettext_lazy("import status", "Rejected")
    FAILED = "failed", _("Failed")


class ResidentImport(models.Model):
    """One uploaded registry file (XLSX or CSV). The file is kept encrypted until the import
    ends; `problems` lists every problem by row and column, with ID numbers masked."""

    community = community_key("resident_imports")
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    payload = models.FileField(_("encrypted file"), upload_to="resident-imports/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatuses.choices, default=ImportStatuses.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    residents_created = models.PositiveIntegerField(_("residents created"), default=0)
    households_created = models.PositiveIntegerField(_("households created"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident import")
        verbose_name_plural = _("resident imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


# Residents' matters (民情事项) -----------------------------------------------------------------


class MatterCategory(models.Model):
    """A kind of matter and how many working days the community has to answer it (a setting
    the office keeps)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=80)
    answer_within_workdays = models.PositiveSmallIntegerField(_("answer within (working days)"))
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("matter category")
        verbose_name_plural = _("matter categories")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer_within_workdays__gte=1),
                name="matter_category_gives_at_least_a_day",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MatterChannels(models.TextChoices):
    VISIT = "visit", _("Visit to the office")
    CALL = "call", _("Phone call")
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door round")
    ONLINE = "online", _("Online")
    OPEN311 = "open311", _("Open311 client")
    API = "api", _("API")


class MatterStatuses(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("matter status", "Received")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class Ratings(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Matter(models.Model):
    """A resident's matter: who asked (sealed phone), what, where; who answers by when."""

    community = community_key("matters")
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=14, choices=MatterChannels.choices)
    category = models.ForeignKey(
        MatterCategory, on_delete=models.PROTECT, related_name="matters", verbose_name=_("category")
    )
    summary = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("where"), max_length=200, blank=True)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matters",
        verbose_name=_("resident"),
    )
    contact_name = models.CharField(_("name"), max_length=50, blank=True)
    phone_ciphertext = SealedTextField(_("phone (encrypted)"), blank=True, kind=PHONE_KIND)
    phone_digest = models.CharField(_("phone digest"), max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MatterStatuses.choices, default=MatterStatuses.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    answer_by = models.DateField(_("answer by"))
    answer_by_estimated = models.BooleanField(
        _("answer-by date estimated"),
        default=False,
        help_text=_(
            "The holiday schedule of a year the count reaches was not entered: Monday to Friday "
            "were counted. Recounted when the office enters the year."
        ),
    )
    answer_by_counted_from = models.DateField(
        _("answer-by date counted from"),
        null=True,
        blank=True,
        help_text=_("The day the working days were counted from: received, or last reopened."),
    )
    assignee = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Ratings.choices, blank=True)
    rating_comment = models.TextField(_("resident's comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    times_reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    escalated_at = models.DateTimeField(_("escalated to the subdistrict at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveIntegerField(_("revision"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("resident matter")
        verbose_name_plural = _("resident matters")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["community", "status", "answer_by"], name="matter_open_idx"),
            models.Index(fields=["community", "received_at"], name="matter_period_idx"),
            models.Index(fields=["status", "answer_by"], name="matter_overdue_idx"),
            models.Index(fields=["assignee", "status"], name="matter_assignee_idx"),
        ]
        constraints = [
            # Staff: one matter per person and key. Residents filing without signing in have
            # no person: their keys share one space per channel (the Open311 client, the public
            # API's clients).
            key_constraint(
                "received_by",
                name="matter_once_per_staff_key",
                condition=models.Q(received_by__isnull=False),
            ),
            key_constraint(
                "channel",
                name="matter_once_per_public_key",
                condition=models.Q(received_by__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code


class MatterPhoto(models.Model):
    matter = models.ForeignKey(
        Matter, on_delete=models.PROTECT, related_name="photos", verbose_name=_("matter")
    )
    file = models.FileField(_("file"), upload_to="matter-photos/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.filename


# Dispute mediation (矛盾纠纷调解) ----------------------------------------------------------------


class DisputeKinds(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Neighbours")
    FAMILY = "family", _("Family and marriage")
    PROPERTY = "property", _("Property management")
    TENANCY = "tenancy", _("Tenancy")
    LABOUR = "labour", _("Labour and wages")
    DEBT = "debt", _("Debt")
    OTHER = "other", _("Other")


class DisputeOutcomes(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement reached")
    FAILED = "failed", _("Mediation failed")
    REFERRED = "referred", _("Referred elsewhere")


class Dispute(models.Model):
    community = community_key("disputes")
    matter = models.ForeignKey(
        Matter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
        verbose_name=_("matter"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=DisputeKinds.choices)
    summary = models.CharField(_("summary"), max_length=200)
    facts = models.TextField(_("facts"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=DisputeOutcomes.choices, blank=True
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    agreement_terms = models.TextField(_("terms agreed"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "created_at"], name="dispute_scope_idx")]

    def __str__(self) -> str:
        return self.summary


class PartyRoles(models.TextChoices):
    APPLICANT = "applicant", pgettext_lazy("mediation party", "Applicant")
    RESPONDENT = "respondent", _("Respondent")
    OTHER = "other", _("Other party")


class DisputeParty(models.Model):
    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, related_name="parties", verbose_name=_("dispute")
    )
    role = models.CharField(_("role"), max_length=10, choices=PartyRoles.choices)
    name = models.CharField(_("name"), max_length=50)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    phone_ciphertext = SealedTextField(_("phone (encrypted)"), blank=True, kind=PHONE_KIND)
    phone_digest = models.CharField(_("phone digest"), max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute", "pk"]

    def __str__(self) -> str:
        return self.name


class MediationSession(models.Model):
    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("dispute")
    )
    held_on = models.DateField(_("held on"))
    mediators = models.CharField(_("mediators"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["dispute", "held_on", "pk"]

    # Activities and programmes (活动与项目) ----------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_on}"


class Activity(models.Model):
    """A one-off community event (a summer show, an evening gathering)."""

    community = community_key("activities")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["community", "held_on"], name="activity_day_idx")]

    def __str__(self) -> str:
        return self.title


class Programme(models.Model):
    """A recurring programme with sessions and enrolment, such as the after-school club
    放学回来吧 (children enrol with a guardian; a full programme keeps a waiting list)."""

    community = community_key("programmes")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"))
    min_age = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    public_signup = models.BooleanField(_("open to public sign-up"), default=True)
    closed = models.BooleanField(_("closed"), default=False)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="programme_has_room"),
        ]

    def __str__(self) -> str:
        return self.title


class ProgrammeSession(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("programme")
    )
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["programme", "held_on", "starts_at"]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.held_on}"


class EnrolmentStatuses(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("programme")
    )
    child_name = models.CharField(_("child"), max_length=50)
    child_birth_date = models.DateField(_("child's birth date"), null=True, blank=True)
    guardian_name = models.CharField(_("guardian"), max_length=50)
    guardian_phone_ciphertext = SealedTextField(_("guardian's phone (encrypted)"), kind=PHONE_KIND)
    guardian_phone_digest = models.CharField(_("guardian's phone digest"), max_length=64)
    guardian_phone_masked = models.CharField(_("guardian's phone"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatuses.choices)
    signed_up_at = models.DateTimeField(_("signed up at"))
    signed_up_online = models.BooleanField(_("signed up online"), default=False)
    signed_up_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed up by"),
    )
    updated_at = models.DateTimeField(_("updated at"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["programme", "signed_up_at", "pk"]
        constraints = [
            # A retried sign-up does not enrol the same child twice.
            models.UniqueConstraint(
                fields=["programme", "child_name", "guardian_phone_digest"],
                condition=~models.Q(status="withdrawn"),
                name="enrolment_once_per_child",
            ),
            key_constraint("signed_up_by", name="enrolment_once_per_idempotency_key"),
        ]
        indexes = [models.Index(fields=["programme", "status"], name="enrolment_status_idx")]

    def __str__(self) -> str:
        return self.child_name


class Attendance(models.Model):
    session = models.ForeignKey(
        ProgrammeSession,
        on_delete=models.PROTECT,
        related_name="attendance",
        verbose_name=_("session"),
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("enrolment")
    )
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.enrolment_id}"
