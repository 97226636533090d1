"""The workbench (工作台): each person's sections follow their roles; every number is the length
of the list its link opens, as that person sees it, so another organisation's items are never
counted; an unadmitted task is never overdue for a community; the reads cost a fixed number of
queries; the page answers in Chinese and English; signing in lands on it."""

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communitygate.accounts.selectors import forget_grants
from communitygate.accounts.services import membership_grant
from communitygate.admissions.models import FundingCommitment
from communitygate.core import clock
from communitygate.dispatch.models import Assignment
from communitygate.dispatch.services import Targets, TaskRequest, task_send
from communitygate.funding.services import (
    CommitmentRequest,
    CommitmentTerms,
    PaymentRequest,
    commitment_record,
    payment_record,
)
from communitygate.orgs.models import Organisation
from communitygate.testing import PASSWORD, signed_in
from communitygate.web.tests.grid import WORLD_PEOPLE
from communitygate.web.tests.test_permission_grid import GridSeed
from communitygate.workbench.selectors import Figure, Section, workbench_sections

pytestmark = [pytest.mark.django_db]

# The person → the (kind, organisation code) of each section they get, in order.
SECTIONS = {
    "office_admin": [("committee_office", "CMTE-OFFICE")],
    "office_officer": [("committee_office", "CMTE-OFFICE")],
    "committee_member": [("committee", "CMTE")],
    "department_clerk": [("department", "DEPT-MZ")],
    "department_head": [("department", "DEPT-MZ")],
    "department_clerk_other": [("department", "DEPT-WJ")],
    "subdistrict_officer": [("subdistrict", "370203031")],
    "subdistrict_officer_other": [("subdistrict", "370203014")],
    "community_secretary": [("community", "370203031001")],
    "community_worker": [("community", "370203031001")],
    "community_secretary_other": [("community", "370203014001")],
    "inspector": [("supervision_office", "SUP-GOV")],
    "supervision_head": [("supervision_office", "SUP-GOV")],
    "auditor": [("audit_bureau", "AUDIT")],
    "social_org_staff": [("social_org", "SO-1")],
    "no_role": [],
}

# Figures whose link opens a page that lists more than the number counts (the waiting ones
# marked among the others): the rounds page lists decided rounds too, the contracts page shows
# the deliverables due beside the contracts, the notices page its drafts above the published
# ones, and the calendar's year page is the place to enter the year.
NOT_A_LIST = {"rounds", "deliverables_due", "notices_to_approve", "calendar"}


def figures_of(sections: list[Section]) -> dict[str, dict[str, Figure]]:
    return {s.organisation_code: {f.key: f for f in s.figures} for s in sections}


def listed(response: Any) -> int:
    """How many rows the list page shows, read from its context."""
    context: Any = response.context
    names = set(context.keys())
    if "unadmitted" in names:  # the community's inbox
        return len(context["unadmitted"]) + len(context["admitted"])
    if "glance" in names:  # a community at a glance: its households due for a visit
        return int(context["glance"].due_for_visit)
    if "visits" in names:  # today's visits not recorded yet
        return sum(1 for visit in context["visits"].today if visit.done_at is None)
    if "page" in names:
        return int(context["page"].count)
    if "count" in names:
        return int(context["count"])
    for rows in ("tasks", "applications", "assignments", "rows"):  # rows: the day's receptions
        if rows in names:
            return len(context[rows])
    raise AssertionError(f"no list on {response.request['PATH_INFO']}")


def test_each_person_gets_one_section_per_organisation_they_hold_a_role_in(
    seed: GridSeed,
) -> None:
    for person, expected in SECTIONS.items():
        sections = workbench_sections(seed.people[person])
        assert [(s.kind, s.organisation_code) for s in sections] == expected, person


@pytest.mark.parametrize("person", WORLD_PEOPLE)
def test_every_number_is_the_length_of_the_list_behind_it(seed: GridSeed, person: str) -> None:
    user = seed.people[person]
    client = signed_in(user)
    checked = 0
    for section in workbench_sections(user):
        for figure in section.figures:
            response = client.get(figure.url)
            assert response.status_code == 200, (person, figure.key, figure.url)
            if figure.key in NOT_A_LIST:
                continue
            assert listed(response) == figure.count, (person, figure.key, figure.url)
            checked += 1
    assert checked >= 1 or person == "no_role"


