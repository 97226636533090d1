"""Activities and programmes (活动与课程): one-off activities, programmes with sessions,
enrolments (from staff, the API or the public sign-up; phone sealed) and attendance.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from communitygate.core.crypto import SealedTextField
from communitygate.core.idempotency import key_constraint
from communitygate.core.phones import PHONE_KIND
from communitygate.registry.models import USER, community_key


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
