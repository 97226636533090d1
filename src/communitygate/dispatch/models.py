"""Tasks and their assignments. The gate's verdict is decided once, when the task is sent, and
stored with it (`admitted`, `reasons`); every targeted community gets one assignment carrying
the same verdict. Off-platform reports record work pushed outside the platform."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from communitygate.catalog.models import CatalogItem, TaskTypes
from communitygate.core.idempotency import key_constraint
from communitygate.core.models import AttachedFile
from communitygate.orgs.models import Organisation


class Deliverables(models.TextChoices):
    FILE = "file", _("A file")
    FORM = "form", _("A short form")
    LEDGER_ENTRY = "ledger_entry", _("A ledger entry")


class TargetModes(models.TextChoices):
    ALL = "all", _("All communities in the item's scope")
    SUBDISTRICTS = "subdistricts", _("Chosen subdistricts")
    COMMUNITIES = "communities", _("Chosen communities")


class Task(models.Model):
    department = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("department")
    )
    item = models.ForeignKey(
        CatalogItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("catalog item"),
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    task_type = models.CharField(_("task type"), max_length=12, choices=TaskTypes.choices)
    deliverable = models.CharField(
        _("deliverable"), max_length=14, choices=Deliverables.choices, default=Deliverables.FORM
    )
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"))
    target_mode = models.CharField(_("targets"), max_length=14, choices=TargetModes.choices)
    target_codes = models.JSONField(_("target codes"), default=list, blank=True)
    admitted = models.BooleanField(_("admitted"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("sent at"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["department", "created_at"], name="task_department_idx"),
            models.Index(fields=["admitted", "department"], name="task_admitted_idx"),
            # The burden dashboard's period filter (insights.received).
            models.Index(fields=["created_at"], name="task_created_idx"),
        ]
        constraints = [
            key_constraint("created_by", name="task_once_per_idempotency_key"),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")), name="task_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AssignmentStates(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    SUBMITTED = "submitted", _("Deliverable submitted")
    RETURNED = "returned", _("Returned by the department")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


class ExtensionStates(models.TextChoices):
    NONE = "", _("None")
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    DECLINED = "declined", _("Declined")


class Assignment(models.Model):
    """One community's copy of a task, with its own state."""

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("task")
    )
    community = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("community"),
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=AssignmentStates.choices,
        default=AssignmentStates.RECEIVED,
    )
    admitted = models.BooleanField(_("admitted"))
    due_on = models.DateField(_("due on"))
    deliverable_text = models.TextField(_("deliverable"), blank=True)
    deliverable_file = models.FileField(
        _("deliverable file"), upload_to="deliverables/%Y/%m/", blank=True
    )
    department_comment = models.TextField(_("department's comment"), blank=True)
    refusal_comment = models.TextField(_("refusal comment"), blank=True)
    extension_state = models.CharField(
        _("extension"),
        max_length=10,
        choices=ExtensionStates.choices,
        default=ExtensionStates.NONE,
        blank=True,
    )
    extension_until = models.DateField(_("extension until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for more time"), blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "community"], name="assignment_one_per_community"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "state"], name="assignment_inbox_idx"),
            models.Index(fields=["community", "admitted", "due_on"], name="assignment_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.community_id}"


class Channels(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT_GROUP = "chat_group", _("Chat group")
    PAPER = "paper", _("Paper")
    MEETING = "meeting", _("Meeting")


class OffPlatformReport(models.Model):
    """Work pushed at a community outside the platform (电话、工作群、纸质通知、会议), with evidence."""

    community = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="off_platform_reports",
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
    pushed_by = models.CharField(_("who asked"), max_length=100)
    channel = models.CharField(_("channel"), max_length=12, choices=Channels.choices)
    occurred_on = models.DateField(_("when"))
    what_was_asked = models.TextField(_("what was asked"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("off-platform assignment report")
        verbose_name_plural = _("off-platform assignment reports")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["department", "reported_at"], name="offplatform_department_idx"),
            # The burden dashboard's period filter (insights.received).
            models.Index(fields=["occurred_on", "community"], name="offplatform_occurred_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.occurred_on}"


class Evidence(AttachedFile):
    report = models.ForeignKey(
        OffPlatformReport,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("report"),
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
