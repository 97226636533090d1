"""Memberships tie a person (Django's user) to an organisation with a role; one person may hold
several. API tokens let programs act for a person; only a hash of each token is stored.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from communitygate.orgs.models import Organisation, OrganisationKinds


class Roles(models.TextChoices):
    MEMBER = "member", _("Committee member")
    OFFICER = "officer", _("Officer")
    ADMIN = "admin", _("Administrator")
    CLERK = "clerk", _("Clerk")
    HEAD = "head", _("Head")
    SECRETARY = "secretary", _("Community secretary")
    WORKER = "worker", _("Community worker")
    INSPECTOR = "inspector", _("Inspector")
    AUDITOR = "auditor", _("Auditor")
    STAFF = "staff", _("Staff")


# SPEC §2: which roles exist in which kind of organisation.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKinds.COMMITTEE: frozenset({Roles.MEMBER}),
    OrganisationKinds.COMMITTEE_OFFICE: frozenset({Roles.OFFICER, Roles.ADMIN}),
    OrganisationKinds.DEPARTMENT: frozenset({Roles.CLERK, Roles.HEAD}),
    OrganisationKinds.SUBDISTRICT: frozenset({Roles.OFFICER}),
    OrganisationKinds.COMMUNITY: frozenset({Roles.SECRETARY, Roles.WORKER}),
    OrganisationKinds.SUPERVISION_OFFICE: frozenset({Roles.INSPECTOR, Roles.HEAD}),
    OrganisationKinds.AUDIT_BUREAU: frozenset({Roles.AUDITOR}),
    OrganisationKinds.SOCIAL_ORG: frozenset({Roles.STAFF}),
    OrganisationKinds.DISTRICT: frozenset(),
}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Roles.choices)
    active_from = models.DateField(_("active from"))
    active_to = models.DateField(
        _("ended on"),
        null=True,
        blank=True,
        help_text=_("The first day without the role."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["organisation", "role"], name="membership_org_role_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(active_to__isnull=True),
                name="membership_one_open_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.active_from <= day and (self.active_to is None or day < self.active_to)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class Notification(models.Model):
    """An in-app message to a person who must act (consultation opened, vote due, returned,
    decided). Written by background tasks; read on /notifications/."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    text_zh = models.CharField(_("text (Chinese)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300)
    link = models.CharField(_("link"), max_length=200, blank=True)
    key = models.CharField(
        _("key"),
        max_length=120,
        help_text=_("What it is about; one notification per key and person."),
    )
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]

    def __str__(self) -> str:
        return self.text_zh
