"""The demo's purchase of services: SO-1's login, the contract from the redirected application
(accepted 良好, paid in full, both receipts confirmed), the contract in force with its first
monthly report due, and 伊春路社区's refused task redirected to it."""

from decimal import Decimal

import pytest
from django.test import Client

from communitygate.contracts.models import Contract, RedirectedWork
from communitygate.contracts.selectors import (
    contracts_paid_beyond_amount,
    contracts_paid_without_acceptance,
)
from communitygate.demo.contract_history import FIGURES_NUMBER, MEALS_NUMBER
from communitygate.testing import password_sign_in

from .conftest import DEMO_PASSWORD

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
]


def test_the_two_contracts() -> None:
    meals = Contract.objects.get(number=MEALS_NUMBER)
    assert (meals.state, meals.evaluation_grade) == ("accepted", "good")
    assert meals.application is not None and meals.application.status == "redirected"
    assert meals.social_org.code == "SO-1" and meals.buyer.code == "DEPT-MZ"
    instalments = list(meals.instalments.values_list("amount", "state"))
    assert instalments == [(Decimal("12000.00"), "confirmed")] * 2
    assert meals.amount == Decimal("24000.00")
    figures = Contract.objects.get(number=FIGURES_NUMBER)
    assert figures.state == "signed"
    assert figures.deliverables.filter(state="due").count() == 3
    work = RedirectedWork.objects.select_related("assignment__community").get()
    assert work.contract == figures
    assert work.assignment.community.name == "伊春路社区"
    assert work.assignment.state == "refused"
    assert contracts_paid_beyond_amount() == []
    # The contract in force was paid an advance before any acceptance: the auditor sees it.
    [advance] = contracts_paid_without_acceptance()
    assert (advance.contract, advance.paid) == (figures, Decimal("9000.00"))


def test_so_staff_signs_in_and_sees_its_contracts_and_work() -> None:
    client = Client()
    assert password_sign_in(client, "so-staff", DEMO_PASSWORD)
    body = client.get("/contracts/").content.decode()
    assert MEALS_NUMBER in body and FIGURES_NUMBER in body
    assert "每月报送社区养老服务设施运营台账" in body  # the work redirected to SO-1
    assert "2026年11月养老服务设施运营情况月报" in body  # due
    assert "¥12,000.00" in body  # received
