"""`communitygate api_token USERNAME` prints a new API token; `--revoke PREFIX` revokes one."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from communitygate.accounts.models import ApiToken
from communitygate.accounts.services import api_token_issue, api_token_revoke
from communitygate.core.errors import RuleBroken


class Command(BaseCommand):
    help = "Issue a new API token for a user (printed once), or revoke one by its prefix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--label", default="")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the token with this prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist:
            raise CommandError(f"no user named {options['username']!r}") from None
        try:
            if options["revoke"]:
                token = ApiToken.objects.filter(user=user, prefix=options["revoke"]).first()
                if token is None:
                    raise CommandError(f"no token {options['revoke']!r} for this user")
                api_token_revoke(actor=None, token=token, reason="revoked from the command line")
                self.stdout.write(f"revoked {token.prefix}")
                return
            _token, raw = api_token_issue(actor=None, user=user, label=options["label"])
        except RuleBroken as broken:
            raise CommandError(broken.message) from None
        self.stdout.write(raw)
