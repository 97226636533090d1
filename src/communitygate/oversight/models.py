"""Supervision (督查): the register of violations, the supervision offices' inspections and their
findings, the plaques and ledgers each community actually has on its wall, district-wide
notices (全区通报) and the correction orders (限期改正) they issue. Every row is kept: a violation
is dismissed, a notice withdrawn or corrected by a later notice, a plaque taken down — never
deleted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.catalog.models import CatalogItem, Ledger, Plaque
from communitygate.core.idempotency import key_constraint
from communitygate.core.models import AttachedFile
from communitygate.orgs.models import Organisation

USER = settings.AUTH_USER_MODEL


class ViolationSources(models.TextChoices):
    UNADMITTED_TASK = "unadmitted_task", _("Unadmitted task")
    OFF_PLATFORM_REPORT = "off_platform_report", _("Off-platform assignment")
    INSPECTION_FINDING = "inspection_finding", _("Inspection finding")
    PAYMENT_OVERDUE = "payment_overdue", _("Delegated payment overdue")


class ViolationStates(models.TextChoices):
    OPEN = "open", pgettext_lazy("violation state", "Open")
    CONFIRMED = "confirmed", pgettext_lazy("violation state", "Confirmed")
    DISMISSED = "dismissed", pgettext_lazy("violation state", "Dismissed")
    CORRECTED = "corrected", pgettext_lazy("violation state", "Corrected")


class Severities(models.TextChoices):
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    GRAVE = "grave", _("Grave")


class RuleSources(models.TextChoices):
    """Where the rule a confirmed violation broke is written."""

    CATALOG = "catalog", _("The admission catalog")
    NEGATIVE_LIST = "negative_list", _("The negative list")
    ACCESS_SYSTEM = "access_system", _("The community work access system")


class Violation(models.Model):
    """A department's breach of the access system, on record from the moment its cause exists."""

    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
        help_text=_("Named when it is known; a violation is confirmed only against a department."),
    )
    source = models.CharField(_("source"), max_length=20, choices=ViolationSources.choices)
    task = models.OneToOneField(
        "dispatch.Task",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violation",
        verbose_name=_("task"),
    )
    report = models.OneToOneField(
        "dispatch.OffPlatformReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violation",
        verbose_name=_("off-platform report"),
    )
    finding = models.OneToOneField(
        "oversight.Finding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violation",
        verbose_name=_("inspection finding"),
    )
    community = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
        help_text=_("The community affected (a task's communities are its assignments)."),
    )
    summary = models.CharField(_("what happened"), max_length=300)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ViolationStates.choices, default=ViolationStates.OPEN
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severities.choices, blank=True)
    rule_source = models.CharField(
        _("rule from"), max_length=14, choices=RuleSources.choices, blank=True
    )
    rule_cited = models.CharField(_("rule broken"), max_length=300, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    occurred_on = models.DateField(_("occurred on"))
    created_at = models.DateTimeField(_("recorded at"))
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["department", "state"], name="violation_department_idx"),
            models.Index(fields=["state", "created_at"], name="violation_state_idx"),
            models.Index(fields=["source", "state"], name="violation_source_idx"),
            models.Index(fields=["occurred_on"], name="violation_occurred_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(source="unadmitted_task", task__isnull=False)
                    | models.Q(source="off_platform_report", report__isnull=False)
                    | models.Q(source="inspection_finding", finding__isnull=False)
                    | models.Q(source="payment_overdue")
                ),
                name="violation_names_its_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.summary}"