def test_the_seed_gives_each_role_something_to_act_on(seed: GridSeed) -> None:
    """The permission-grid row set: who sees which counts (the grid's seed as it stands)."""
    waiting = {
        person: {
            (code, key)
            for code, figures in figures_of(workbench_sections(seed.people[person])).items()
            for key, figure in figures.items()
            if figure.count
        }
        for person in SECTIONS
    }
    assert ("370203031001", "to_refuse") in waiting["community_secretary"]
    assert ("370203031001", "votes") in waiting["community_worker"]
    assert ("370203031001", "visits_today") in waiting["community_secretary"]
    assert ("370203031001", "care_due") in waiting["community_secretary"]
    assert ("370203031", "votes") in waiting["subdistrict_officer"]
    assert ("370203031", "matters_open") in waiting["subdistrict_officer"]
    assert ("DEPT-MZ", "tasks_refused") in waiting["department_clerk"]
    assert ("DEPT-MZ", "tasks_submitted") in waiting["department_head"]
    assert ("DEPT-MZ", "orders_issued") in waiting["department_clerk"]
    assert ("DEPT-MZ", "payments_disputed") in waiting["department_clerk"]
    # The grid's 2026 shares are still running on 23 November: nothing due yet (see below).
    assert ("DEPT-MZ", "payments_due") not in waiting["department_clerk"]
    assert ("DEPT-MZ", "applications_consulting") in waiting["department_clerk"]
    assert ("CMTE-OFFICE", "in_review") in waiting["office_officer"]
    assert ("CMTE-OFFICE", "urgent") in waiting["office_admin"]
    assert ("CMTE", "decisions") in waiting["committee_member"]
    assert ("SUP-GOV", "violations_new") in waiting["inspector"]
    assert ("SUP-GOV", "notices_to_approve") in waiting["supervision_head"]
    assert ("SUP-GOV", "notices_to_approve") not in waiting["inspector"]
    assert ("AUDIT", "anomalies_disputed_receipts") in waiting["auditor"]
    assert ("SO-1", "deliverables_due") in waiting["social_org_staff"]
    # The other department's section counts none of DEPT-MZ's refusals, orders or applications.
    assert waiting["department_clerk_other"] <= {("DEPT-WJ", "tasks_received")}


def test_another_organisations_task_is_never_counted(seed: GridSeed) -> None:
    """A task sent to one community only: its own staff and its sender count it, the sibling
    community and the other department do not."""

    def counts() -> dict[str, int]:
        found = {}
        for person, code, key in (
            ("community_secretary", "370203031001", "to_refuse"),
            ("community_secretary_other", "370203014001", "to_refuse"),
            ("department_clerk", "DEPT-MZ", "tasks_received"),
            ("department_clerk_other", "DEPT-WJ", "tasks_received"),
        ):
            found[person] = figures_of(workbench_sections(seed.people[person]))[code][key].count
        return found

    before = counts()
    task_send(
        actor=seed.people["department_clerk"],
        request=TaskRequest(
            department_code="DEPT-MZ",
            item_code=None,
            title="只发给伊春路社区的未准入任务",
            task_type="work",
            starts_on=clock.today(),
            due_on=clock.today() + dt.timedelta(days=14),
            targets=Targets("communities", ("370203014001",)),
        ),
    )
    after = counts()
    assert after == {
        **before,
        "community_secretary_other": before["community_secretary_other"] + 1,
        "department_clerk": before["department_clerk"] + 1,
    }


def test_an_unadmitted_task_is_never_overdue_for_the_community(seed: GridSeed) -> None:
    """Past every due date, the unadmitted tasks stay under "you may refuse", with the
    department's date marked as not binding; only admitted work is overdue."""
    clock.pin(dt.datetime(2027, 3, 1, 2, 0, tzinfo=dt.UTC))
    secretary = seed.people["community_secretary"]
    figures = figures_of(workbench_sections(secretary))["370203031001"]
    community = Organisation.objects.get(code="370203031001")
    open_admitted = Assignment.objects.filter(
        community=community, admitted=True, state__in=["received", "accepted", "returned"]
    )
    unadmitted = Assignment.objects.filter(community=community, admitted=False, state="received")
    assert figures["tasks_overdue"].count == open_admitted.count() > 0
    assert figures["to_refuse"].count == unadmitted.count() > 0
    assert all(not e.overdue and not e.binding for e in figures["to_refuse"].entries)
    assert all(e.overdue and e.binding for e in figures["tasks_overdue"].entries)
    inbox = signed_in(secretary).get("/dispatch/inbox/?show=overdue")
    assert inbox.context["unadmitted"] == []
    assert len(inbox.context["admitted"]) == open_admitted.count()


