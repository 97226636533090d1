"""民情零距离 — the residents' registry: a community's buildings → units → rooms →
households → residents, with care tags, volunteers, home visits and registry imports.

Personal information is sealed: an ID number or a phone is stored as ciphertext (a
`SealedTextField` naming its kind, the cipher in `core.crypto`), a keyed digest for
exact-match search, and its mask for display. Nothing here holds a full ID number or
phone in plaintext. `community_key` and `USER` are shared by the other residents' apps.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.core.crypto import SealedTextField
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
    # Renewed by every progress write of the running import: its lease (a worker killed mid-way
    # stops renewing it, and services.importing.stalled_imports_fail ends the import).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident import")
        verbose_name_plural = _("resident imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename
