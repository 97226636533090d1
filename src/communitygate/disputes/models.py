"""Dispute mediation (矛盾纠纷调解): a dispute, its parties (a registered resident or a
named outsider, phone sealed) and its mediation sessions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.core.crypto import SealedTextField
from communitygate.core.phones import PHONE_KIND
from communitygate.matters.models import Matter
from communitygate.registry.models import USER, Resident, community_key

# Dispute mediation (矛盾纠纷调解) ----------------------------------------------------------------


class DisputeKinds(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Neighbours")
    FAMILY = "family", _("Family and marriage")
    PROPERTY = "property", _("Property management")
    TENANCY = "tenancy", _("Tenancy")
    LABOUR = "labour", _("Labour and wages")
    DEBT = "debt", _("Debt")
    OTHER = "other", _("Other")


class DisputeOutcomes(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement reached")
    FAILED = "failed", _("Mediation failed")
    REFERRED = "referred", _("Referred elsewhere")


class Dispute(models.Model):
    community = community_key("disputes")
    matter = models.ForeignKey(
        Matter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
        verbose_name=_("matter"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=DisputeKinds.choices)
    summary = models.CharField(_("summary"), max_length=200)
    facts = models.TextField(_("facts"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=DisputeOutcomes.choices, blank=True
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    agreement_terms = models.TextField(_("terms agreed"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "created_at"], name="dispute_scope_idx")]

    def __str__(self) -> str:
        return self.summary


class PartyRoles(models.TextChoices):
    APPLICANT = "applicant", pgettext_lazy("mediation party", "Applicant")
    RESPONDENT = "respondent", _("Respondent")
    OTHER = "other", _("Other party")


class DisputeParty(models.Model):
    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, related_name="parties", verbose_name=_("dispute")
    )
    role = models.CharField(_("role"), max_length=10, choices=PartyRoles.choices)
    name = models.CharField(_("name"), max_length=50)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    phone_ciphertext = SealedTextField(_("phone (encrypted)"), blank=True, kind=PHONE_KIND)
    phone_digest = models.CharField(_("phone digest"), max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute", "pk"]

    def __str__(self) -> str:
        return self.name


class MediationSession(models.Model):
    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("dispute")
    )
    held_on = models.DateField(_("held on"))
    mediators = models.CharField(_("mediators"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["dispute", "held_on", "pk"]

    # Activities and programmes (活动与项目) ----------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_on}"