def test_the_reads_cost_a_fixed_number_of_queries_for_a_person_with_many_roles(
    seed: GridSeed,
) -> None:
    """A community secretary who is also a subdistrict officer, a department clerk, an
    inspector and a social organisation's staff: five sections, and the same queries with more
    work waiting."""
    person = seed.people["community_secretary"]
    for code, role in (
        ("370203031", "officer"),
        ("DEPT-MZ", "clerk"),
        ("SUP-GOV", "inspector"),
        ("SO-1", "staff"),
    ):
        membership_grant(
            actor=None,
            user=person,
            organisation=Organisation.objects.get(code=code),
            role=role,
            active_from=dt.date(2020, 1, 1),
        )

    def measured() -> tuple[int, list[Section]]:
        forget_grants(person)
        with CaptureQueriesContext(connection) as queries:
            sections = workbench_sections(person)
        return len(queries), sections

    first, sections = measured()
    # In the order of the organisation tree (paths).
    assert [s.kind for s in sections] == [
        "subdistrict",
        "community",
        "department",
        "social_org",
        "supervision_office",
    ]
    for day in (14, 21):
        task_send(
            actor=seed.people["department_clerk"],
            request=TaskRequest(
                department_code="DEPT-MZ",
                item_code=None,
                title=f"再一项未准入任务 {day}",
                task_type="work",
                starts_on=clock.today(),
                due_on=clock.today() + dt.timedelta(days=day),
                targets=Targets("communities", ("370203031001", "370203031002")),
            ),
        )
    again, _sections = measured()
    assert again == first
    assert first == QUERIES_FIVE_SECTIONS


def _each_number_is_its_list(user: Any, keys: set[str]) -> dict[tuple[str, str], int]:
    """The figures named, per (organisation, key): each checked against the list its link
    opens for this person."""
    client = signed_in(user)
    counts = {}
    for section in workbench_sections(user):
        for figure in section.figures:
            if figure.key not in keys:
                continue
            response = client.get(figure.url)
            assert response.status_code == 200, figure.url
            assert listed(response) == figure.count, (section.organisation_code, figure.key)
            counts[(section.organisation_code, figure.key)] = figure.count
    return counts


def test_someone_acting_for_two_departments_sees_each_ones_orders_behind_its_numbers(
    seed: GridSeed,
) -> None:
    """DEPT-MZ's clerk also clerks for DEPT-WJ: each section's order numbers link to that
    department's orders only (`?department=`), so DEPT-WJ's section, with no orders, lists none
    of DEPT-MZ's."""
    clerk = seed.people["department_clerk"]
    membership_grant(
        actor=None,
        user=clerk,
        organisation=Organisation.objects.get(code="DEPT-WJ"),
        role="clerk",
        active_from=dt.date(2020, 1, 1),
    )
    forget_grants(clerk)
    keys = {"orders_overdue", "orders_returned", "orders_issued"}
    counts = _each_number_is_its_list(clerk, keys)
    assert {code for code, _key in counts} == {"DEPT-MZ", "DEPT-WJ"}
    assert counts[("DEPT-MZ", "orders_issued")] > 0
    assert all(counts[("DEPT-WJ", key)] == 0 for key in keys)
    mz = figures_of(workbench_sections(clerk))["DEPT-MZ"]["orders_issued"]
    assert "department=DEPT-MZ" in mz.url
    listed_orders = signed_in(clerk).get(mz.url).context["page"].rows
    assert {order.department.code for order in listed_orders} == {"DEPT-MZ"}


