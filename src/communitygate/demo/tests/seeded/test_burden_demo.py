"""The demo's before and after, as issue 12 states it: the 2014 survey's items require 97
plaques, 249 ledgers and 10,920 estimated hours a community a year; the catalog in force 22
plaques, 58 ledgers and 2,328 hours; and the page, the API and the exports say the same."""

import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from communitygate.admissions.selectors import community_loads
from communitygate.catalog.selectors import edition_latest
from communitygate.core import clock
from communitygate.insights.summary import before_after
from communitygate.orgs.models import Organisation, OrganisationKinds

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
]


def test_the_survey_and_the_catalog_in_force() -> None:
    figures = before_after()
    assert figures is not None
    survey, today = figures.before, figures.after
    assert survey.edition.title.startswith("2014年社区工作事项调查")
    assert (survey.items, survey.plaques, survey.ledgers, survey.hours) == (
        475,
        97,
        249,
        Decimal("10920.0"),
    )
    assert survey.by_class == {
        "statutory": 151,
        "delegated": 232,
        "certificate": 40,
        "evaluation": 52,
    }
    assert today.edition == edition_latest()
    assert (today.plaques, today.ledgers, today.hours) == (22, 58, Decimal("2328.0"))


def test_todays_hours_are_a_communitys_load_from_the_same_rows() -> None:
    """admissions' community_loads counts one community's load from the latest edition; for a
    community no item is scoped to, on a day every item is in force, it is the dashboard's
    figure."""
    figures = before_after()
    assert figures is not None
    communities = list(Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY))
    loads = community_loads(communities, day=clock.today())
    assert figures.after.hours in {load.hours for load in loads.values()}
    assert min(load.hours for load in loads.values()) == figures.after.hours


def test_the_api_the_workbook_and_the_pdf_say_the_same() -> None:
    client = Client()
    body = client.get("/api/v1/burden/summary").json()
    assert body["before"]["plaques"] == 97 and body["before"]["ledgers"] == 249
    assert body["before"]["hours"] == "10920.0" and body["after"]["hours"] == "2328.0"
    assert (body["after"]["plaques"], body["after"]["ledgers"]) == (22, 58)
    sheet = load_workbook(io.BytesIO(client.get("/burden/public/before-after.xlsx").content)).active
    rows = {row[0]: row[1:3] for row in sheet.iter_rows(values_only=True)}
    assert rows["牌子"] == (97, 22) and rows["台账"] == (249, 58)
    assert rows["社区每年预计工时"] == (10920, 2328)  # numbers stay numbers
    reader = PdfReader(io.BytesIO(client.get("/burden/public/before-after.pdf").content))
    # pypdf reads fpdf2's two-byte codes one byte at a time (NULs between characters).
    text = re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))
    assert "牌子972" in text and "台账24958" in text  # figure, before, after, in one row
    for figure in ("10,920.0", "2,328.0", "249", "58", "97", "22"):
        assert figure in text
