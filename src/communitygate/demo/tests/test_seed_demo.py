"""The Shibei demo: its figures match the 2014 article, and loading it twice changes nothing."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from communitygate.admissions.models import Application
from communitygate.admissions.selectors import application_tally
from communitygate.audit.selectors import audit_chain_first_break
from communitygate.catalog.models import (
    CatalogEdition,
    CatalogItem,
    CertificateRule,
    Ledger,
    NegativeListEntry,
    Plaque,
)
from communitygate.demo import data
from communitygate.orgs.models import Organisation

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = {
    "office",
    "committee",
    "civil-affairs",
    "health",
    "luoyanglu",
    "dunhualu",
    "shangqiulu",
    "yichunlu",
    "inspector",
    "auditor",
}


@pytest.fixture
def demo(client) -> None:
    call_command("seed_demo", password="demo-password-1")


def api_count(client, query: str) -> int:
    response = client.get(f"/api/v1/catalog/items?{query}")
    assert response.status_code == 200, response.content
    return int(response.json()["count"])


def test_the_article_figures_through_the_api(demo, client) -> None:
    survey = CatalogEdition.objects.get(number=1)
    assert api_count(client, "class=statutory&status=active") == 55
    assert api_count(client, "class=delegated&status=active") == 6
    assert api_count(client, f"edition={survey.pk}") == 475
    assert api_count(client, f"edition={survey.pk}&class=statutory") == 151
    assert api_count(client, f"edition={survey.pk}&class=delegated") == 232
    assert api_count(client, f"edition={survey.pk}&class=certificate") == 40
    assert api_count(client, f"edition={survey.pk}&class=evaluation") == 52
    assert api_count(client, "class=evaluation&status=active") == 0
    assert api_count(client, "class=certificate&status=active") == len(data.CERTIFICATES_ALLOWED)


def test_survey_burden_ledgers_and_plaques(demo) -> None:
    assert Ledger.objects.count() == 249
    assert Plaque.objects.count() == 97
    survey_items = CatalogItem.objects.filter(code__startswith="S2014-")
    assert survey_items.count() == 475
    assert Ledger.objects.filter(items__in=survey_items).distinct().count() == 249
    assert Plaque.objects.filter(items__in=survey_items).distinct().count() == 97


def test_reformed_delegated_items_are_funded(demo) -> None:
    delegated = CatalogItem.objects.filter(item_class="delegated", status="active")
    assert delegated.count() == 6
    assert all(item.funding_per_community and item.funding_per_community > 0 for item in delegated)


def test_organisations_of_shibei(demo) -> None:
    district = Organisation.objects.get(code="370203")
    assert district.name == "市北区"
    assert Organisation.objects.filter(kind="subdistrict", parent=district).count() == 22
    communities = Organisation.objects.filter(kind="community")
    assert 120 <= communities.count() <= 180
    assert not communities.filter(illustrative=False).exists()
    assert Organisation.objects.filter(name="商邱路社区", parent__name="洛阳路街道").exists()
    assert Organisation.objects.filter(name="伊春路社区", parent__name="敦化路街道").exists()
    for kind in ["committee", "committee_office", "audit_bureau"]:
        assert Organisation.objects.filter(kind=kind).count() == 1
    assert Organisation.objects.filter(kind="supervision_office").count() == 2
    assert Organisation.objects.filter(kind="social_org").count() == 3
    assert Organisation.objects.filter(kind="department").count() >= 20


def test_lists_and_editions(demo) -> None:
    assert NegativeListEntry.objects.count() == len(data.NEGATIVE_LIST) >= 10
    assert CertificateRule.objects.filter(verdict="may_not_issue").count() == 20
    assert CertificateRule.objects.filter(verdict="may_issue").count() == 5
    titles = list(CatalogEdition.objects.order_by("number").values_list("title", flat=True))
    assert titles[:2] == ["2014年社区工作事项调查（改革前）", "社区工作准入目录（改革后）"]
    assert len(titles) == 5, "2 catalog editions + the July decision + the urgent approval + expiry"


def test_admission_history(demo, client) -> None:
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["approved", "approved", "consulting", "redirected", "rejected"]
    funded = Application.objects.get(item_class="delegated")
    assert funded.status == "approved"
    assert funded.funding_commitment.amount_per_community_per_year == Decimal("2000.00")
    rejected = Application.objects.get(status="rejected")
    assert not application_tally(rejected).passed
    assert Application.objects.get(status="redirected").proposed_social_org is not None
    assert Application.objects.filter(urgent=True, status="approved").count() == 1
    open_round = Application.objects.get(status="consulting").review_round
    assert open_round is not None
    assert (open_round.year, open_round.month) == (2027, 1)
    assert client.get("/decisions/").status_code == 200
    assert client.get(f"/decisions/{funded.number}/").status_code == 200


def test_demo_users_sign_in_with_the_printed_password(demo, client) -> None:
    users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    assert users.count() == len(DEMO_USERNAMES)
    for user in users:
        assert user.first_name.startswith("演示用户"), "demo people are clearly marked"
    assert client.login(username="office", password="demo-password-1")
    assert client.get("/catalog/office/").status_code == 200


def test_loading_twice_changes_no_data_and_keeps_the_chain(capsys) -> None:
    call_command("seed_demo", password="first-password-1")
    counts = (
        Organisation.objects.count(),
        CatalogItem.objects.count(),
        CatalogEdition.objects.count(),
    )
    call_command("seed_demo", password="second-password-2")
    assert counts == (
        Organisation.objects.count(),
        CatalogItem.objects.count(),
        CatalogEdition.objects.count(),
    )
    output = capsys.readouterr().out
    assert "second-password-2" in output
    assert get_user_model().objects.get(username="office").check_password("second-password-2")
    assert audit_chain_first_break() is None


def test_no_real_person_named_in_demo_data() -> None:
    """People appear only as roles; no personal name (a surname + given name) is in the data."""
    texts = [spec.name for spec in data.COMMUNITIES] + [item.name for item in data.SURVEY_ITEMS]
    titled = re.compile(r"(书记|主任|局长|区长)[\u4e00-\u9fff]{2,3}同志")
    assert not any(titled.search(text) for text in texts)
