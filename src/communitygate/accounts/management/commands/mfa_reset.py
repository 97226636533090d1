"""`communitygate mfa_reset <username>`: a person lost the phone with their authenticator and
their recovery codes. Their devices are removed (django-otp's rows; the event keeps the record)
and at the next sign-in they enrol again. Run by the operator after the office has confirmed
who is asking."""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from communitygate.audit.recorder import record_operation_event


class Command(BaseCommand):
    help = "Remove a person's authenticator and recovery codes; they enrol again at sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        person = User.objects.filter(username=options["username"]).first()
        if person is None:
            raise CommandError(f"没有用户 {options['username']} / no user {options['username']}")
        with transaction.atomic():
            authenticators = TOTPDevice.objects.filter(user=person)
            recovery = StaticDevice.objects.filter(user=person)  # its codes go with it
            devices = authenticators.count() + recovery.count()
            authenticators.delete()
            recovery.delete()
            record_operation_event(
                action="account.mfa_reset",
                subject="accounts.sign_in",
                subject_id=person.get_username(),
                changes={"devices": [devices, 0]},
            )
        self.stdout.write(
            f"已重置 {person.get_username()} 的双因素登录，下次登录时重新绑定 / "
            f"{person.get_username()} enrols again at the next sign-in"
        )
