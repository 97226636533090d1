"""Certificates as a community issues them (证明开具登记).

Each request for a certificate is one row: a certificate on the list a community may issue
(`catalog.CertificateRule`, verdict may_issue) is issued to a resident of the registry for a
purpose, on a day, under the community's number for the year (社区代码-2026-证-0001, no gaps); a
certificate on the list it may not issue is turned away — the row records the request, and the
answer names the list's reason and the office that issues it instead. Both are counted: what a
community still stamps, and what it no longer does, are the burden the reform set out to cut.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from communitygate.catalog.models import CertificateRule
from communitygate.registry.models import USER, Resident, community_key


class CertificateOutcomes(models.TextChoices):
    ISSUED = "issued", _("Issued")
    TURNED_AWAY = "turned_away", _("Turned away")


class CertificateRequest(models.Model):
    community = community_key("certificate_requests")
    rule = models.ForeignKey(
        CertificateRule,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("certificate"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=CertificateOutcomes.choices)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate_requests",
        verbose_name=_("resident"),
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    requested_on = models.DateField(_("date"))
    # The community's number for the year, issued certificates only: unique, without gaps.
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the year"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("certificate request")
        verbose_name_plural = _("certificate requests")
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="certificate_number_once",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(outcome="issued", sequence__isnull=False, resident__isnull=False)
                    | models.Q(outcome="turned_away", sequence__isnull=True)
                ),
                name="certificate_issued_has_number_and_resident",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "year", "outcome"], name="certificate_count_idx"),
        ]

    def __str__(self) -> str:
        return self.number or self.rule.name
