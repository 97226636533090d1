"""Writes about people: memberships and API tokens. Each records its audit event."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from communitygate.accounts.models import ROLES_BY_KIND, ApiToken, Membership, Notification
from communitygate.accounts.selectors import forget_grants
from communitygate.audit.recorder import changed_fields, created_fields, record_event
from communitygate.core import clock
from communitygate.core.errors import NotFound, RuleBroken
from communitygate.core.people import AnyUser, acting_user
from communitygate.orgs.models import Organisation

TOKEN_PREFIX = "cg_"  # noqa: S105 - a public marker of our tokens, not a secret


class RoleNotAllowedHere(RuleBroken):
    code = "role_not_allowed_here"
    status = 422

    def __init__(self, role: str, kind: str) -> None:
        super().__init__(
            f"“{kind}”类机构没有“{role}”角色，请选择该机构适用的角色。",
            f"An organisation of kind '{kind}' has no role '{role}'; choose one of its roles.",
        )


class MembershipExists(RuleBroken):
    code = "membership_exists"

    def __init__(self) -> None:
        super().__init__(
            "此人已在该机构担任该角色。",
            "This person already holds this role in this organisation.",
        )


class MembershipAlreadyEnded(RuleBroken):
    code = "membership_already_ended"

    def __init__(self) -> None:
        super().__init__("该任职已经结束。", "This membership has already ended.")


class TokenUnknown(RuleBroken):
    code = "token_unknown"
    status = 404

    def __init__(self) -> None:
        super().__init__(
            "找不到该令牌，或已被吊销。", "No such token, or it has already been revoked."
        )


def membership_grant(
    *,
    actor: AnyUser,
    user: User,
    organisation: Organisation,
    role: str,
    active_from: dt.date | None = None,
) -> Membership:
    if role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
        raise RoleNotAllowedHere(role, organisation.kind)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user,
                organisation=organisation,
                role=role,
                active_from=active_from or clock.today(),
            )
            record_event(
                actor=actor,
                action="membership.grant",
                obj=membership,
                changes=created_fields(
                    {
                        "user": user.get_username(),
                        "organisation": organisation.code,
                        "role": role,
                        "active_from": membership.active_from,
                    }
                ),
            )
    except IntegrityError:
        raise MembershipExists() from None
    forget_grants(user)
    return membership


def membership_end(*, actor: AnyUser, membership: Membership, reason: str = "") -> Membership:
    """End a membership today: the role is gone at once. It stays on record; nothing is deleted."""
    today = clock.today()
    with transaction.atomic():
        ended = Membership.objects.filter(pk=membership.pk, active_to__isnull=True).update(
            active_to=today
        )
        if ended != 1:
            raise MembershipAlreadyEnded()
        membership.refresh_from_db()
        record_event(
            actor=actor,
            action="membership.end",
            obj=membership,
            changes={"active_to": [None, today.isoformat()]},
            reason=reason,
        )
    forget_grants(membership.user)
    return membership


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def api_token_issue(*, actor: AnyUser, user: User, label: str = "") -> tuple[ApiToken, str]:
    """A new token for the person. The raw token is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            prefix=raw[: len(TOKEN_PREFIX) + 8],
            token_hash=token_digest(raw),
            label=label,
            created_at=clock.now(),
        )
        record_event(
            actor=actor,
            action="api_token.issue",
            obj=token,
            changes=created_fields({"user": user.get_username(), "prefix": token.prefix}),
        )
    return token, raw


def api_token_revoke(*, actor: AnyUser, token: ApiToken, reason: str = "") -> None:
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=clock.now()
        )
        if revoked != 1:
            raise TokenUnknown()
        token.refresh_from_db()
        record_event(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            changes={"revoked_at": [None, token.revoked_at]},
            reason=reason,
        )


def user_for_api_token(raw_token: str) -> User | None:
    """The active person behind a bearer token, or None. Marks the token as used."""
    if not raw_token.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_digest(raw_token), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
    return token.user


def user_create(
    *,
    actor: AnyUser,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, password=password, first_name=first_name, last_name=last_name
        )
        record_event(
            actor=actor,
            action="user.create",
            obj=user,
            changes=created_fields({"username": username, "name": f"{last_name}{first_name}"}),
        )
    return user


def user_set_password(*, actor: AnyUser, user: User, password: str) -> None:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_event(actor=actor, action="user.set_password", obj=user)


USER_RECORDED_FIELDS = ("username", "first_name", "last_name", "email", "is_active")


def user_fields(user: User) -> dict[str, object]:
    return {field: getattr(user, field, None) for field in USER_RECORDED_FIELDS}


def user_record_admin_save(*, actor: AnyUser, user: User, before: dict[str, object] | None) -> None:
    """Audit a person saved through the admin's own forms (added, or fields changed)."""
    action = "user.create" if before is None else "user.update"
    changes = changed_fields(before or {}, user_fields(user))
    if before is None or changes:
        record_event(actor=actor, action=action, obj=user, changes=changes)


def user_record_password_set(*, actor: AnyUser, user: User) -> None:
    record_event(actor=actor, action="user.set_password", obj=user)


def notifications_send(
    *, recipients: Iterable[User], key: str, text_zh: str, text_en: str, link: str = ""
) -> int:
    """Notify each person once per key (a retried task sends nothing twice); how many were new."""
    rows = [
        Notification(
            recipient=person,
            key=key,
            text_zh=text_zh[:300],
            text_en=text_en[:300],
            link=link,
            created_at=clock.now(),
        )
        for person in {person.pk: person for person in recipients}.values()
    ]
    before = Notification.objects.filter(key=key).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return Notification.objects.filter(key=key).count() - before


def notification_mark_read(*, actor: AnyUser, notification_id: int) -> None:
    """Mark one of the person's own notifications read; anyone else's is not found."""
    user = acting_user(actor)
    notification = Notification.objects.filter(
        pk=notification_id, recipient_id=user.pk if user else None
    ).first()
    if notification is None:
        raise NotFound("通知", "notification")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=clock.now()
    )
