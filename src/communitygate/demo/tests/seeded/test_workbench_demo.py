"""The demo as its people meet it: every demo login lands on the workbench (工作台) with work
waiting, and every number there is the length of the list its link opens."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from communitygate.accounts.selectors import forget_grants
from communitygate.accounts.services import membership_grant
from communitygate.orgs.models import Organisation
from communitygate.testing import signed_in
from communitygate.workbench.selectors import workbench_sections
from communitygate.workbench.tests.test_workbench import NOT_A_LIST, listed

from .conftest import DEMO_PASSWORD

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
]

LOGINS = (
    "office",
    "committee",
    "civil-affairs",
    "health",
    "statistics",
    "luoyanglu",
    "shangqiulu",
    "yichunlu",
    "inspector",
    "supervision-head",
    "auditor",
    "so-staff",
)


def test_signing_in_lands_on_the_workbench() -> None:
    answer = Client().post(
        "/accounts/login/", {"username": "shangqiulu", "password": DEMO_PASSWORD}
    )
    assert answer["Location"] == "/workbench/"


@pytest.mark.parametrize("username", LOGINS)
def test_every_demo_login_has_work_waiting_and_each_number_is_its_list(username: str) -> None:
    user = User.objects.get(username=username)
    client = signed_in(user)
    waiting = 0
    for section in workbench_sections(user):
        for figure in section.figures:
            response = client.get(figure.url)
            assert response.status_code == 200, (username, figure.url)
            if figure.key not in NOT_A_LIST:
                assert listed(response) == figure.count, (username, figure.key, figure.url)
            waiting += figure.count if figure.alert else 0
    assert waiting > 0, username


def test_someone_acting_for_two_departments_sees_each_ones_work_behind_its_own_numbers() -> None:
    """civil-affairs (DEPT-MZ) also clerks for DEPT-WJ: two department sections, and each number
    (correction orders, funding shares, tasks, applications) is the length of the list its link
    opens, that department's only."""
    user = User.objects.get(username="civil-affairs")
    membership_grant(
        actor=None,
        user=user,
        organisation=Organisation.objects.get(code="DEPT-WJ"),
        role="clerk",
        active_from=dt.date(2020, 1, 1),
    )
    forget_grants(user)
    client = signed_in(user)
    sections = workbench_sections(user)
    assert [s.organisation_code for s in sections] == ["DEPT-MZ", "DEPT-WJ"]
    for section in sections:
        for figure in section.figures:
            if figure.key in NOT_A_LIST:
                continue
            assert listed(client.get(figure.url)) == figure.count, (
                section.organisation_code,
                figure.key,
                figure.url,
            )


def test_the_statistics_bureau_sees_the_census_share_it_still_owes() -> None:
    """The demo's one unpaid 2025 census share (伊春路社区, money_history) is overdue on the
    statistics bureau's workbench, and its link lists exactly it."""
    user = User.objects.get(username="statistics")
    (section,) = workbench_sections(user)
    overdue = next(f for f in section.figures if f.key == "payments_overdue")
    assert overdue.count >= 1
    rows = signed_in(user).get(overdue.url).context["rows"]
    assert len(rows) == overdue.count
    assert "伊春路社区" in {row.community_name for row in rows}
    assert all(row.overdue and row.payer == "DEPT-TJ" for row in rows)
