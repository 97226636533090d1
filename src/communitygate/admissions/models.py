"""Applications to put new work on communities (申请社区办理事项审批表), the review rounds that
process them each January and July, the consultation ballots, and funding commitments.

Consulted bodies are fixed when the consultation opens: one `Ballot` row per body, its vote
empty until the body votes. The pass rate is approvals ÷ consulted bodies, so an empty ballot
counts as not approving, exactly like an abstention.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.catalog.models import (
    CatalogItem,
    Domains,
    Frequencies,
    ItemClasses,
    Ledger,
    Plaque,
)
from communitygate.core.idempotency import key_constraint
from communitygate.core.models import AttachedFile
from communitygate.orgs.models import Organisation


class RoundStatuses(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONSULTING = "consulting", _("Consultation open")
    REVIEWING = "reviewing", _("Consultation closed, under review")
    DECIDED = "decided", _("Decided and published")


class ReviewRound(models.Model):
    """One batch of applications (审批批次): January or July of a year."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"), choices=[(1, _("January")), (7, _("July"))]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatuses.choices, default=RoundStatuses.PLANNED
    )
    consultation_opened_at = models.DateTimeField(
        _("consultation opened at"), null=True, blank=True
    )
    consultation_deadline = models.DateTimeField(_("consultation deadline"), null=True, blank=True)
    consultation_closed_at = models.DateTimeField(
        _("consultation closed at"), null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # An early close (before the deadline) says so, with the office's reason if it gave one; both
    # are shown on the round and on every decision of the round (issue 15).
    closed_early = models.BooleanField(_("consultation closed early"), default=False)
    early_close_reason = models.TextField(_("reason for closing early"), blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="round_one_per_month"),
            models.CheckConstraint(condition=models.Q(month__in=[1, 7]), name="round_jan_or_jul"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"


class ApplicationStatuses(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for its round")
    CONSULTING = "consulting", _("In consultation")
    IN_REVIEW = "in_review", _("Under the office's review")
    AT_COMMITTEE = "at_committee", _("Forwarded to the committee")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REDIRECTED = "redirected", _("Redirected to purchase of services")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    number = models.CharField(_("number"), max_length=24, unique=True)
    applicant = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant department"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    item_name = models.CharField(_("item name"), max_length=200)
    item_class = models.CharField(_("class"), max_length=12, choices=ItemClasses.choices)
    domain = models.CharField(_("domain"), max_length=20, choices=Domains.choices)
    legal_basis = models.TextField(_("legal basis"))
    necessity = models.TextField(_("necessity"))
    community_duty = models.TextField(_("what communities must do"))
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequencies.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    targets_all = models.BooleanField(_("all communities"), default=True)
    target_communities = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("target communities")
    )
    estimated_hours = models.DecimalField(
        _("estimated hours per community"), max_digits=7, decimal_places=1
    )
    # Before ledgers were chosen from the records, they were typed here; kept, read-only, so an
    # old application still shows what it asked for (migration 0006 linked the names it could).
    ledgers_required = models.TextField(
        _("ledgers and forms required (as typed before they were chosen)"), blank=True
    )
    ledgers = models.ManyToManyField(
        Ledger, blank=True, related_name="applications", verbose_name=_("ledgers required")
    )
    plaques = models.ManyToManyField(
        Plaque, blank=True, related_name="applications", verbose_name=_("plaques required")
    )
    new_ledger_names = models.JSONField(
        _("new ledgers asked for (created if admitted)"), default=list, blank=True
    )
    new_plaque_names = models.JSONField(
        _("new plaques asked for (created if admitted)"), default=list, blank=True
    )
    funding_per_community = models.DecimalField(
        _("funding offered per community per year (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    support_offered = models.TextField(_("support and training offered"), blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    urgent_reason = models.TextField(_("reason for urgency"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=ApplicationStatuses.choices,
        default=ApplicationStatuses.DRAFT,
    )
    review_round = models.ForeignKey(
        ReviewRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("review round"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    office_opinion = models.TextField(_("office opinion"), blank=True)
    proposed_social_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed social organisation"),
    )
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    catalog_item = models.ForeignKey(
        CatalogItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("admitted catalog item"),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created at"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            key_constraint("created_by", name="application_once_per_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["applicant", "status"], name="application_applicant_idx"),
            models.Index(fields=["review_round", "status"], name="application_round_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item_name}"


class Votes(models.TextChoices):
    # 同意 / 不同意 / 弃权 wherever a vote is shown (the office's "Reject" is 不予准入).
    APPROVE = "approve", pgettext_lazy("vote", "Approve")
    REJECT = "reject", pgettext_lazy("vote", "Reject")
    ABSTAIN = "abstain", pgettext_lazy("vote", "Abstain")


class Ballot(models.Model):
    """One consulted body's vote on one application; empty until it votes."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("application")
    )
    body = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="ballots",
        verbose_name=_("consulted body"),
    )
    vote = models.CharField(_("vote"), max_length=8, choices=Votes.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cast by"),
    )
    cast_at = models.DateTimeField(_("cast at"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("consultation ballot")
        verbose_name_plural = _("consultation ballots")
        constraints = [
            models.UniqueConstraint(fields=["application", "body"], name="ballot_one_per_body"),
        ]
        indexes = [models.Index(fields=["body", "vote"], name="ballot_body_idx")]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.body_id} · {self.vote or '-'}"


class CommitteeMeeting(models.Model):
    """The committee meeting that decided one application (委员会审议): its date, how many
    members the committee had that day, who was present and how each voted (`MemberVote`). The
    outcome is computed by `committee.meeting_result`, never typed. Decisions taken before
    meetings were recorded (migration 0010) have no meeting row: they read as "recorded before
    committee meetings were kept"."""

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="committee_meeting",
        verbose_name=_("application"),
    )
    held_on = models.DateField(_("meeting date"))
    members = models.PositiveSmallIntegerField(_("committee members on the day"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")

    def __str__(self) -> str:
        return f"{self.application_id} · {self.held_on}"


class MemberVote(models.Model):
    """One member present at a committee meeting and the member's vote (同意/不同意/弃权).
    Recorded for the office and the audit; the public decision shows only the counts."""

    meeting = models.ForeignKey(
        CommitteeMeeting, on_delete=models.PROTECT, related_name="votes", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("committee member"),
    )
    vote = models.CharField(_("vote"), max_length=8, choices=Votes.choices)

    class Meta:
        verbose_name = _("committee member's vote")
        verbose_name_plural = _("committee members' votes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="member_votes_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.member_id} · {self.vote}"


class CommitmentBases(models.TextChoices):
    """How a commitment's money is shared among the communities (分配方式)."""

    EQUAL = "equal", _("Equal shares")
    HOUSEHOLDS = "households", _("By households")
    TASKS = "tasks", _("By the tasks assigned")
    FIXED = "fixed", _("A fixed list")


class FundingCommitment(models.Model):
    """Who delegates pays (谁委托谁出钱): a payer's commitment to fund a delegated item for a
    period, recorded with the approval (or by the office or the payer, funding.services). The
    gate admits a delegated task only inside a committed period. A renewal is a new row
    (`renews` the old one); ending one early records `ended_on` and never rewrites
    `period_end`: every reader uses `effective_end`, the earlier of the two."""

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_commitment",
        verbose_name=_("application"),
    )
    catalog_item = models.ForeignKey(
        CatalogItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_commitments",
        verbose_name=_("catalog item"),
    )
    payer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("payer")
    )
    amount_per_community_per_year = models.DecimalField(
        _("amount per community per year (yuan)"), max_digits=12, decimal_places=2
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    budget_line = models.CharField(
        _("budget line"),
        max_length=200,
        blank=True,
        help_text=_("预算科目: required for every commitment recorded since issue 11."),
    )
    basis = models.CharField(
        _("allocation basis"),
        max_length=10,
        choices=CommitmentBases.choices,
        default=CommitmentBases.EQUAL,
    )
    renews = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("renews"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ending recorded at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.TextField(_("reason for ending"), blank=True)
    lapse_notified_at = models.DateTimeField(_("lapse notice sent at"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("funding commitment")
        verbose_name_plural = _("funding commitments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_per_community_per_year__gt=0), name="commitment_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="commitment_ends_after_start",
            ),
            key_constraint("recorded_by", name="commitment_once_per_idempotency_key"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} ¥{self.amount_per_community_per_year}"

    @property
    def effective_end(self) -> dt.date | None:
        """The last day funded: the period's end, or the day it was ended if earlier (None:
        open-ended and not ended)."""
        ends = [day for day in (self.period_end, self.ended_on) if day is not None]
        return min(ends) if ends else None


class ApplicationAttachment(AttachedFile):
    """A document attached to an application (PDF, image or office document). Files are served
    only through the application's access check, never from a public URL."""

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("application"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]
