"""The demo's year of supervision has what issue 10 lists: two inspections with findings (an
unadmitted plaque, a ledger no item requires), violations in every state, a published notice
naming two departments, correction orders accepted, returned and overdue, and every community's
register of plaques and ledgers filled from the catalog with a few flagged; the three demo
logins of the supervision offices."""

import pytest

from communitygate.accounts.models import Membership
from communitygate.catalog.selectors import admitted_wall_requirements
from communitygate.dispatch.models import OffPlatformReport, Task
from communitygate.orgs.models import Organisation
from communitygate.oversight.models import (
    CorrectionOrder,
    Finding,
    Inspection,
    Notice,
    Violation,
    ViolationSources,
    ViolationStates,
    WallRecord,
    WallSources,
)
from communitygate.oversight.selectors import notice_candidates, overdue_orders_to_name

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
]


def test_the_supervision_logins_and_their_offices() -> None:
    def held(username: str) -> set[tuple[str, str]]:
        return set(
            Membership.objects.filter(user__username=username, active_to__isnull=True).values_list(
                "organisation__code", "role"
            )
        )

    assert held("inspector") == {("SUP-PARTY", "inspector")}
    assert held("inspector2") == {("SUP-GOV", "inspector")}
    assert held("supervision-head") == {("SUP-PARTY", "head")}


def test_violations_in_every_state_from_every_cause_once() -> None:
    assert set(Violation.objects.values_list("state", flat=True)) == set(ViolationStates.values)
    assert set(Violation.objects.values_list("source", flat=True)) == {
        ViolationSources.UNADMITTED_TASK,
        ViolationSources.OFF_PLATFORM_REPORT,
        ViolationSources.INSPECTION_FINDING,
        ViolationSources.PAYMENT_OVERDUE,  # the year of money's overdue census share
    }
    assert Violation.objects.filter(source="payment_overdue").count() == 1
    unadmitted = Task.objects.filter(admitted=False)
    assert Violation.objects.filter(task__in=unadmitted).count() == unadmitted.count()
    assert not Violation.objects.filter(task__admitted=True).exists()
    reports = OffPlatformReport.objects.count()
    assert Violation.objects.filter(source="off_platform_report").count() == reports
    assert Violation.objects.filter(source="inspection_finding").count() == Finding.objects.count()
    for decided in Violation.objects.exclude(state=ViolationStates.OPEN):
        assert decided.decided_by is not None
        assert decided.decision_note or decided.state != ViolationStates.DISMISSED
        assert decided.department is not None or decided.state == ViolationStates.DISMISSED
    assert Violation.objects.filter(state="open", department__isnull=True).exists(), (
        "a finding whose department is still to be named"
    )


def test_two_inspections_found_an_unadmitted_plaque_and_an_unrequired_ledger() -> None:
    inspections = Inspection.objects.all()
    assert inspections.count() == 2
    assert set(inspections.values_list("office__code", "state")) == {
        ("SUP-PARTY", "completed"),
        ("SUP-GOV", "completed"),
    }
    for inspection in inspections:
        assert inspection.findings.exists()
        assert inspection.checklist and inspection.conclusion
    plaque = Finding.objects.filter(kind="unadmitted_plaque", wall_record__isnull=False)
    ledger = Finding.objects.get(kind="unrequired_ledger")
    assert plaque.exists()
    assert all(f.wall_record is not None and not f.wall_record.admitted for f in plaque)
    assert ledger.wall_record is not None
    assert (ledger.wall_record.kind, ledger.wall_record.admitted) == ("ledger", False)
    assert Finding.objects.filter(files__isnull=False).exists(), "photos and files"


def test_a_published_notice_names_two_departments_and_the_head_approved_it() -> None:
    published = Notice.objects.filter(state="published").order_by("sequence")
    assert list(published.values_list("number", flat=True)) == [
        "市北督通〔2026〕1号",
        "市北督通〔2026〕2号",
    ]
    first = published[0]
    assert set(first.departments.values_list("code", flat=True)) == {"DEPT-CG", "DEPT-GA"}
    for notice in published:
        assert notice.approved_by is not None
        assert notice.approved_by.username == "supervision-head"
        assert notice.approved_by_id != notice.drafted_by_id
    waiting = Notice.objects.get(state="draft")
    assert waiting.approved_by is None, "a draft for the head to approve"
    assert waiting.overdue_orders.exists()


def test_correction_orders_accepted_returned_and_overdue() -> None:
    orders = {order.state: order for order in CorrectionOrder.objects.select_related("department")}
    assert set(orders) == {"accepted", "returned", "overdue"}
    accepted = orders["accepted"]
    assert accepted.accepted_on_time is True
    assert accepted.evidence.exists()
    assert set(accepted.violations.values_list("state", flat=True)) == {"corrected"}
    assert orders["returned"].return_reason
    assert orders["returned"].first_answered_on is not None
    overdue = orders["overdue"]
    assert overdue.overdue_since is not None and overdue.overdue_since > overdue.due_on
    assert list(overdue_orders_to_name()) == [overdue], "listed for the next notice"
    assert notice_candidates().exists(), "a confirmed violation waits for a notice"


def test_every_communitys_wall_is_filled_from_the_catalog_with_a_few_flagged() -> None:
    requirements = admitted_wall_requirements()
    required = len(requirements.plaques) + len(requirements.ledgers)
    communities = Organisation.objects.filter(kind="community")
    from_catalog = WallRecord.objects.filter(source=WallSources.CATALOG, admitted=True)
    assert from_catalog.count() == communities.count() * required
    assert from_catalog.values("community").distinct().count() == communities.count()
    flagged = WallRecord.objects.filter(admitted=False)
    assert 3 <= flagged.count() <= 10
    assert set(flagged.values_list("kind", flat=True)) == {"plaque", "ledger"}
    taken_down = flagged.exclude(removed_on=None)
    assert taken_down.count() == 1, "a plaque taken down after the notice, kept with its date"