def test_a_department_counts_the_funding_shares_it_owes_as_the_balances_list_them(
    seed: GridSeed,
) -> None:
    """Who delegates pays: DEPT-MZ funds GRID-FUND for 2025 (nothing paid) and 2026 (¥1,000.00
    paid to one community). On 5 January 2027 the 2025 shares are overdue and the 2026 shares
    due (their period ended, the deadline 20 working days later); paying one 2025 share in full
    takes it off the overdue number. DEPT-WJ owes nothing."""
    commitment_record(
        actor=seed.people["office_officer"],
        request=CommitmentRequest(
            item_code="GRID-FUND",
            payer_code="DEPT-MZ",
            period_start=dt.date(2025, 1, 1),
            terms=CommitmentTerms(
                amount="10000.00", budget_line="民政专项", period_end=dt.date(2025, 12, 31)
            ),
        ),
    )
    clock.pin(dt.datetime(2027, 1, 5, 2, 0, tzinfo=dt.UTC))
    keys = {"payments_overdue", "payments_due"}
    before = _each_number_is_its_list(seed.people["department_clerk"], keys)
    assert before[("DEPT-MZ", "payments_overdue")] > 0
    assert before[("DEPT-MZ", "payments_due")] > 0
    other = _each_number_is_its_list(seed.people["department_clerk_other"], keys)
    assert other == {("DEPT-WJ", "payments_overdue"): 0, ("DEPT-WJ", "payments_due"): 0}
    overdue = figures_of(workbench_sections(seed.people["department_clerk"]))["DEPT-MZ"][
        "payments_overdue"
    ]
    assert all(entry.overdue for entry in overdue.entries)
    payment_record(
        actor=seed.people["department_clerk"],
        commitment=FundingCommitment.objects.get(
            catalog_item__code="GRID-FUND", period_start=dt.date(2025, 1, 1)
        ),
        request=PaymentRequest(
            community_code="370203031002",
            amount="10000.00",
            paid_on=dt.date(2027, 1, 4),
            voucher_number="WB-2025-1",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
        ),
    )
    after = _each_number_is_its_list(seed.people["department_head"], keys)
    assert after == {
        **before,
        ("DEPT-MZ", "payments_overdue"): before[("DEPT-MZ", "payments_overdue")] - 1,
    }


# Measured (SQLite and PostgreSQL alike): the grants, then each section's reads, the working-day
# calendar's included. More rows waiting must not change it (the test adds two tasks).
# The department's applications also read the working days of their round's decision window
# (the calendar's overrides and years: two queries, whatever the number of applications).
QUERIES_FIVE_SECTIONS = (
    34  # with the walk-in count, the funding shares owed, the certificate counts, round windows
)


# The page ---------------------------------------------------------------------------------------


def test_the_page_in_chinese_links_every_number(seed: GridSeed) -> None:
    response = signed_in(seed.people["community_secretary"]).get("/workbench/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "<h1>工作台</h1>" in text
    assert "可拒绝的未准入任务" in text
    assert "商邱路社区" in text
    assert 'href="/dispatch/inbox/?community=370203031001&amp;show=to_refuse"' in text
    assert "年" in response.context["today"].strftime("%Y年")
    assert f"{clock.today().year}年{clock.today().month}月{clock.today().day}日" in text
    assert 'data-testid="nav-workbench"' in text


def test_the_page_in_english(seed: GridSeed) -> None:
    client = signed_in(seed.people["department_clerk"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get("/workbench/").content.decode()
    assert "<h1>Workbench</h1>" in text
    assert "Tasks refused by communities" in text
    assert "可拒绝" not in text


def test_someone_with_no_role_is_told_so(seed: GridSeed) -> None:
    text = signed_in(seed.people["no_role"]).get("/workbench/").content.decode()
    assert 'data-testid="no-roles"' in text
    assert "委员会办公室授予" in text


def test_signing_in_lands_on_the_workbench_unless_asked_for_another_page(seed: GridSeed) -> None:
    client = Client()
    answer = client.post(
        reverse("login"), {"username": "community_secretary", "password": PASSWORD}
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/workbench/"
    client = Client()
    answer = client.post(
        f"{reverse('login')}?next=/catalog/",
        {"username": "community_secretary", "password": PASSWORD, "next": "/catalog/"},
    )
    assert answer["Location"] == "/catalog/"
    assert Client().get("/workbench/")["Location"].startswith("/accounts/login/")


def test_the_home_page_leads_residents_to_file_track_and_sign_up(seed: GridSeed) -> None:
    text = Client().get("/").content.decode()
    for testid, path, label in (
        ("home-file-matter", reverse("matters_public:matter_new"), "向社区反映"),
        ("home-track-matter", reverse("matters_public:matter_track"), "查询办理进度"),
        ("home-programmes", reverse("programmes_public:programmes"), "活动报名"),
    ):
        assert f'href="{path}" data-testid="{testid}"' in text
        assert label in text
        assert Client().get(path).status_code == 200
    assert 'data-testid="nav-file-matter"' in text
    assert 'data-testid="nav-workbench"' not in text
