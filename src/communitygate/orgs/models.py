"""Organisations (组织机构). A tree keyed by code: the administrative division code where one exists
(370203 for Shibei District, 370203031 for 洛阳路街道), a stable local code otherwise.

`path` holds the codes from the root down ("370203/370203031/370203031001"), so "everything
under this subdistrict" is one indexed prefix query at any depth and any scale.
"""

import datetime as dt

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKinds(models.TextChoices):
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    COMMUNITY = "community", _("Community (residents' committee)")
    COMMITTEE = "committee", _("Community Building Guidance Committee")
    COMMITTEE_OFFICE = "committee_office", _("Committee office")
    DEPARTMENT = "department", _("Department")
    SUPERVISION_OFFICE = "supervision_office", _("Supervision office")
    AUDIT_BUREAU = "audit_bureau", _("Audit bureau")
    SOCIAL_ORG = "social_org", _("Social organisation")


class Organisation(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKinds.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(_("path"), max_length=400, editable=False)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo data whose name has not been verified against official records."),
    )
    # A community's staff (社区工作人员), its capacity for the burden forecast; empty: the
    # district's default (settings COMMUNITYGATE["COMMUNITY_STAFF_DEFAULT"]).
    staff_count = models.PositiveSmallIntegerField(
        _("staff count"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("A community's staff; empty: the district's default."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["kind", "code"], name="org_kind_code_idx"),
            models.Index(fields=["path"], name="org_path_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True)
                | models.Q(active_from__isnull=True)
                | models.Q(active_to__gte=models.F("active_from")),
                name="org_active_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(staff_count__isnull=True) | models.Q(staff_count__gte=1),
                name="org_staff_count_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: dt.date) -> bool:
        started = self.active_from is None or self.active_from <= day
        not_ended = self.active_to is None or day <= self.active_to
        return started and not_ended