class InspectionStates(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("inspection state", "Planned")
    COMPLETED = "completed", pgettext_lazy("inspection state", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("inspection state", "Cancelled")


class Inspection(models.Model):
    """An inspection a supervision office plans: whom, when, and the checklist built from the
    catalog as published when it was planned."""

    office = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    departments = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("departments inspected")
    )
    communities = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("communities inspected")
    )
    checklist = models.JSONField(_("checklist"), default=list)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=InspectionStates.choices,
        default=InspectionStates.PLANNED,
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    planned_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    created_at = models.DateTimeField(_("planned at"))
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveIntegerField(_("revision"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            key_constraint("planned_by", name="inspection_once_per_idempotency_key"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="inspection_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FindingKinds(models.TextChoices):
    UNADMITTED_PLAQUE = "unadmitted_plaque", _("A plaque no admitted item requires")
    UNREQUIRED_LEDGER = "unrequired_ledger", _("A ledger no admitted item requires")
    OFF_PLATFORM_WORK = "off_platform_work", _("Work pushed outside the platform")
    DEPARTMENT_RANKING = (
        "department_ranking",
        _("A department's own check or ranking of communities"),
    )
    OTHER = "other", _("Other")


class Finding(models.Model):
    """What an inspection found, with photos and files. One naming a department is a violation
    from the moment it is recorded; one without becomes a violation when a department is named."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name=_("inspection")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKinds.choices)
    community = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    department = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    wall_record = models.ForeignKey(
        "oversight.WallRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("plaque or ledger"),
    )
    description = models.TextField(_("what was found"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "pk"]
        constraints = [key_constraint("recorded_by", name="finding_once_per_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.get_kind_display()}"


class FindingFile(AttachedFile):
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="files", verbose_name=_("finding")
    )

    class Meta:
        verbose_name = _("finding file")
        verbose_name_plural = _("finding files")


class WallKinds(models.TextChoices):
    PLAQUE = "plaque", _("Plaque")
    LEDGER = "ledger", _("Ledger")


class WallSources(models.TextChoices):
    CATALOG = "catalog", _("Filled from the catalog")
    COMMUNITY = "community", _("Recorded by the community")
    INSPECTION = "inspection", _("Recorded in an inspection")


class WallRecord(models.Model):
    """A plaque actually hung or a ledger actually kept in a community, linked to the catalog's
    plaque or ledger and the admitted item that requires it — or flagged as unadmitted (no item
    of the published catalog requires it). Taken down or given up: `removed_on`, never deleted."""

    community = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=6, choices=WallKinds.choices)
    name = models.CharField(_("name"), max_length=200)
    plaque = models.ForeignKey(
        Plaque,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catalog plaque"),
    )
    ledger = models.ForeignKey(
        Ledger,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catalog ledger"),
    )
    item = models.ForeignKey(
        CatalogItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("admitting item"),
    )
    admitted = models.BooleanField(_("admitted"))
    source = models.CharField(_("recorded from"), max_length=10, choices=WallSources.choices)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("plaque or ledger on the wall")
        verbose_name_plural = _("plaques and ledgers on the wall")
        ordering = ["community", "kind", "name"]
        indexes = [
            models.Index(fields=["community", "kind", "removed_on"], name="wall_community_idx"),
            models.Index(fields=["admitted", "kind"], name="wall_admitted_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind", "name"],
                condition=models.Q(removed_on__isnull=True),
                name="wall_one_current_per_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NoticeStates(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("notice state", "Draft")
    APPROVED = "approved", pgettext_lazy("notice state", "Approved")
    PUBLISHED = "published", pgettext_lazy("notice state", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("notice state", "Withdrawn")


class Notice(models.Model):
    """A district-wide notice (全区通报): drafted by an inspector from confirmed violations,
    approved by the head of a supervision office (never the drafter), numbered when published
    (市北督通〔2026〕3号) and never changed after; a correction is a new notice that `corrects` it."""

    title = models.CharField(_("title"), max_length=200)
    facts = models.TextField(_("facts"))
    rule_broken = models.TextField(_("rule broken"))
    correction_required = models.TextField(_("correction required"))
    correction_workdays = models.PositiveSmallIntegerField(_("working days to correct"), default=10)
    office = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    violations = models.ManyToManyField(
        Violation, blank=True, related_name="notices", verbose_name=_("violations")
    )
    departments = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("departments named")
    )
    overdue_orders = models.ManyToManyField(
        "oversight.CorrectionOrder",
        blank=True,
        related_name="named_again_in",
        verbose_name=_("overdue orders named again"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects notice"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeStates.choices, default=NoticeStates.DRAFT
    )
    drafted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    approved_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("number in the year"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("drafted at"))
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveIntegerField(_("revision"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("district-wide notice")
        verbose_name_plural = _("district-wide notices")
        ordering = ["-published_at", "-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "published_at"], name="notice_state_idx")]
        constraints = [
            key_constraint("drafted_by", name="notice_once_per_idempotency_key"),
            models.UniqueConstraint(fields=["year", "sequence"], name="notice_number_once"),
            models.CheckConstraint(
                condition=models.Q(state="published", number__isnull=False)
                | (~models.Q(state="published") & models.Q(number__isnull=True)),
                name="notice_numbered_when_published",
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.title


class OrderStates(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("correction order state", "Issued")
    ANSWERED = "answered", pgettext_lazy("correction order state", "Answered")
    RETURNED = "returned", pgettext_lazy("correction order state", "Returned")
    OVERDUE = "overdue", pgettext_lazy("correction order state", "Overdue")
    ACCEPTED = "accepted", pgettext_lazy("correction order state", "Accepted")


class CorrectionOrder(models.Model):
    """限期改正: one per department named in a published notice, due in working days."""

    notice = models.ForeignKey(
        Notice, on_delete=models.PROTECT, related_name="orders", verbose_name=_("notice")
    )
    department = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    violations = models.ManyToManyField(
        Violation, blank=True, related_name="orders", verbose_name=_("violations")
    )
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    state = models.CharField(
        _("state"), max_length=10, choices=OrderStates.choices, default=OrderStates.ISSUED
    )
    response = models.TextField(_("correction report"), blank=True)
    responded_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    first_answered_on = models.DateField(_("first answered on"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    decided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    accepted_on_time = models.BooleanField(_("corrected on time"), null=True, blank=True)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("correction order")
        verbose_name_plural = _("correction orders")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["department", "state"], name="order_department_idx"),
            models.Index(fields=["state", "due_on"], name="order_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "department"], name="order_one_per_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.department_id}"


class OrderEvidence(AttachedFile):
    order = models.ForeignKey(
        CorrectionOrder, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("order")
    )

    class Meta:
        verbose_name = _("correction evidence")
        verbose_name_plural = _("correction evidence")
