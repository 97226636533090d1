"""The purchase-of-services pages: the list (filters, XLSX, a constant query count), a social
organisation's home (work redirected to it, deliverables due, instalments received), the draft
form (from scratch and filled from a redirected application), a contract with its buttons per
state and role, the steps posted from it, the department's refused work with its redirect form,
and the link on a refused assignment's page."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from communitygate.contracts.models import (
    Contract,
    ContractStates,
    DeliverableFile,
    RedirectedWork,
)
from communitygate.contracts.services import deliverable_submit, work_redirect
from communitygate.core import clock
from communitygate.testing import World, make_item, signed_in

from .support import COMMUNITY, MONDAY, drafted, paid, refused_assignment, signed
from .test_services import redirected_application

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"x" * 32


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(MONDAY)


def test_the_list_filters_exports_and_costs_the_same_whatever_its_length(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        paid(world, signed(world, number=f"MZ-{n}"), "10.00", f"V-{n}")
    drafted(world, "department_clerk_other", number="WJ-1", community_codes=("370203014001",))
    client = signed_in(world.user("auditor"))
    with django_assert_max_num_queries(8):
        page = client.get("/contracts/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('data-testid="contract-') >= 4
    assert "¥10.00" in body
    filtered = client.get("/contracts/?buyer=DEPT-WJ&state=draft").content.decode()
    assert "WJ-1" in filtered and "MZ-0" not in filtered
    assert "MZ-0" not in client.get("/contracts/?year=abc").content.decode()
    export = client.get("/contracts/export.xlsx?buyer=DEPT-MZ")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    numbers = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert numbers == ["MZ-0", "MZ-1", "MZ-2"]


def test_the_nav_link_is_for_those_who_see_contracts(world: World) -> None:
    assert (
        'data-testid="nav-contracts"'
        in signed_in(world.user("social_org_staff"))
        .get("/accounts/notifications/")
        .content.decode()
    )
    assert (
        'data-testid="nav-contracts"'
        not in signed_in(world.user("committee_member"))
        .get("/accounts/notifications/")
        .content.decode()
    )
    assert signed_in(world.user("committee_member")).get("/contracts/").status_code == 404


def test_a_social_organisations_home(world: World) -> None:
    contract = signed(world)
    paid(world, contract, "5000.00", "V-1")
    assignment = refused_assignment(world)
    work_redirect(actor=world.user("department_clerk"), assignment=assignment, contract=contract)
    body = signed_in(world.user("social_org_staff")).get("/contracts/").content.decode()
    for section in ("redirected-work", "deliverables-due", "instalments-received"):
        assert f'data-testid="{section}"' in body
    assert "养老台账" in body
    assert "第一季度服务记录" in body
    assert "¥5,000.00" in body


def test_a_contract_is_drafted_from_a_redirected_application(world: World) -> None:
    application = redirected_application(world)
    client = signed_in(world.user("department_clerk"))
    listed = client.get("/contracts/").content.decode()
    assert f'data-testid="draft-from-{application.pk}"' in listed
    form = client.get(f"/contracts/new/?application={application.pk}").content.decode()
    assert 'data-testid="from-application"' in form
    assert "12000.00" in form
    answer = client.post(
        "/contracts/new/",
        {
            "buyer": "DEPT-MZ",
            "number": "市北民购〔2026〕1号",
            "title": "独居老人助餐",
            "social_org": "SO-1",
            "amount": "12000.00",
            "period_start": "2026-09-01",
            "period_end": "2026-12-31",
            "communities": [COMMUNITY],
            "deliverables": "2026-12-31 服务总结报告",
            "application": application.pk,
        },
    )
    contract = Contract.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/contracts/{contract.pk}/"
    assert contract.application == application
    again = client.get("/contracts/").content.decode()
    assert f'data-testid="draft-from-{application.pk}"' not in again


def test_a_bad_draft_shows_its_problems_beside_the_fields(world: World) -> None:
    client = signed_in(world.user("department_clerk"))
    answer = client.post(
        "/contracts/new/",
        {
            "buyer": "DEPT-MZ",
            "number": "X",
            "title": "T",
            "social_org": "SO-1",
            "amount": "0",
            "period_start": "2026-09-01",
            "period_end": "2026-12-31",
            "communities": [COMMUNITY],
            "deliverables": "末尾 报告",
        },
    )
    assert answer.status_code == 200
    assert 'data-testid="errors-deliverables"' in answer.content.decode()
    answer = client.post(
        "/contracts/new/",
        {
            "buyer": "DEPT-MZ",
            "number": "X",
            "title": "T",
            "social_org": "SO-1",
            "amount": "0",
            "period_start": "2026-09-01",
            "period_end": "2026-12-31",
            "communities": [COMMUNITY],
            "deliverables": "2026-12-01 报告",
        },
    )
    assert 'data-testid="errors-amount"' in answer.content.decode()
    assert not Contract.objects.exists()


def test_the_contracts_life_through_its_pages(world: World) -> None:
    contract = drafted(world)
    clerk = signed_in(world.user("department_clerk"))
    staff = signed_in(world.user("social_org_staff"))
    path = f"/contracts/{contract.pk}/"
    page = clerk.get(path).content.decode()
    assert 'data-testid="sign-form"' in page and 'data-testid="accept-form"' not in page
    assert (
        'data-testid="sign-form"' not in signed_in(world.user("auditor")).get(path).content.decode()
    )
    assert clerk.post(f"{path}sign/", {"signed_on": "2026-08-28"}).status_code == 302
    deliverable = contract.deliverables.order_by("due_on").first()
    assert deliverable is not None
    assert f'data-testid="submit-{deliverable.pk}"' in staff.get(path).content.decode()
    answer = staff.post(
        f"{path}deliverables/{deliverable.pk}/submit/",
        {"note": "服务记录", "attachments": SimpleUploadedFile("r.pdf", PDF)},
    )
    assert answer.status_code == 302
    attached = DeliverableFile.objects.get()
    download = staff.get(f"{path}files/{attached.pk}/")
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert clerk.get(f"{path}files/{attached.pk}/").status_code == 200
    assert signed_in(world.user("no_role")).get(f"{path}files/{attached.pk}/").status_code == 404
    for other in contract.deliverables.exclude(pk=deliverable.pk).select_related("contract"):
        deliverable_submit(actor=world.user("social_org_staff"), deliverable=other, note="交")
    assert 'data-testid="accept-form"' in clerk.get(path).content.decode()
    assert clerk.post(f"{path}accept/", {"grade": "good", "evaluation": "按期"}).status_code == 302
    contract.refresh_from_db()
    assert (contract.state, contract.evaluation_grade) == (ContractStates.ACCEPTED, "good")
    assert (
        clerk.post(
            f"{path}instalments/",
            {"amount": "20000.00", "paid_on": "2026-11-20", "voucher_number": "V-1"},
        ).status_code
        == 302
    )
    instalment = contract.instalments.get()
    assert staff.post(f"{path}instalments/{instalment.pk}/confirm/").status_code == 302
    instalment.refresh_from_db()
    assert instalment.state == "confirmed"
    # the auditor reads and writes nothing
    auditor = signed_in(world.user("auditor"))
    assert auditor.post(f"{path}terminate/", {"reason": "x"}).status_code == 403
    assert (
        auditor.post(
            f"{path}instalments/",
            {"amount": "1.00", "paid_on": "2026-11-20", "voucher_number": "V-2"},
        ).status_code
        == 403
    )


def test_an_instalment_beyond_the_amount_is_a_message_not_a_row(world: World) -> None:
    contract = signed(world)
    clerk = signed_in(world.user("department_clerk"))
    answer = clerk.post(
        f"/contracts/{contract.pk}/instalments/",
        {"amount": "20000.01", "paid_on": "2026-11-20", "voucher_number": "V-1"},
        follow=True,
    )
    assert "超出合同金额" in answer.content.decode()
    assert not contract.instalments.exists()


def test_refused_work_is_redirected_from_its_page(
    world: World, django_assert_max_num_queries: Any
) -> None:
    contract = signed(world)
    assignments = [refused_assignment(world, title=f"台账{n}") for n in range(3)]
    clerk = signed_in(world.user("department_clerk"))
    with django_assert_max_num_queries(9):
        page = clerk.get("/contracts/refused-work/").content.decode()
    assert all(f'data-testid="redirect-{a.pk}"' in page for a in assignments)
    assert signed_in(world.user("auditor")).get("/contracts/refused-work/").status_code == 404
    first = assignments[0]
    detail = clerk.get(f"/dispatch/assignments/{first.pk}/").content.decode()
    assert 'data-testid="redirect-link"' in detail
    community_view = signed_in(world.user("community_secretary")).get(
        f"/dispatch/assignments/{first.pk}/"
    )
    assert 'data-testid="redirect-link"' not in community_view.content.decode()
    forbidden = signed_in(world.user("community_secretary")).post(
        f"/contracts/refused-work/{first.pk}/redirect/", {"contract": contract.pk}
    )
    assert forbidden.status_code == 403
    answer = clerk.post(
        f"/contracts/refused-work/{first.pk}/redirect/", {"contract": contract.pk, "note": "请承接"}
    )
    assert answer.status_code == 302
    assert RedirectedWork.objects.get().assignment_id == first.pk
    assert (
        'data-testid="redirected-to"'
        in clerk.get(f"/dispatch/assignments/{first.pk}/").content.decode()
    )


def test_the_contract_form_picks_catalog_items_by_name(world: World) -> None:
    make_item(world, "MZ-7", name="独居老人助餐服务")
    client = signed_in(world.user("department_clerk"))
    form = client.get("/contracts/new/").content.decode()
    assert 'name="catalog_items"' in form and 'data-picker="search"' in form
    assert '<option value="MZ-7">MZ-7 独居老人助餐服务</option>' in form
    answer = client.post(
        "/contracts/new/",
        {
            "buyer": "DEPT-MZ",
            "number": "市北民购〔2026〕7号",
            "title": "独居老人助餐",
            "social_org": "SO-1",
            "amount": "12000.00",
            "period_start": "2026-09-01",
            "period_end": "2026-12-31",
            "communities": [COMMUNITY],
            "catalog_items": ["MZ-7"],
            "deliverables": "2026-12-31 服务总结报告",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert [item.code for item in Contract.objects.get().catalog_items.all()] == ["MZ-7"]
