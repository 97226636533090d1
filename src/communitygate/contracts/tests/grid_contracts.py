"""The permission grid's rows for purchase of services (pages and API; see web/tests/grid.py).

Seeded at the grid's moment (Monday 23 November 2026) through the services, all of DEPT-MZ with
SO-1 for 370203031001: a draft ({ct_draft}); a signed contract with a deliverable due
({ct_due}) and an instalment recorded ({ct_instalment}); a signed contract whose deliverable is
handed in with a file ({ct_file}), ready for its acceptance ({ct_ready}); and DEPT-WJ's draft
with another social organisation for 370203014001 ({ct_other}). A DEPT-MZ task unadmitted and
refused by 370203031001 ({ct_refused}).

Who reads: the office, supervision and the audit bureau everything; the buyer's staff its own;
a social organisation its own only (SO-1 never sees {ct_other}); a community's staff the
contracts naming their community. Who writes: the buyer signs, accepts, terminates, records
instalments and redirects refused work; the social organisation hands in deliverables and
confirms receipts. The auditor reads everything and writes nothing (403 on every step)."""

import datetime as dt
from typing import Any

from communitygate.audit.models import AuditEvent
from communitygate.contracts.models import (
    Contract,
    ContractDeliverable,
    ContractInstalment,
    DeliverableFile,
    RedirectedWork,
)
from communitygate.contracts.services import (
    ContractRequest,
    DeliverableRequest,
    InstalmentRequest,
    contract_draft,
    contract_sign,
    deliverable_submit,
    instalment_record,
)
from communitygate.core import clock
from communitygate.core.uploads import FileUpload
from communitygate.dispatch.models import Assignment
from communitygate.dispatch.services import Targets, TaskRequest, assignment_refuse, task_send
from communitygate.orgs.services import organisation_create
from communitygate.testing import World
from communitygate.web.tests.grid import (
    CREATED,
    FORBIDDEN,
    NOT_FOUND,
    PAGE,
    REDIRECT,
    SIGN_IN,
    SIGNED_OUT,
    UNAUTHENTICATED,
    GridPart,
    Outcome,
    row,
)

OVERSEERS = ("office_admin", "office_officer", "inspector", "supervision_head", "auditor")
MZ = ("department_clerk", "department_head")  # the buyer
SO = ("social_org_staff",)  # SO-1's staff
STAFF = ("community_secretary", "community_worker")  # 370203031001
SEES_MZ = (*OVERSEERS, *MZ, *SO, *STAFF)
SEES_OTHER = (*OVERSEERS, "department_clerk_other", "community_secretary_other")
BUYERS = (*MZ, "department_clerk_other", "subdistrict_officer", "subdistrict_officer_other")
DEPARTMENTS = (*MZ, "department_clerk_other")
READERS = (*SEES_MZ, *BUYERS, "community_secretary_other")
# Who sees the refused assignment: the overseers, the community, its subdistrict, DEPT-MZ.
SEES_ASSIGNMENT = (*OVERSEERS, *STAFF, "subdistrict_officer", *MZ)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _request(number: str, **overrides: Any) -> ContractRequest:
    values: dict[str, Any] = {
        "number": number,
        "title": "网格购买服务",
        "social_org_code": "SO-1",
        "amount": "10000.00",
        "period_start": dt.date(2026, 9, 1),
        "period_end": dt.date(2027, 6, 30),
        "community_codes": ("370203031001",),
        "deliverables": (DeliverableRequest("网格服务报告", dt.date(2026, 12, 31)),),
    }
    values.update(overrides)
    return ContractRequest(**values)


