"""Purging claimed one-time form tokens: claims older than the retention (a setting, 7 days by
default) are deleted in batches, done or abandoned; younger ones stay and still replay their
first redirect. `communitygate purge_form_submissions` runs it daily."""

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpResponseRedirect

from communitygate.core import clock
from communitygate.http.formtokens import (
    FORM_TOKEN_FIELD,
    form_submissions_purge,
    new_form_token,
    token_digest,
)
from communitygate.http.models import FormSubmission, FormSubmissionStates
from communitygate.http.tests.test_formtokens import counting_view, post

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def claim(age: dt.timedelta, *, state: str = FormSubmissionStates.DONE, token: str = "") -> str:
    """A claim of user 1 made `age` before NOW; its token."""
    token = token or new_form_token()
    FormSubmission.objects.create(
        token_digest=token_digest("user-1", token),
        owner="user-1",
        state=state,
        redirect_url="/residents/things/1/",
        created_at=NOW - age,
    )
    return token


def ages() -> list[dt.timedelta]:
    return sorted(
        NOW - created for created in FormSubmission.objects.values_list("created_at", flat=True)
    )


def test_claims_older_than_the_retention_are_deleted_in_batches_and_younger_ones_kept() -> None:
    clock.pin(NOW)
    for days in (8, 9, 10, 30, 365):
        claim(dt.timedelta(days=days))
    claim(dt.timedelta(days=20), state=FormSubmissionStates.RUNNING)  # a worker died long ago
    claim(dt.timedelta(days=7) - dt.timedelta(seconds=1))
    claim(dt.timedelta(hours=1))
    claim(dt.timedelta(seconds=5), state=FormSubmissionStates.RUNNING)  # running right now
    assert form_submissions_purge(older_than=dt.timedelta(days=7), batch_size=2) == 6
    assert ages() == [
        dt.timedelta(seconds=5),
        dt.timedelta(hours=1),
        dt.timedelta(days=7) - dt.timedelta(seconds=1),
    ]
    assert form_submissions_purge(older_than=dt.timedelta(days=7), batch_size=2) == 0


def test_a_young_claim_still_replays_after_a_purge_and_a_purged_one_runs_the_view_again() -> None:
    clock.pin(NOW)
    young = claim(dt.timedelta(days=1))
    old = claim(dt.timedelta(days=8))
    form_submissions_purge(older_than=dt.timedelta(days=7))
    view, runs = counting_view([HttpResponseRedirect("/residents/things/2/")])
    assert view(post({FORM_TOKEN_FIELD: young}))["Location"] == "/residents/things/1/"
    assert runs == []
    assert view(post({"text": "week-old page", FORM_TOKEN_FIELD: old}))["Location"] == (
        "/residents/things/2/"
    )
    assert runs == ["week-old page"]


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        form_submissions_purge(older_than=dt.timedelta(days=7), batch_size=0)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_form_submissions", *args, stdout=out)
    return out.getvalue()


def test_the_command_keeps_the_retention_setting_by_default(settings: Any) -> None:
    clock.pin(NOW)
    for days in (1, 3, 6, 8):
        claim(dt.timedelta(days=days))
    assert settings.COMMUNITYGATE["FORM_TOKEN_RETENTION_DAYS"] == 7
    assert "deleted 1 form token claim(s) older than 7 day(s)" in run()
    settings.COMMUNITYGATE = {**settings.COMMUNITYGATE, "FORM_TOKEN_RETENTION_DAYS": 5}
    assert "deleted 1 form token claim(s) older than 5 day(s)" in run("--batch-size", "1")
    assert "已删除 1 条 2 天前的表单令牌" in run("--days", "2")
    assert ages() == [dt.timedelta(days=1)]


@pytest.mark.parametrize("args", [("--days", "0"), ("--batch-size", "0")])
def test_the_command_refuses_a_retention_or_batch_below_one(args: tuple[str, str]) -> None:
    clock.pin(NOW)
    claim(dt.timedelta(days=30))
    with pytest.raises(CommandError):
        run(*args)
    assert FormSubmission.objects.count() == 1
