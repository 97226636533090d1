"""Audit events. One row per state change, never updated or deleted.

Each row stores the hash of the row before it, so a changed or removed row breaks the chain;
triggers installed by the migration refuse UPDATE and DELETE at the database itself. The hash
is an HMAC under a key kept outside the database (`hash_key_id` names it), so a row rewritten
with every later hash recomputed does not verify without the key; signed checkpoints of the
chain's head, also outside the database, reveal the newest rows deleted (`audit.checkpoints`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("occurred at (UTC)"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changed fields (before, after)"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=80)
    source_ip = models.CharField(_("source address"), max_length=45, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # The key of the HMAC (core.crypto.audit_chain_keyring); NULL: an event recorded before the
    # chain was keyed, hashed with plain SHA-256 (none may follow a keyed event).
    hash_key_id = models.CharField(  # noqa: DJ001 - NULL marks the rows from before the keys
        _("hash key"), max_length=16, null=True, blank=True
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_idx"),
            models.Index(fields=["occurred_at"], name="audit_time_idx"),
        ]
        constraints = [
            # Two events can never claim the same predecessor: the chain cannot fork.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_prev_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditArchive(models.Model):
    """A segment of the oldest events moved out of the table into a signed file (audit.archive):
    the events `first_id`…`last_id`, whose last hash the chain in the table continues from. Rows
    are only ever added; the table's DELETE trigger lets an event go only inside a segment
    recorded here, and the segment's file and signature are checked by every verification."""

    archived_at = models.DateTimeField(_("archived at (UTC)"))
    before = models.DateField(_("events before"))
    first_id = models.BigIntegerField(_("first event"))
    last_id = models.BigIntegerField(_("last event"), unique=True)
    events = models.PositiveIntegerField(_("events"))
    first_prev_hash = models.CharField(_("previous hash of the first event"), max_length=64)
    last_hash = models.CharField(_("hash of the last event"), max_length=64)
    last_key_id = models.CharField(  # noqa: DJ001 - NULL: the last event was not keyed
        _("hash key of the last event"), max_length=16, null=True, blank=True
    )
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("archived audit segment")
        verbose_name_plural = _("archived audit segments")
        ordering = ["first_id"]

    def __str__(self) -> str:
        return f"#{self.first_id}–#{self.last_id}"
