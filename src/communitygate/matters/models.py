"""Residents' matters (民情事项): categories with their answer-by working days, matters
received by staff or filed by the public (tracking code, sealed phone) and their photos.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.core.crypto import SealedTextField
from communitygate.core.idempotency import key_constraint
from communitygate.core.models import AttachedFile
from communitygate.core.phones import PHONE_KIND
from communitygate.registry.models import USER, Resident, community_key

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


class MatterPhoto(AttachedFile):
    matter = models.ForeignKey(
        Matter, on_delete=models.PROTECT, related_name="photos", verbose_name=_("matter")
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class MatterStepKinds(models.TextChoices):
    RECEIVE = "receive", pgettext_lazy("matter step", "Received")
    ASSIGN = "assign", pgettext_lazy("matter step", "Assigned")
    ANSWER = "answer", pgettext_lazy("matter step", "Answered")
    CLOSE = "close", pgettext_lazy("matter step", "Closed")
    REOPEN = "reopen", pgettext_lazy("matter step", "Reopened")
    RATE = "rate", pgettext_lazy("matter step", "Rated by the resident")
    ESCALATE = "escalate", pgettext_lazy("matter step", "Escalated to the subdistrict")
    RECOUNT = "recount_answer_by", pgettext_lazy("matter step", "Answer-by date recounted")


class MatterStep(models.Model):
    """One step in a matter's life (办理记录), as the community and the subdistrict read it on the
    matter's page. Written in the same transaction as the step (and its audit event): the matter's
    history comes from its own records, and the audit log stays the audit bureau's."""

    matter = models.ForeignKey(
        Matter, on_delete=models.PROTECT, related_name="steps", verbose_name=_("matter")
    )
    kind = models.CharField(_("step"), max_length=20, choices=MatterStepKinds.choices)
    status = models.CharField(_("status after"), max_length=12, choices=MatterStatuses.choices)
    actor = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("matter step")
        verbose_name_plural = _("matter steps")
        ordering = ["taken_at", "pk"]
        indexes = [models.Index(fields=["matter", "taken_at"], name="matter_step_matter_idx")]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.kind}"


# Walk-in reception (来访登记) ------------------------------------------------------------------


class ReceptionOutcomes(models.TextChoices):
    HANDLED = "handled", _("Handled on the spot")
    MATTER = "matter", _("Turned into a matter")


class Reception(models.Model):
    """A resident who walked into the community office (来访登记): who came, what about, and
    whether it was handled there and then or became a resident matter. Kept apart from home
    visits (入户走访, registry.Visit), which the staff plan and make at the household."""

    community = community_key("receptions")
    received_on = models.DateField(_("day"), help_text=_("The day in Beijing time, for counts."))
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receptions",
        verbose_name=_("resident"),
    )
    visitor_name = models.CharField(_("visitor"), max_length=50)
    phone_ciphertext = SealedTextField(_("phone (encrypted)"), blank=True, kind=PHONE_KIND)
    phone_digest = models.CharField(_("phone digest"), max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    category = models.ForeignKey(
        MatterCategory,
        on_delete=models.PROTECT,
        related_name="receptions",
        verbose_name=_("category"),
    )
    summary = models.CharField(_("what about"), max_length=200, blank=True)
    outcome = models.CharField(
        pgettext_lazy("reception", "outcome"), max_length=10, choices=ReceptionOutcomes.choices
    )
    matter = models.OneToOneField(
        Matter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reception",
        verbose_name=_("matter"),
    )
    # The API's Idempotency-Key (core.idempotency): the page's form has its one-time token.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("walk-in reception")
        verbose_name_plural = _("walk-in receptions")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["community", "received_on"], name="reception_day_idx")]
        constraints = [key_constraint("received_by", name="reception_once_per_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.visitor_name} {self.received_on}"
