"""The demo as its people meet it: every demo login lands on the workbench (工作台) with work
waiting, and every number there is the length of the list its link opens."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

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
