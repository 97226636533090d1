"""The Shibei demo: its figures match the 2014 article, and loading it twice changes nothing."""

import datetime as dt
import hashlib
import html
import re
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from communitygate.admissions.models import Application, FundingCommitment
from communitygate.admissions.selectors import application_tally
from communitygate.audit.checkpoints import checkpoint_latest
from communitygate.audit.models import AuditEvent
from communitygate.audit.selectors import audit_chain_first_break
from communitygate.catalog.models import (
    CatalogEdition,
    CatalogItem,
    CertificateRule,
    Ledger,
    NegativeListEntry,
    Plaque,
)
from communitygate.core import clock
from communitygate.demo import data
from communitygate.dispatch.models import Assignment, Evidence, OffPlatformReport, Task
from communitygate.orgs.models import Organisation
from communitygate.oversight.models import (
    CorrectionOrder,
    Finding,
    Inspection,
    Notice,
    Violation,
    WallRecord,
)
from communitygate.testing import password_sign_in

# Every test reads the demo, seeded once for the package (conftest.py).
SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
]

DEMO_USERNAMES = {
    "office",
    "committee",
    "civil-affairs",
    "health",
    "statistics",
    "urban",
    "luoyanglu",
    "dunhualu",
    "shangqiulu",
    "yichunlu",
    "inspector",
    "inspector2",
    "supervision-head",
    "auditor",
    "so-staff",
}


def api_count(client, query: str) -> int:
    response = client.get(f"/api/v1/catalog/items?{query}")
    assert response.status_code == 200, response.content
    return int(response.json()["count"])


def test_the_article_figures_through_the_api(client) -> None:
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


def test_survey_burden_ledgers_and_plaques() -> None:
    # 249 ledgers from the survey, and the register the urgent approval of August 2026 created.
    assert Ledger.objects.count() == 250
    assert Ledger.objects.filter(code__in=[ledger.code for ledger in data.LEDGERS]).count() == 249
    assert Plaque.objects.count() == 97
    survey_items = CatalogItem.objects.filter(code__startswith="S2014-")
    assert survey_items.count() == 475
    assert Ledger.objects.filter(items__in=survey_items).distinct().count() == 249
    assert Plaque.objects.filter(items__in=survey_items).distinct().count() == 97


def test_reformed_delegated_items_are_funded() -> None:
    delegated = CatalogItem.objects.filter(item_class="delegated", status="active")
    assert delegated.count() == 6
    assert all(item.funding_per_community and item.funding_per_community > 0 for item in delegated)


def test_organisations_of_shibei() -> None:
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


def test_lists_and_editions() -> None:
    assert NegativeListEntry.objects.count() == len(data.NEGATIVE_LIST) >= 10
    assert CertificateRule.objects.filter(verdict="may_not_issue").count() == 20
    assert CertificateRule.objects.filter(verdict="may_issue").count() == 5
    titles = list(CatalogEdition.objects.order_by("number").values_list("title", flat=True))
    assert titles[:2] == ["2014年社区工作事项调查（改革前）", "社区工作准入目录（改革后）"]
    assert len(titles) == 5, "2 catalog editions + the July decision + the urgent approval + expiry"


def test_admission_history(client) -> None:
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["approved", "approved", "redirected", "rejected", "submitted"]
    assert not Application.objects.filter(item_class="statutory").exists()
    assert set(Application.objects.values_list("item_class", flat=True)) == {"delegated"}
    funded = Application.objects.get(status="approved", urgent=False)
    assert funded.funding_commitment.amount_per_community_per_year == Decimal("2000.00")
    rejected = Application.objects.get(status="rejected")
    assert not application_tally(rejected).passed
    assert Application.objects.get(status="redirected").proposed_social_org is not None
    assert Application.objects.filter(urgent=True, status="approved").count() == 1
    # Filed in November, the January 2027 application waits: the round opens only in January.
    waiting_round = Application.objects.get(status="submitted").review_round
    assert waiting_round is not None
    assert (waiting_round.year, waiting_round.month, waiting_round.status) == (2027, 1, "planned")
    # The committee decided as a body, in the round's month: six of its seven members met.
    meeting = funded.committee_meeting
    assert (meeting.held_on, meeting.members, meeting.votes.count()) == (
        dt.date(2026, 7, 20),
        7,
        6,
    )
    for decided in Application.objects.filter(review_round__isnull=False, decided_at__isnull=False):
        assert decided.review_round is not None and decided.decided_at is not None
        month = clock.local_date(decided.decided_at).replace(day=1)
        assert month in {
            dt.date(decided.review_round.year, decided.review_round.month, 1),
            dt.date(decided.review_round.year, decided.review_round.month + 1, 1),
        }
    assert client.get("/decisions/").status_code == 200
    assert client.get(f"/decisions/{funded.number}/").status_code == 200


