"""Model permissions for the Django admin, derived from memberships instead of Django groups.

The committee office runs the admin: its staff may view everything registered there; its
administrators may add and change people, organisations and memberships. Audit events are
read-only for everybody.
"""

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from communitygate.accounts.permissions import (
    can_manage_people_and_organisations,
    can_read_audit_log,
    is_office_staff,
)

MANAGED_BY_OFFICE_ADMIN = {
    "auth.user",
    "orgs.organisation",
    "accounts.membership",
    "accounts.apitoken",
}


class OfficeRoleBackend(BaseBackend):
    def has_perm(
        self, user_obj: AbstractBaseUser | AnonymousUser, perm: str, obj: object = None
    ) -> bool:
        app_label, _dot, codename = perm.partition(".")
        action, _underscore, model = codename.partition("_")
        label = f"{app_label}.{model}"
        if label == "audit.auditevent":
            return action == "view" and can_read_audit_log(user_obj)
        if action == "view":
            return is_office_staff(user_obj)
        if action in {"add", "change"} and label in MANAGED_BY_OFFICE_ADMIN:
            return can_manage_people_and_organisations(user_obj)
        return False

    def has_module_perms(self, user_obj: AbstractBaseUser | AnonymousUser, app_label: str) -> bool:
        return is_office_staff(user_obj) or can_read_audit_log(user_obj)


class PasswordOnlyBackend(ModelBackend):
    """Django's username and password check, without Django's own permissions.

    ModelBackend also grants permissions from the superuser flag, groups and per-user
    permissions, and it answers before OfficeRoleBackend; a flag set from the command line would
    then open the admin past the memberships. This backend only signs people in.
    """

    def get_user_permissions(
        self, user_obj: AbstractBaseUser | AnonymousUser, obj: object = None
    ) -> set[str]:
        return set()

    def get_group_permissions(
        self, user_obj: AbstractBaseUser | AnonymousUser, obj: object = None
    ) -> set[str]:
        return set()

    def get_all_permissions(
        self, user_obj: AbstractBaseUser | AnonymousUser, obj: object = None
    ) -> set[str]:
        return set()
