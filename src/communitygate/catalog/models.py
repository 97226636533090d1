"""The admission catalog (准入目录).

`CatalogItem` rows are the office's working copy. Publishing takes a snapshot of every item into
a new `CatalogEdition` (one `EditionEntry` per item), and the public reads editions only: what
the public, the API and (later) the gate see is always a published edition, and any past
edition can be shown and compared with another. Ledgers (台账) and plaques (牌子) are records of
their own, linked to the items that require them, because they are counted as burden.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from communitygate.orgs.models import Organisation


class ItemClasses(models.TextChoices):
    STATUTORY = "statutory", _("Statutory daily work")
    DELEGATED = "delegated", _("Delegated task")
    CERTIFICATE = "certificate", _("Certificate or stamp")
    EVALUATION = "evaluation", _("Creation or evaluation campaign")


class Domains(models.TextChoices):
    PARTY_BUILDING = "party_building", _("Party building")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs and social assistance")
    HEALTH = "health", _("Health and family planning")
    URBAN_MANAGEMENT = "urban_management", _("Urban management")
    LABOUR = "labour", _("Labour and social security")
    STABILITY = "stability", _("Stability and comprehensive governance")
    JUSTICE = "justice", _("Justice")
    CLEAN_GOVERNMENT = "clean_government", _("Clean government")
    CULTURE = "culture", _("Culture")
    VETERANS = "veterans", _("Veterans")
    DISABILITY = "disability", _("Disability")
    OTHER = "other", _("Other")


class Frequencies(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    YEARLY = "yearly", _("Yearly")
    QUARTERLY = "quarterly", _("Quarterly")
    MONTHLY = "monthly", _("Monthly")
    WEEKLY = "weekly", _("Weekly")
    AD_HOC = "ad_hoc", _("As needed")


class TaskTypes(models.TextChoices):
    """What a department's task asks of a community (dispatch uses them; the catalog says which
    fit which class of item, and the negative list may forbid one outright)."""

    WORK = "work", _("Work task")
    REPORT = "report", _("Report or ledger")
    SURVEY = "survey", _("Survey or statistics")
    INSPECTION = "inspection", _("Inspection")
    EVALUATION = "evaluation", _("Evaluation or campaign")
    PLAQUE = "plaque", _("Plaque")
    CERTIFICATE = "certificate", _("Certificate request")


# The task types each class of item admits (SPEC §4 "the item's class allows tasks"). A plaque
# task also needs the item to list the plaque among its requirements.
TASK_TYPES_BY_CLASS: dict[str, frozenset[str]] = {
    "statutory": frozenset({"work", "report", "survey", "inspection", "plaque"}),
    "delegated": frozenset({"work", "report", "survey", "inspection", "plaque"}),
    "certificate": frozenset({"certificate"}),
    "evaluation": frozenset({"evaluation"}),
}


class ItemStatuses(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


class RecordStatuses(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class LedgerMedia(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    BOTH = "both", _("Paper and electronic")


class Ledger(models.Model):
    """A ledger or report (台账) that an item requires a community to keep."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    medium = models.CharField(
        _("medium"), max_length=12, choices=LedgerMedia.choices, default=LedgerMedia.PAPER
    )
    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RecordStatuses.choices, default=RecordStatuses.ACTIVE
    )

    class Meta:
        verbose_name = _("ledger")
        verbose_name_plural = _("ledgers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Plaque(models.Model):
    """An organisational body whose plaque (牌子) a community must hang."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RecordStatuses.choices, default=RecordStatuses.ACTIVE
    )

    class Meta:
        verbose_name = _("plaque")
        verbose_name_plural = _("plaques")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CatalogItem(models.Model):
    """An admitted item (准入事项), as the office is editing it (the working copy)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    item_class = models.CharField(_("class"), max_length=12, choices=ItemClasses.choices)
    domain = models.CharField(_("domain"), max_length=20, choices=Domains.choices)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="catalog_items",
        verbose_name=_("owning department"),
    )
    community_duty = models.TextField(_("what the community does"), blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequencies.choices, default=Frequencies.ONGOING
    )
    ledgers = models.ManyToManyField(
        Ledger, blank=True, related_name="items", verbose_name=_("ledgers required")
    )
    plaques = models.ManyToManyField(
        Plaque, blank=True, related_name="items", verbose_name=_("plaques required")
    )
    estimated_hours = models.DecimalField(
        _("estimated hours per community per year"), max_digits=7, decimal_places=1, default=0
    )
    funding_per_community = models.DecimalField(
        _("funding per community per year (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatuses.choices, default=ItemStatuses.ACTIVE
    )
    application_ref = models.CharField(
        _("admitting application"),
        max_length=40,
        blank=True,
        help_text=_("Number of the application (审批表) that admitted the item."),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("catalog item")
        verbose_name_plural = _("catalog items")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["item_class", "status"], name="item_class_status_idx"),
            models.Index(fields=["domain"], name="item_domain_idx"),
            models.Index(fields=["department", "status"], name="item_department_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="item_valid_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_hours__gte=0), name="item_hours_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(funding_per_community__isnull=True)
                | models.Q(funding_per_community__gte=0),
                name="item_funding_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CatalogEdition(models.Model):
    """The catalog as published at a moment (目录版本). Numbered 1, 2, 3…; never changed."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    # A survey edition (调查) says what it counted: how many subdistricts and communities, from
    # when. Empty for an edition that is a catalog in force rather than a survey.
    surveyed_subdistricts = models.PositiveSmallIntegerField(
        _("subdistricts surveyed"), null=True, blank=True
    )
    surveyed_communities = models.PositiveSmallIntegerField(
        _("communities surveyed"), null=True, blank=True
    )
    surveyed_from = models.DateField(_("surveyed from"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("catalog edition")
        verbose_name_plural = _("catalog editions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def is_survey(self) -> bool:
        return self.surveyed_communities is not None


class EditionEntry(models.Model):
    """One item as it stood in one edition. Filterable columns are columns; the rest is `fields`."""

    edition = models.ForeignKey(
        CatalogEdition, on_delete=models.PROTECT, related_name="entries", verbose_name=_("edition")
    )
    item = models.ForeignKey(
        CatalogItem, on_delete=models.PROTECT, related_name="entries", verbose_name=_("item")
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    item_class = models.CharField(_("class"), max_length=12, choices=ItemClasses.choices)
    domain = models.CharField(_("domain"), max_length=20, choices=Domains.choices)
    department = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    status = models.CharField(_("status"), max_length=12, choices=ItemStatuses.choices)
    fields = models.JSONField(_("other fields"), default=dict)

    class Meta:
        verbose_name = _("edition entry")
        verbose_name_plural = _("edition entries")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="entry_one_per_code"),
        ]
        indexes = [
            models.Index(fields=["edition", "item_class", "status"], name="entry_class_idx"),
            models.Index(fields=["edition", "domain"], name="entry_domain_idx"),
            models.Index(fields=["edition", "department"], name="entry_department_idx"),
            models.Index(fields=["code", "edition"], name="entry_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} (#{self.edition_id})"


class NegativeListEntry(models.Model):
    """Work that may never be given to communities (负面清单), with the reason."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    reason = models.TextField(_("reason"))
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    blocked_task_type = models.CharField(
        _("forbidden task type"),
        max_length=12,
        choices=TaskTypes.choices,
        blank=True,
        help_text=_("Any task of this type is refused at the gate."),
    )
    blocked_item = models.ForeignKey(
        "CatalogItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forbidden item"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RecordStatuses.choices, default=RecordStatuses.ACTIVE
    )

    class Meta:
        verbose_name = _("negative list entry")
        verbose_name_plural = _("negative list")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CertificateVerdicts(models.TextChoices):
    MAY_ISSUE = "may_issue", _("A community may issue it")
    MAY_NOT_ISSUE = "may_not_issue", _("A community may not issue it")


class CertificateRule(models.Model):
    """A certificate a community may, or may not, issue (社区出具证明事项清单)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    verdict = models.CharField(_("verdict"), max_length=16, choices=CertificateVerdicts.choices)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    issued_by = models.CharField(
        _("issued instead by"),
        max_length=200,
        blank=True,
        help_text=_("For a certificate a community may not issue: the office that issues it."),
    )
    catalog_item = models.ForeignKey(
        CatalogItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate_rules",
        verbose_name=_("catalog item"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RecordStatuses.choices, default=RecordStatuses.ACTIVE
    )

    class Meta:
        verbose_name = _("certificate rule")
        verbose_name_plural = _("certificate lists")
        ordering = ["verdict", "code"]

    def __str__(self) -> str:
        return self.name


class ImportStatuses(models.TextChoices):
    READY = "ready", _("Ready to confirm")
    INVALID = "invalid", _("Has problems")
    APPLIED = "applied", _("Applied")
    CANCELLED = "cancelled", _("Cancelled")


class CatalogImport(models.Model):
    """An uploaded catalog file: checked in full first, applied only when the office confirms."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatuses.choices)
    rows = models.JSONField(_("rows"), default=list)
    problems = models.JSONField(_("problems"), default=list)
    summary = models.JSONField(_("summary"), default=dict)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("catalog import")
        verbose_name_plural = _("catalog imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
