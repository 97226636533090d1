"""Purchase of services (政府购买服务): a contract between a buyer (a department or a subdistrict)
and a social organisation for work that is not the communities' to do — the deliverables the
organisation hands in, the instalments the buyer pays, the acceptance (验收) with its evaluation,
and the refused community work a department redirects to a contract it holds. Money is Decimal
yuan; instalments are append-only (a wrong one is answered by the receipt, never edited)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.admissions.models import Application
from communitygate.catalog.models import CatalogItem
from communitygate.core.idempotency import key_constraint
from communitygate.core.models import AttachedFile
from communitygate.dispatch.models import Assignment
from communitygate.orgs.models import Organisation

USER = settings.AUTH_USER_MODEL


class ContractStates(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("contract state", "Draft")
    SIGNED = "signed", pgettext_lazy("contract state", "Signed, in force")
    ACCEPTED = "accepted", pgettext_lazy("contract state", "Accepted")
    TERMINATED = "terminated", pgettext_lazy("contract state", "Terminated")


class Grades(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class Contract(models.Model):
    """One purchase-of-services contract: who buys (a department or a subdistrict), from which
    social organisation, what (catalog items, or the redirected application it answers), for
    which communities, for how much and for which period."""

    number = models.CharField(
        _("contract number"),
        max_length=64,
        help_text=_("The buyer's own number for the contract, unique among its contracts."),
    )
    title = models.CharField(_("title"), max_length=200)
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer")
    )
    social_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("social organisation"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("redirected application"),
    )
    catalog_items = models.ManyToManyField(
        CatalogItem, blank=True, related_name="+", verbose_name=_("catalog items")
    )
    communities = models.ManyToManyField(
        Organisation, related_name="+", verbose_name=_("communities served")
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    scope = models.TextField(_("services to deliver"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ContractStates.choices, default=ContractStates.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluated by"),
    )
    evaluation_grade = models.CharField(
        _("evaluation"), max_length=10, choices=Grades.choices, blank=True
    )
    evaluation = models.TextField(_("evaluation remarks"), blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("drafted at"))
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveIntegerField(_("revision"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-period_start", "-pk"]
        indexes = [
            models.Index(fields=["buyer", "state"], name="contract_buyer_idx"),
            models.Index(fields=["social_org", "state"], name="contract_social_org_idx"),
        ]
        constraints = [
            key_constraint("created_by", name="contract_once_per_idempotency_key"),
            models.UniqueConstraint(
                fields=["buyer", "number"], name="contract_number_unique_per_buyer"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(application__isnull=False) & ~Q(state="terminated"),
                name="contract_one_live_per_application",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="contract_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class DeliverableStates(models.TextChoices):
    DUE = "due", pgettext_lazy("deliverable state", "Due")
    SUBMITTED = "submitted", pgettext_lazy("deliverable state", "Submitted")


class ContractDeliverable(models.Model):
    """What the social organisation hands in by a date (a report, a register, a record of
    visits): the acceptance looks at them all."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="deliverables", verbose_name=_("contract")
    )
    title = models.CharField(_("deliverable"), max_length=200)
    due_on = models.DateField(_("due on"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=DeliverableStates.choices,
        default=DeliverableStates.DUE,
    )
    note = models.TextField(_("social organisation's note"), blank=True)
    submitted_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("contract deliverable")
        verbose_name_plural = _("contract deliverables")
        ordering = ["contract", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class DeliverableFile(AttachedFile):
    deliverable = models.ForeignKey(
        ContractDeliverable,
        on_delete=models.PROTECT,
        related_name="files",
        verbose_name=_("deliverable"),
    )
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("deliverable file")
        verbose_name_plural = _("deliverable files")
        ordering = ["deliverable", "pk"]


class InstalmentStates(models.TextChoices):
    RECORDED = "recorded", pgettext_lazy("instalment state", "Recorded")
    CONFIRMED = "confirmed", pgettext_lazy("instalment state", "Receipt confirmed")


class ContractInstalment(models.Model):
    """One payment by the buyer under a contract; the social organisation confirms its receipt.
    Append-only: never edited or deleted."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="instalments", verbose_name=_("contract")
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer")
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    voucher_number = models.CharField(_("voucher number"), max_length=64)
    beyond_amount = models.BooleanField(
        _("beyond the contract amount"),
        default=False,
        help_text=_("Recorded knowingly beyond what the contract leaves unpaid."),
    )
    note = models.TextField(_("buyer's note"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=InstalmentStates.choices,
        default=InstalmentStates.RECORDED,
    )
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    confirmed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receipt confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"))
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveIntegerField(_("revision"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("contract instalment")
        verbose_name_plural = _("contract instalments")
        ordering = ["contract", "paid_on", "pk"]
        constraints = [
            key_constraint("recorded_by", name="instalment_once_per_idempotency_key"),
            models.UniqueConstraint(
                fields=["buyer", "voucher_number"], name="instalment_voucher_unique_per_buyer"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_number} ¥{self.amount}"


class RedirectedWork(models.Model):
    """A community's refused assignment that the sending department hands to a social
    organisation under one of its signed contracts (转由购买服务承接): once per assignment."""

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("refused assignment"),
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="redirected_work",
        verbose_name=_("contract"),
    )
    note = models.TextField(_("note to the social organisation"), blank=True)
    redirected_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("redirected by")
    )
    redirected_at = models.DateTimeField(_("redirected at"))

    class Meta:
        verbose_name = _("redirected work")
        verbose_name_plural = _("redirected work")
        ordering = ["-redirected_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.assignment_id} → {self.contract_id}"