def test_admitted_items_carry_the_ledgers_their_applications_asked_for(client) -> None:
    """The burden travels with the item: the approved item and its edition entry list the
    ledger the application chose; the urgent one the register it asked to be created."""
    funded = Application.objects.get(status="approved", urgent=False)
    urgent = Application.objects.get(status="approved", urgent=True)
    assert funded.catalog_item is not None and urgent.catalog_item is not None
    assert list(funded.catalog_item.ledgers.values_list("code", flat=True)) == ["TZ-176"]
    created = urgent.catalog_item.ledgers.get()
    assert created.name == "台风期间独居老人转移安置登记表"
    assert created.department == urgent.applicant
    assert FundingCommitment.objects.filter(application=urgent).exists()
    entry = funded.catalog_item.entries.order_by("edition__number").first()
    assert entry is not None
    assert entry.fields["ledgers"] == [["TZ-176", "居民医保参保缴费台账"]]
    answer = client.get(f"/api/v1/catalog/items/{funded.catalog_item.code}")  # last published
    assert answer.status_code == 200, answer.content
    assert answer.json()["ledgers"] == [{"code": "TZ-176", "name": "居民医保参保缴费台账"}]


GATE_REASONS = {
    "not_in_catalog",
    "item_not_active",
    "not_item_owner",
    "outside_item_scope",
    "type_not_allowed",
    "funding_not_committed",
    "on_negative_list",
}


def test_a_month_of_dispatch_admitted_assignments_in_every_state() -> None:
    admitted = Assignment.objects.filter(admitted=True)
    assert set(admitted.values_list("state", flat=True)) == {
        "received",
        "accepted",
        "submitted",
        "returned",
        "completed",
    }
    assert set(admitted.values_list("extension_state", flat=True)) >= {"granted", "declined"}
    granted = admitted.get(extension_state="granted")
    assert granted.extension_until is not None
    assert granted.due_on == granted.extension_until > granted.task.due_on
    declined = admitted.get(extension_state="declined")
    assert declined.due_on == declined.task.due_on
    assert admitted.exclude(deliverable_file="").exists()
    assert not Task.objects.filter(admitted=True).exclude(reasons=[]).exists()
    assert Task.objects.filter(target_mode="all", admitted=True).exists()
    assert 20 <= Task.objects.count() <= 30
    sent = Task.objects.values_list("created_at", flat=True)
    assert str(min(sent).date()) >= "2026-10-27" and str(max(sent).date()) <= "2026-11-26"


def test_a_month_of_dispatch_unadmitted_tasks_of_every_reason_some_refused() -> None:
    unadmitted = Task.objects.filter(admitted=False)
    codes = {reason["code"] for task in unadmitted for reason in task.reasons}
    assert codes == GATE_REASONS
    assert all(task.reasons for task in unadmitted)
    alone = {task.reasons[0]["code"] for task in unadmitted if len(task.reasons) == 1}
    assert alone >= GATE_REASONS - {"outside_item_scope", "on_negative_list"}
    refused = Assignment.objects.filter(state="refused")
    assert refused.count() >= 10
    assert not refused.filter(admitted=True).exists(), "an admitted task cannot be refused"
    assert set(refused.values_list("community__name", flat=True)) == {"商邱路社区", "伊春路社区"}
    assert Assignment.objects.filter(admitted=False, state="received").exists()
    assert set(Assignment.objects.filter(admitted=False).values_list("state", flat=True)) == {
        "received",
        "refused",
    }


def test_the_gate_inputs_funding_and_the_negative_list() -> None:
    delegated = {kept.code for kept in data.REFORMED_DELEGATED}
    recorded = FundingCommitment.objects.filter(catalog_item__code__in=delegated)
    assert recorded.count() == 6
    for commitment in recorded.select_related("catalog_item"):
        item = commitment.catalog_item
        assert item is not None
        assert commitment.payer_id == item.department_id
        assert commitment.amount_per_community_per_year == item.funding_per_community
    assert recorded.filter(period_end__isnull=True).count() == 5
    blocking = NegativeListEntry.objects.exclude(blocked_task_type="")
    assert list(blocking.values_list("code", "blocked_task_type")) == [("FM-20", "evaluation")]


def test_off_platform_reports_with_evidence_become_violations() -> None:
    reports = OffPlatformReport.objects.all()
    assert set(reports.values_list("channel", flat=True)) == {
        "phone",
        "chat_group",
        "paper",
        "meeting",
    }
    assert set(reports.values_list("reported_by__username", flat=True)) == {
        "shangqiulu",
        "yichunlu",
    }
    for report in reports:
        files = list(report.evidence.all())
        assert files, report
        for evidence in files:
            with evidence.file.open("rb") as stored:
                content = stored.read()
            assert content.startswith((b"%PDF-", b"\x89PNG"))
            assert hashlib.sha256(content).hexdigest() == evidence.sha256
    assert Evidence.objects.count() == reports.count()
    # Each unadmitted task and each report is a violation of the department named.
    violations = Counter(Violation.objects.values_list("department__name", "source"))
    assert violations[("区城市管理局", "unadmitted_task")] >= 2
    assert violations[("区城市管理局", "off_platform_report")] == 1
    refused = Assignment.objects.filter(task__department__name="区卫生健康局", state="refused")
    assert refused.count() >= 3