def seed(world: World) -> dict[str, Any]:
    clock.pin(dt.datetime(2026, 11, 23, 2, tzinfo=dt.UTC))
    clerk, staff = world.user("department_clerk"), world.user("social_org_staff")
    draft = contract_draft(actor=clerk, request=_request("GRID-GM-1"))
    due = contract_sign(
        actor=clerk,
        contract=contract_draft(actor=clerk, request=_request("GRID-GM-2")),
        signed_on=dt.date(2026, 8, 28),
    )
    instalment = instalment_record(
        actor=clerk,
        contract=due,
        request=InstalmentRequest("2000.00", dt.date(2026, 11, 20), "GRID-GM-PZ-1"),
    )
    ready = contract_sign(
        actor=clerk,
        contract=contract_draft(actor=clerk, request=_request("GRID-GM-3")),
        signed_on=dt.date(2026, 8, 28),
    )
    handed_in = deliverable_submit(
        actor=staff,
        deliverable=ContractDeliverable.objects.select_related("contract").get(contract=ready),
        note="网格成果",
        files=[FileUpload("网格成果.pdf", PDF)],
    )
    other_org = organisation_create(
        actor=None,
        code="SO-GRID-2",
        name="网格另一社会组织",
        name_en="",
        kind="social_org",
        parent=world.org("district"),
    )
    other = contract_draft(
        actor=world.user("department_clerk_other"),
        request=_request(
            "GRID-WJ-1", social_org_code=other_org.code, community_codes=("370203014001",)
        ),
    )
    task = task_send(
        actor=clerk,
        request=TaskRequest(
            department_code="DEPT-MZ",
            item_code=None,
            title="网格被拒任务",
            task_type="report",
            starts_on=dt.date(2026, 11, 23),
            due_on=dt.date(2026, 12, 18),
            targets=Targets("communities", ("370203031001",)),
        ),
    )
    refused = assignment_refuse(
        actor=world.user("community_secretary"),
        assignment=Assignment.objects.get(task=task),
        comment="网格拒绝",
    )
    return {
        "ct_draft": draft.pk,
        "ct_due": due.pk,
        "ct_deliverable": ContractDeliverable.objects.get(contract=due).pk,
        "ct_instalment": instalment.pk,
        "ct_ready": ready.pk,
        "ct_file": DeliverableFile.objects.get(deliverable=handed_in).pk,
        "ct_other": other.pk,
        "ct_refused": refused.pk,
    }


def page_row(sees: tuple[str, ...], seen: Outcome, *cells: Any) -> dict[str, Outcome]:
    """Signed-out people sign in; whoever cannot see the contract 404; whoever can `seen`;
    then each cell overrides."""
    return row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (sees, seen), *cells)


def api_row(sees: tuple[str, ...], seen: Outcome, *cells: Any) -> dict[str, Outcome]:
    return row(NOT_FOUND, (SIGNED_OUT, UNAUTHENTICATED), (sees, seen), *cells)


P = "/contracts"
A = "/api/v1/contracts"

MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    # Pages
    ("GET", f"{P}/"): page_row(READERS, PAGE),
    ("GET", f"{P}/export.xlsx?state=signed"): page_row(READERS, PAGE),
    ("GET", f"{P}/new/"): page_row(BUYERS, PAGE),
    # Another buyer's form answers 200 with the error (DEPT-MZ is not theirs to choose).
    ("POST", f"{P}/new/"): page_row(BUYERS, PAGE, (MZ, REDIRECT)),
    ("GET", f"{P}/refused-work/"): page_row(DEPARTMENTS, PAGE),
    ("POST", f"{P}/refused-work/{{ct_refused}}/redirect/"): page_row(
        SEES_ASSIGNMENT, FORBIDDEN, (MZ, REDIRECT)
    ),
    ("GET", f"{P}/{{ct_due}}/"): page_row(SEES_MZ, PAGE),
    ("GET", f"{P}/{{ct_other}}/"): page_row(SEES_OTHER, PAGE),
    ("POST", f"{P}/{{ct_draft}}/sign/"): page_row(SEES_MZ, FORBIDDEN, (MZ, REDIRECT)),
    ("POST", f"{P}/{{ct_draft}}/terminate/"): page_row(SEES_MZ, FORBIDDEN, (MZ, REDIRECT)),
    ("POST", f"{P}/{{ct_ready}}/accept/"): page_row(SEES_MZ, FORBIDDEN, (MZ, REDIRECT)),
    ("POST", f"{P}/{{ct_due}}/instalments/"): page_row(SEES_MZ, FORBIDDEN, (MZ, REDIRECT)),
    ("POST", f"{P}/{{ct_due}}/instalments/{{ct_instalment}}/confirm/"): page_row(
        SEES_MZ, FORBIDDEN, (SO, REDIRECT)
    ),
    ("POST", f"{P}/{{ct_due}}/deliverables/{{ct_deliverable}}/submit/"): page_row(
        SEES_MZ, FORBIDDEN, (SO, REDIRECT)
    ),
    ("GET", f"{P}/{{ct_ready}}/files/{{ct_file}}/"): page_row(SEES_MZ, PAGE),
    # API
    ("GET", A): row(PAGE, (SIGNED_OUT, UNAUTHENTICATED)),
    ("POST", A): row(FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (MZ, CREATED)),
    ("GET", f"{A}/{{ct_due}}"): api_row(SEES_MZ, PAGE),
    ("GET", f"{A}/{{ct_other}}"): api_row(SEES_OTHER, PAGE),
    ("POST", f"{A}/{{ct_draft}}/sign"): api_row(SEES_MZ, FORBIDDEN, (MZ, PAGE)),
    ("POST", f"{A}/{{ct_draft}}/terminate"): api_row(SEES_MZ, FORBIDDEN, (MZ, PAGE)),
    ("POST", f"{A}/{{ct_ready}}/accept"): api_row(SEES_MZ, FORBIDDEN, (MZ, PAGE)),
    ("POST", f"{A}/{{ct_due}}/instalments"): api_row(SEES_MZ, FORBIDDEN, (MZ, CREATED)),
    ("POST", f"{A}/{{ct_due}}/instalments/{{ct_instalment}}/confirm-receipt"): api_row(
        SEES_MZ, FORBIDDEN, (SO, PAGE)
    ),
    # The contract first, then the assignment: SO-1 sees the contract, not the assignment.
    ("POST", f"{A}/{{ct_due}}/redirected-work"): api_row(
        SEES_MZ, FORBIDDEN, (SO, NOT_FOUND), (MZ, CREATED)
    ),
}


def _draft_form(seed: Any) -> dict[str, Any]:
    return {
        "buyer": "DEPT-MZ",
        "number": "GRID-GM-NEW",
        "title": "网格新合同",
        "social_org": "SO-1",
        "amount": "5000.00",
        "period_start": "2026-12-01",
        "period_end": "2027-11-30",
        "communities": ["370203031001"],
        "deliverables": "2027-11-30 网格总结",
    }


