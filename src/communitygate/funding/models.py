"""The money trail (谁委托谁出钱): payments (拨付) a paying department makes under a funding
commitment to a community (or a social organisation), the receipt the community confirms (到账)
or disputes, and the marker of each share found overdue. Balances are never stored: they are
computed from these rows and the commitments (funding.selectors). Commitments themselves live in
admissions (admissions.models.FundingCommitment: an approval creates one, the gate reads them);
a commitment shared by a fixed list keeps its list here (CommitmentShare)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.admissions.models import FundingCommitment
from communitygate.core.idempotency import key_constraint
from communitygate.orgs.models import Organisation

USER = settings.AUTH_USER_MODEL


class PaymentStates(models.TextChoices):
    RECORDED = "recorded", pgettext_lazy("payment state", "Recorded")
    CONFIRMED = "confirmed", pgettext_lazy("payment state", "Receipt confirmed")
    DISPUTED = "disputed", pgettext_lazy("payment state", "Disputed")


class Payment(models.Model):
    """One payment by the commitment's payer to a community or social organisation, settling a
    period of the commitment. Append-only money: a wrong payment is disputed, never edited."""

    commitment = models.ForeignKey(
        FundingCommitment,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("funding commitment"),
    )
    payer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("payer")
    )
    community = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("paid to"),
        help_text=_("A community, or a social organisation delivering the work."),
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    voucher_number = models.CharField(_("voucher number"), max_length=64)
    period_start = models.DateField(_("settles from"))
    period_end = models.DateField(_("settles to"))
    beyond_share = models.BooleanField(
        _("beyond the share"),
        default=False,
        help_text=_("Recorded knowingly beyond the commitment's share for the period."),
    )
    note = models.TextField(_("payer's note"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=PaymentStates.choices, default=PaymentStates.RECORDED
    )
    dispute_reason = models.TextField(_("dispute reason"), blank=True)
    answer = models.TextField(
        _("payer's answer"),
        blank=True,
        help_text=_("The payer's answer to the latest dispute (the receipt is asked again)."),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    decided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed or disputed by"),
    )
    decided_at = models.DateTimeField(_("confirmed or disputed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"))
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveIntegerField(_("revision"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        indexes = [
            models.Index(fields=["commitment", "community"], name="payment_share_idx"),
            models.Index(fields=["community", "state"], name="payment_payee_idx"),
            # The auditor's disputed receipts (auditing.anomalies): few rows among many.
            models.Index(
                fields=["decided_at"],
                condition=models.Q(state="disputed"),
                name="payment_disputed_idx",
            ),
        ]
        constraints = [
            key_constraint("recorded_by", name="payment_once_per_idempotency_key"),
            models.UniqueConstraint(
                fields=["payer", "voucher_number"], name="payment_voucher_unique_per_payer"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="payment_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_number} ¥{self.amount}"


class OverdueShare(models.Model):
    """A community's share of a commitment for one period, found unpaid when its deadline
    passed: the marker that makes the `payment_overdue` violation happen exactly once."""

    commitment = models.ForeignKey(
        FundingCommitment,
        on_delete=models.PROTECT,
        related_name="overdue_shares",
        verbose_name=_("funding commitment"),
    )
    community = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"))
    share = models.DecimalField(_("share (yuan)"), max_digits=14, decimal_places=2)
    paid = models.DecimalField(_("paid when found (yuan)"), max_digits=14, decimal_places=2)
    found_at = models.DateTimeField(_("found at"))

    class Meta:
        verbose_name = _("overdue share")
        verbose_name_plural = _("overdue shares")
        ordering = ["-due_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "community", "period_start"],
                name="overdue_share_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.community_id} {self.period_start}"


class CommitmentShare(models.Model):
    """One community's amount per year under a commitment shared by a fixed list (固定分配):
    the list's amounts add up to the commitment's yearly total (funding.services checks it)."""

    commitment = models.ForeignKey(
        FundingCommitment,
        on_delete=models.PROTECT,
        related_name="fixed_shares",
        verbose_name=_("funding commitment"),
    )
    community = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    amount = models.DecimalField(_("amount per year (yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("fixed share")
        verbose_name_plural = _("fixed shares")
        ordering = ["commitment", "community__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "community"], name="commitment_share_once"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="commitment_share_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.community_id} ¥{self.amount}"
