"""People, memberships and API tokens in the committee office's admin, audited through services."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from communitygate.accounts.models import ApiToken, Membership
from communitygate.accounts.services import (
    api_token_revoke,
    membership_end,
    membership_grant,
    user_fields,
    user_record_admin_save,
    user_record_password_set,
)
from communitygate.core.errors import RuleBroken
from communitygate.core.people import acting_user

# Rights come from memberships (accounts/backends.py). Django's superuser and staff flags, its
# groups and its per-user permissions would grant admin rights past them, so the admin neither
# shows nor sets them: without this, the office administrator could make anyone a superuser.
admin.site.unregister(Group)
# Authenticator devices and recovery codes are the person's own (accounts.mfa); a lost phone is
# reset by the operator (`communitygate mfa_reset <username>`, audited), not edited here.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin[User]):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "is_active", "last_login")
    list_filter = ("is_active",)
    filter_horizontal = ()

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        """Django's own user forms save the person; the audit event is written alongside."""
        before = user_fields(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        user_record_admin_save(actor=acting_user(request.user), user=obj, before=before)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                person = User.objects.get(pk=id)
                user_record_password_set(actor=acting_user(request.user), user=person)
        return response


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "organisation", "role", "active_from", "active_to"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "organisation__name", "organisation__code"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    fields = ["user", "organisation", "role", "active_from"]
    actions = ["end_memberships"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Membership, form: ModelForm[Membership], change: bool
    ) -> None:
        saved = membership_grant(
            actor=request.user,
            user=form.cleaned_data["user"],
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
            active_from=form.cleaned_data["active_from"],
        )
        obj.pk = saved.pk

    @admin.action(description="End the selected memberships today")
    def end_memberships(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.filter(active_to__isnull=True):
            try:
                membership_end(actor=request.user, membership=membership, reason="admin")
            except RuleBroken as broken:
                self.message_user(request, broken.page_message, messages.ERROR)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["prefix", "user", "label", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["prefix", "user__username"]
    readonly_fields = ["prefix", "user", "label", "created_at", "last_used_at", "revoked_at"]
    exclude = ["token_hash"]
    actions = ["revoke_tokens"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token, reason="revoked in the admin")