PAYLOADS: dict[tuple[str, str], Any] = {
    ("POST", f"{P}/new/"): _draft_form,
    ("POST", f"{P}/refused-work/{{ct_refused}}/redirect/"): lambda seed: {
        "contract": seed.extra["ct_due"],
        "note": "网格转交",
    },
    ("POST", f"{P}/{{ct_draft}}/sign/"): lambda seed: {"signed_on": "2026-11-20"},
    ("POST", f"{P}/{{ct_draft}}/terminate/"): lambda seed: {"reason": "网格终止"},
    ("POST", f"{P}/{{ct_ready}}/accept/"): lambda seed: {"grade": "good", "evaluation": "网格验收"},
    ("POST", f"{P}/{{ct_due}}/instalments/"): lambda seed: {
        "amount": "1000.00",
        "paid_on": "2026-11-23",
        "voucher_number": "GRID-GM-PZ-2",
    },
    ("POST", f"{P}/{{ct_due}}/instalments/{{ct_instalment}}/confirm/"): lambda seed: {},
    ("POST", f"{P}/{{ct_due}}/deliverables/{{ct_deliverable}}/submit/"): lambda seed: {
        "note": "网格提交"
    },
    ("POST", A): lambda seed: {
        "buyer": "DEPT-MZ",
        "number": "GRID-GM-API",
        "title": "网格接口合同",
        "social_org": "SO-1",
        "amount": "5000.00",
        "period_start": "2026-12-01",
        "period_end": "2027-11-30",
        "communities": ["370203031001"],
        "deliverables": [{"title": "网格总结", "due_on": "2027-11-30"}],
    },
    ("POST", f"{A}/{{ct_draft}}/sign"): lambda seed: {"signed_on": "2026-11-20"},
    ("POST", f"{A}/{{ct_draft}}/terminate"): lambda seed: {"reason": "网格终止"},
    ("POST", f"{A}/{{ct_ready}}/accept"): lambda seed: {"grade": "pass", "evaluation": "网格验收"},
    ("POST", f"{A}/{{ct_due}}/instalments"): lambda seed: {
        "amount": "1000.00",
        "paid_on": "2026-11-23",
        "voucher_number": "GRID-GM-PZ-3",
    },
    ("POST", f"{A}/{{ct_due}}/instalments/{{ct_instalment}}/confirm-receipt"): lambda seed: {},
    ("POST", f"{A}/{{ct_due}}/redirected-work"): lambda seed: {
        "assignment": seed.extra["ct_refused"]
    },
}


def _events(prefix: str) -> int:
    return AuditEvent.objects.filter(action__startswith=prefix).count()


def _contract(key: str) -> Any:
    def state(seed: Any) -> object:
        contract = Contract.objects.get(pk=seed.extra[key])
        return contract.state, contract.revision, contract.evaluation_grade, _events("contract.")

    return state


def _contracts(seed: Any) -> object:
    return Contract.objects.count(), _events("contract.draft")


def _instalments(seed: Any) -> object:
    return ContractInstalment.objects.count(), _events("contract_instalment.record")


def _receipt(seed: Any) -> object:
    instalment = ContractInstalment.objects.get(pk=seed.extra["ct_instalment"])
    return instalment.state, instalment.revision


def _deliverable(seed: Any) -> object:
    deliverable = ContractDeliverable.objects.get(pk=seed.extra["ct_deliverable"])
    return deliverable.state, deliverable.revision


def _redirected(seed: Any) -> object:
    return RedirectedWork.objects.count(), _events("contract.redirect_work")


EFFECTS: dict[tuple[str, str], Any] = {
    ("POST", f"{P}/new/"): _contracts,
    ("POST", f"{P}/refused-work/{{ct_refused}}/redirect/"): _redirected,
    ("POST", f"{P}/{{ct_draft}}/sign/"): _contract("ct_draft"),
    ("POST", f"{P}/{{ct_draft}}/terminate/"): _contract("ct_draft"),
    ("POST", f"{P}/{{ct_ready}}/accept/"): _contract("ct_ready"),
    ("POST", f"{P}/{{ct_due}}/instalments/"): _instalments,
    ("POST", f"{P}/{{ct_due}}/instalments/{{ct_instalment}}/confirm/"): _receipt,
    ("POST", f"{P}/{{ct_due}}/deliverables/{{ct_deliverable}}/submit/"): _deliverable,
    ("POST", A): _contracts,
    ("POST", f"{A}/{{ct_draft}}/sign"): _contract("ct_draft"),
    ("POST", f"{A}/{{ct_draft}}/terminate"): _contract("ct_draft"),
    ("POST", f"{A}/{{ct_ready}}/accept"): _contract("ct_ready"),
    ("POST", f"{A}/{{ct_due}}/instalments"): _instalments,
    ("POST", f"{A}/{{ct_due}}/instalments/{{ct_instalment}}/confirm-receipt"): _receipt,
    ("POST", f"{A}/{{ct_due}}/redirected-work"): _redirected,
}

PART = GridPart(seed=seed, matrix=MATRIX, payloads=PAYLOADS, effects=EFFECTS)