def test_demo_users_sign_in_with_the_printed_password(client) -> None:
    users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    assert users.count() == len(DEMO_USERNAMES)
    for user in users:
        assert user.first_name.startswith("演示用户"), "demo people are clearly marked"
    assert password_sign_in(client, "office", "demo-password-1")
    assert client.get("/catalog/office/").status_code == 200


def test_loading_twice_changes_no_data_and_keeps_the_chain(capsys) -> None:
    def counts() -> tuple[object, ...]:
        return (
            Organisation.objects.count(),
            CatalogItem.objects.count(),
            CatalogEdition.objects.count(),
            Application.objects.count(),
            FundingCommitment.objects.count(),
            Task.objects.count(),
            sorted(Assignment.objects.values_list("pk", "state", "extension_state", "due_on")),
            OffPlatformReport.objects.count(),
            Evidence.objects.count(),
            sorted(Violation.objects.values_list("pk", "state")),
            Inspection.objects.count(),
            Finding.objects.count(),
            sorted(Notice.objects.values_list("pk", "state", "number")),
            sorted(CorrectionOrder.objects.values_list("pk", "state")),
            WallRecord.objects.count(),
        )

    first = counts()  # the demo as loaded once
    call_command("seed_demo", password="second-password-2")
    assert first == counts()
    output = capsys.readouterr().out
    assert "second-password-2" in output
    assert get_user_model().objects.get(username="office").check_password("second-password-2")
    assert audit_chain_first_break() is None
    checkpoint = checkpoint_latest()  # the run ends by anchoring the chain outside the database
    assert checkpoint is not None
    assert checkpoint.head_id == AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]
    assert "审计链锚点" in output


def test_no_real_person_named_in_demo_data() -> None:
    """People appear only as roles; no personal name (a surname + given name) is in the data."""
    texts = [spec.name for spec in data.COMMUNITIES] + [item.name for item in data.SURVEY_ITEMS]
    titled = re.compile(r"(书记|主任|局长|区长)[\u4e00-\u9fff]{2,3}同志")
    assert not any(titled.search(text) for text in texts)


def test_every_catalog_items_decision_link_resolves(client) -> None:
    """Each published item's 准入文号 links to its decision: a platform decision's page, or for a
    document older than the platform (市北准入〔2014〕166号) a page that says so and lists its
    items — never a 404."""
    edition = CatalogEdition.objects.order_by("-number").first()
    assert edition is not None
    refs = {
        entry.fields["application_ref"]
        for entry in edition.entries.all()
        if entry.fields.get("application_ref")
    }
    assert len(refs) >= 6
    answers = {ref: client.get(f"/decisions/{ref}/").status_code for ref in sorted(refs)}
    assert set(answers.values()) == {200}, answers
    older = client.get("/decisions/市北准入〔2014〕166号/").content.decode()
    assert 'data-testid="decision-before-platform"' in older
    assert 'href="/catalog/items/' in older
    assert client.get("/decisions/市北准入〔1999〕1号/").status_code == 404


def test_the_survey_records_its_scope_and_the_history_runs_survey_then_june_2014() -> None:
    """The 2014 survey: 5 subdistricts and 50 communities, surveyed from September 2013, as data;
    then the access system of June 2014 — the catalog's first two editions, in that order."""
    survey, system = CatalogEdition.objects.order_by("number")[:2]
    assert (survey.surveyed_subdistricts, survey.surveyed_communities) == (5, 50)
    assert survey.surveyed_from == dt.date(2013, 9, 1)
    assert system.surveyed_communities is None
    published = system.published_at.astimezone(SHANGHAI)
    assert (published.year, published.month) == (2014, 6)
    assert survey.published_at < system.published_at


def test_the_editions_page_shows_the_surveys_scope(client) -> None:
    page = client.get("/catalog/editions/").content.decode()
    assert 'data-testid="survey-scope-1"' in page
    assert "5" in page and "50" in page


def test_every_application_files_assisting_work_as_delegated_with_its_records() -> None:
    """Work a department asks communities to assist with is delegated work (委托办理), never
    statutory daily work; its ledgers and plaques are records of the catalog."""
    applications = list(Application.objects.prefetch_related("ledgers", "plaques"))
    assert applications
    assert {a.item_class for a in applications} == {"delegated"}
    asked = [record for a in applications for record in (*a.ledgers.all(), *a.plaques.all())]
    assert asked and all(isinstance(record, (Ledger, Plaque)) for record in asked)


def test_every_catalog_items_document_link_on_its_page_answers(client) -> None:
    """Follow every decision link that an item page of the catalog in force shows: each 200."""
    edition = CatalogEdition.objects.order_by("-number").first()
    assert edition is not None
    followed = 0
    for entry in edition.entries.exclude(status="retired"):
        page = client.get(f"/catalog/items/{entry.code}/")
        assert page.status_code == 200, entry.code
        for link in re.findall(r'href="(/decisions/[^"]+)"', page.content.decode()):
            assert client.get(html.unescape(link)).status_code == 200, (entry.code, link)
            followed += 1
    assert followed >= 6
