"""The residents' platform in the demo: generated residents with valid (sealed) ID numbers and
demo phones, a month of matters in every status, a dispute concluded with an agreement, events,
the after-school club with a waiting list, visits, nothing personal in plaintext, and loading
twice changes nothing."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client

from communitygate.audit.selectors import audit_chain_first_break
from communitygate.certificates.models import CertificateRequest
from communitygate.core import clock
from communitygate.core.crypto import unseal
from communitygate.core.idnumbers import (
    ID_NUMBER_KIND,
    id_number_birth_date,
    id_number_sex,
    is_valid_id_number,
    mask_id_number,
)
from communitygate.core.phones import PHONE_KIND, is_valid_phone, mask_phone
from communitygate.demo.residents import (
    CERTIFICATE_ASKS,
    CLUB_ENDS,
    CLUB_STARTS,
    CLUB_TITLE,
    DEMO_NAME,
    DEMO_PHONE_BLOCK,
    EVENING_GATHERING_TITLE,
    NEXT_SUMMER_CLUB_TITLE,
    SUMMER_SHOW_TITLE,
    demo_registry,
    seed_residents,
)
from communitygate.disputes.models import Dispute
from communitygate.matters.models import Matter, MatterStatuses
from communitygate.matters.selectors.glance import communities_figures
from communitygate.orgs.models import Organisation
from communitygate.programmes.models import Activity, Attendance, Enrolment, Programme
from communitygate.registry.models import Household, Resident, Visit

# Every test reads the demo, seeded once for the package (conftest.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
]

DEMO_COMMUNITIES = ("商邱路社区", "伊春路社区")


def test_the_demo_communities_have_generated_residents_with_valid_sealed_numbers() -> None:
    for name in DEMO_COMMUNITIES:
        residents = Resident.objects.filter(community__name=name)
        assert residents.count() >= 300
        assert Household.objects.filter(community__name=name).count() >= 100
        for resident in residents:
            assert resident.name.startswith(DEMO_NAME)
            number = unseal(ID_NUMBER_KIND, resident.id_number_ciphertext)
            assert is_valid_id_number(number), number
            assert resident.id_number_masked == mask_id_number(number)
            assert id_number_birth_date(number) == resident.birth_date
            assert id_number_sex(number) == resident.sex
            if resident.phone_ciphertext:
                phone = unseal(PHONE_KIND, resident.phone_ciphertext)
                assert phone.startswith(DEMO_PHONE_BLOCK) and is_valid_phone(phone)
                assert resident.phone_masked == mask_phone(phone)
    regions = {unseal(ID_NUMBER_KIND, r.id_number_ciphertext)[:6] for r in Resident.objects.all()}
    assert {"370203", "370205"} <= regions
    assert regions - {"370203", "370204", "370205"}, "migrants' numbers come from elsewhere"


def test_care_tags_in_realistic_proportions() -> None:
    community = Organisation.objects.get(name="商邱路社区")
    (figures,) = communities_figures(
        Organisation.objects.filter(pk=community.pk), today=clock.today()
    )
    counts = {tag.code: tag.count for tag in figures.tags}
    assert 0.05 <= (counts["aged-80-plus"] + counts["elderly-alone"]) / figures.residents <= 0.3
    assert 0 < counts["disability"] <= figures.residents * 0.06
    assert counts["party-member"] > 0 and counts["subsistence-allowance"] > 0


def test_a_month_of_matters_in_every_status() -> None:
    for name in DEMO_COMMUNITIES:
        matters = Matter.objects.filter(community__name=name)
        assert set(matters.values_list("status", flat=True)) == set(MatterStatuses.values)
        received = matters.values_list("received_at", flat=True)
        assert str(min(received).date()) >= "2026-10-27"
        assert str(max(received).date()) <= "2026-11-26"
        assert matters.filter(channel="online").exists()
        assert matters.exclude(rating="").exists()
        assert matters.filter(
            status__in=["received", "assigned", "reopened"], answer_by__lt=clock.today()
        ).exists(), "some open matters are overdue"


def test_disputes_one_concluded_with_an_agreement() -> None:
    agreement = Dispute.objects.get(community__name="商邱路社区", outcome="agreement")
    assert agreement.agreement_terms
    assert agreement.parties.count() == 2
    assert agreement.sessions.exists()
    outcomes = set(Dispute.objects.values_list("outcome", flat=True))
    assert outcomes >= {"agreement", "referred", ""}


def test_the_summer_show_is_yichunlus_on_the_first_of_july_with_evening_gatherings() -> None:
    """As the article tells it: 伊春路社区 (敦化路街道) held the summer show for 七一 with more
    than a thousand residents; evening gatherings (纳凉晚会) are activities of both communities."""
    show = Activity.objects.select_related("community__parent").get(title=SUMMER_SHOW_TITLE)
    assert show.community.name == "伊春路社区"
    assert show.community.parent is not None and show.community.parent.name == "敦化路街道"
    assert show.held_on == dt.date(2026, 7, 1)
    assert show.attendance is not None and show.attendance >= 1000
    gatherings = Activity.objects.filter(title=EVENING_GATHERING_TITLE)
    assert {g.community.name for g in gatherings} == set(DEMO_COMMUNITIES)
    assert all(g.held_on.month in (7, 8) and g.attendance for g in gatherings)


def test_the_after_school_club_runs_in_the_summer_holiday() -> None:
    for club in Programme.objects.filter(title=CLUB_TITLE):
        assert (club.starts_on, club.ends_on) == (CLUB_STARTS, CLUB_ENDS)
        assert (club.starts_on.month, club.ends_on.month) == (7, 8)
        days = list(club.sessions.values_list("held_on", flat=True))
        assert days and all(CLUB_STARTS <= day <= CLUB_ENDS for day in days)


def test_next_summers_club_takes_sign_ups_on_the_public_page() -> None:
    for club in Programme.objects.filter(title=NEXT_SUMMER_CLUB_TITLE):
        assert (club.starts_on.month, club.ends_on.month) == (7, 8)
        assert club.public_signup and not club.closed
    assert Programme.objects.filter(title=NEXT_SUMMER_CLUB_TITLE).count() == 2
    assert NEXT_SUMMER_CLUB_TITLE in Client().get("/public/programmes/").content.decode()


def test_certificates_issued_and_turned_away_in_the_month() -> None:
    for name in DEMO_COMMUNITIES:
        requests = CertificateRequest.objects.filter(community__name=name)
        issued = requests.filter(outcome="issued")
        turned_away = requests.filter(outcome="turned_away")
        assert issued.count() == sum(1 for code, _ in CERTIFICATE_ASKS if "-Y" in code)
        assert turned_away.count() == sum(1 for code, _ in CERTIFICATE_ASKS if "-N" in code)
        assert all(r.rule.verdict == "may_issue" and r.number for r in issued)
        assert all(r.rule.verdict == "may_not_issue" and not r.number for r in turned_away)
        numbers = sorted(r.sequence for r in issued if r.sequence)
        assert numbers == list(range(1, len(numbers) + 1))  # no gaps


def test_events_and_the_after_school_club_with_a_waiting_list() -> None:
    club = Programme.objects.get(community__name="商邱路社区", title=CLUB_TITLE)
    statuses = list(Enrolment.objects.filter(programme=club).values_list("status", flat=True))
    assert statuses.count("enrolled") == club.capacity
    assert statuses.count("waiting") >= 1
    assert statuses.count("withdrawn") == 1
    assert Enrolment.objects.filter(programme=club, signed_up_online=True).exists()
    assert club.sessions.count() >= 8
    assert Attendance.objects.filter(session__programme=club, present=True).exists()


def test_visits_of_the_month_and_of_today() -> None:
    visits = Visit.objects.filter(community__name="商邱路社区")
    assert visits.filter(done_at__isnull=False).count() >= 20
    assert visits.filter(planned_on__lt="2026-11-27", done_at__isnull=True).exists()
    assert visits.filter(planned_on=clock.today()).exists()


FULL_ID = re.compile(r"(?<![0-9A-Za-z+/])\d{17}[\dX](?![0-9A-Za-z+/=])")
FULL_MOBILE = re.compile(r"(?<![0-9A-Za-z+/])1[3-9]\d{9}(?![0-9A-Za-z+/=])")
TABLES = (
    "registry_resident",
    "matters_matter",
    "disputes_disputeparty",
    "disputes_dispute",
    "programmes_enrolment",
    "registry_visit",
    "registry_residentimport",
    "audit_auditevent",
)


def test_no_full_id_number_or_phone_is_stored_in_plaintext() -> None:
    generated = {
        value
        for key in ("shangqiulu", "yichunlu")
        for person in demo_registry(key).people
        for value in (person.id_number, person.phone)
        if value
    }
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in TABLES:
            if table not in existing:
                continue
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a fixed table name)
            text = "\n".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())
            assert not [value for value in generated if value in text], table
            assert not FULL_ID.search(text), table
            assert not FULL_MOBILE.search(text), table


def test_loading_twice_changes_nothing() -> None:
    def counts() -> tuple[int, ...]:
        return (
            Resident.objects.count(),
            Household.objects.count(),
            Matter.objects.count(),
            Dispute.objects.count(),
            Activity.objects.count(),
            Enrolment.objects.count(),
            Visit.objects.count(),
        )

    first = counts()
    assert not seed_residents()
    assert counts() == first
    assert audit_chain_first_break() is None


def test_seed_demo_loads_the_residents_too() -> None:
    assert Resident.objects.filter(community__name="商邱路社区").exists()
    assert Programme.objects.filter(title=CLUB_TITLE).count() == 2
    assert audit_chain_first_break() is None
