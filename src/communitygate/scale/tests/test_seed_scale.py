"""`seed_scale` at a tiny size: the declared counts, the same city for the same seed, the
refusal of a database that is not empty, and the data read through the burden dashboard's
readers (insights.received). The city is built twice for the module (once rolled back, to
compare), then read by every test inside its own savepoint."""

import datetime as dt
import hashlib
import io
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.db.models import Count

from communitygate.audit.models import AuditEvent
from communitygate.catalog.selectors import IN_FORCE
from communitygate.core import clock
from communitygate.core.crypto import unseal
from communitygate.core.periods import Period
from communitygate.core.phones import PHONE_KIND
from communitygate.demo import data as demo_data
from communitygate.dispatch.models import Assignment, AssignmentStates, OffPlatformReport, Task
from communitygate.funding.models import Payment
from communitygate.insights import received
from communitygate.matters.models import Matter
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.oversight.models import Violation, ViolationSources
from communitygate.scale import groundwork, resident_matters, traffic
from communitygate.scale.city import CityOptions, CityReport, build_city, database_refusal
from communitygate.scale.progress import QUIET
from communitygate.scale.traffic import Window
from communitygate.testing import Shared, shared_rows

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("scale")]

TINY = CityOptions(communities=12, subdistricts=2, assignments=3000, matters=500, months=24, seed=7)
NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def fingerprint(after: dict[type[models.Model], int] | None = None) -> str:
    """Everything the seed decides, without primary keys or fresh ciphertexts (of the rows after
    the given primary keys)."""
    after = after or {}

    def rows(model: type[models.Model]) -> Any:
        return model._default_manager.filter(pk__gt=after.get(model, 0)).order_by("pk")

    table: dict[str, Any] = {
        "organisations": list(
            Organisation.objects.order_by("code").values_list("code", "name", "path", "staff_count")
        ),
        "tasks": list(
            rows(Task).values_list(
                "title",
                "department__code",
                "item__code",
                "task_type",
                "created_at",
                "starts_on",
                "due_on",
                "admitted",
                "reasons",
                "target_mode",
                "target_codes",
            )
        ),
        "assignments": list(
            rows(Assignment).values_list(
                "community__code", "state", "due_on", "updated_at", "refusal_comment"
            )
        ),
        "violations": list(rows(Violation).values_list("source", "state", "occurred_on")),
        "reports": list(
            rows(OffPlatformReport).values_list(
                "community__code", "department__code", "occurred_on", "channel"
            )
        ),
        "payments": list(
            Payment.objects.order_by("pk").values_list("voucher_number", "amount", "state")
        ),
        "matters": list(
            rows(Matter).values_list(
                "tracking_code", "community__code", "status", "received_at", "phone_digest"
            )
        ),
    }
    text = json.dumps(table, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def bulk_rerun(seed: int) -> str:
    """The bulk stages run again on the built frame from Random(seed), in a savepoint rolled
    back afterwards: the fingerprint of the rows they added."""
    models_ = (Task, Assignment, Violation, OffPlatformReport, Matter)
    marks: dict[type[models.Model], int] = {
        model: model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in models_
    }
    with transaction.atomic():
        city = groundwork.city_of_database()
        window = Window.of(TINY.months, NOW)
        rng = random.Random(seed)
        plans = traffic.plan_tasks(city, 400, window, rng)
        traffic.build_dispatch(
            city, plans, traffic.read_catalog(window), window, rng, lambda _n: None
        )
        traffic.build_reports(city, 30, window, rng, lambda _n: None)
        resident_matters.build_matters(city, 40, window, rng, lambda _n: None)
        text = fingerprint(marks)
        transaction.set_rollback(True)
    return text


@dataclass(frozen=True)
class Built:
    report: CityReport
    fingerprint: str


@pytest.fixture(scope="module")
def city_built(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Shared[Built]]:
    def seed() -> Built:
        clock.pin(NOW)
        report = build_city(TINY, QUIET)
        return Built(report, fingerprint())

    yield from shared_rows(request, django_db_blocker, seed)


@pytest.fixture
def city(city_built: Shared[Built]) -> Built:
    return city_built.enter()


def test_the_declared_counts_are_built(city: Built) -> None:
    kinds = dict(
        Organisation.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    assert kinds[OrganisationKinds.COMMUNITY] == 12
    assert kinds[OrganisationKinds.SUBDISTRICT] == 2
    assert kinds[OrganisationKinds.DISTRICT] == 1
    assert Assignment.objects.count() == 3000  # exactly: the last task takes the remainder
    assert Matter.objects.count() == 500
    assert city.report.counts["assignments"] == 3000
    assert city.report.counts["matters"] == 500
    assert city.report.counts["tasks"] == Task.objects.count()
    assert set(city.report.seconds) == {
        "organisations",
        "people",
        "catalog",
        "dispatch",
        "off_platform_reports",
        "payments",
        "matters",
        "analyze",
    }


def test_the_tree_follows_the_organisations_path_format(city: Built) -> None:
    for community in Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY).select_related(
        "parent__parent"
    ):
        parent = community.parent
        assert parent is not None
        district = parent.parent
        assert district is not None
        assert community.path == f"{district.code}/{parent.code}/{community.code}"
        assert community.staff_count is not None and 6 <= community.staff_count <= 20
    departments = Organisation.objects.filter(kind=OrganisationKinds.DEPARTMENT)
    assert departments.count() == len(
        [spec for spec in demo_data.ORGANISATIONS if spec.kind == "department"]
    )


def test_the_same_seed_builds_the_same_rows(city: Built) -> None:
    """Every choice comes from the seeded Random: the bulk stages run twice from the same seed
    on the same frame write the same rows (a second whole build would cost the catalog's import
    again); another seed writes others."""
    assert bulk_rerun(3) == bulk_rerun(3) != bulk_rerun(4)
    assert city.fingerprint == fingerprint()  # and the reruns left nothing behind


def test_every_task_reaches_communities_and_carries_the_gates_verdict(city: Built) -> None:
    tasks = Task.objects.annotate(n=Count("assignments")).select_related("item")
    assert all(task.n >= 1 for task in tasks)
    assert Assignment.objects.exclude(admitted=True).filter(task__admitted=True).count() == 0
    assert Assignment.objects.exclude(admitted=False).filter(task__admitted=False).count() == 0
    for task in tasks:
        if task.admitted:
            assert task.reasons == []
            assert task.item is not None and task.item.status in IN_FORCE
            assert task.item.department_id == task.department_id
        else:
            assert task.reasons, task.title
    # refused only where the gate did not admit; some of each state
    refused = Assignment.objects.filter(state=AssignmentStates.REFUSED)
    assert not refused.filter(admitted=True).exists()
    assert set(Assignment.objects.values_list("state", flat=True).distinct()) == set(
        AssignmentStates.values
    )
    reasons = {r["code"] for task in tasks for r in task.reasons}
    assert {"not_in_catalog", "item_not_active", "not_item_owner"} <= reasons


def test_violations_exist_exactly_where_their_cause_does(city: Built) -> None:
    unadmitted = Task.objects.filter(admitted=False)
    assert Violation.objects.filter(source=ViolationSources.UNADMITTED_TASK).count() == (
        unadmitted.count()
    )
    assert not unadmitted.filter(violation__isnull=True).exists()
    assert Violation.objects.filter(source=ViolationSources.OFF_PLATFORM_REPORT).count() == (
        OffPlatformReport.objects.count()
    )
    confirmed_without_department = Violation.objects.filter(
        state="confirmed", department__isnull=True
    )
    assert not confirmed_without_department.exists()


def test_dates_span_the_window_and_reads_agree_with_the_rows(city: Built) -> None:
    window = Window.of(TINY.months, NOW)
    today = clock.today()
    period = Period(window.first, today, "all")
    filters = received.Filters(period)
    totals = received.totals(filters, today)
    assert totals.received == Assignment.objects.count() == 3000
    assert totals.admitted + totals.unadmitted == totals.received
    assert totals.tasks == Task.objects.count()
    assert totals.off_platform == OffPlatformReport.objects.count()
    assert totals.overdue > 0
    assert totals.admitted_hours > 0
    months = received.by_month(filters, today)
    assert len(months) == 24
    assert all(row.figures.received > 0 for row in months)
    assert sum(row.figures.received for row in months) == 3000
    assert sum(r.figures.received for r in received.per_subdistrict(filters, today)) == 3000
    assert len(received.per_community(filters, today)) == 12
    assert sum(r.figures.received for r in received.per_department(filters, today)) == 3000
    trend = received.trend(24, today)
    assert [row.received for row in trend] == [row.figures.received for row in months]
    ranking = received.community_load_rows(filters, today)
    assert len(ranking) == 12 and all(row.capacity > 0 for row in ranking)


def test_money_and_matters(city: Built) -> None:
    assert Payment.objects.exists()
    assert not Payment.objects.filter(commitment__catalog_item__item_class="statutory").exists()
    matter = Matter.objects.exclude(phone_ciphertext="").first()
    assert matter is not None
    phone = unseal(PHONE_KIND, matter.phone_ciphertext)
    assert matter.phone_masked == f"{phone[:3]}****{phone[-4:]}"
    assert phone not in matter.phone_ciphertext


def test_one_audit_event_records_the_run(city: Built) -> None:
    events = AuditEvent.objects.filter(action="scale.seed_city")
    assert events.count() == 1
    changes = events.get().changes
    assert changes["rows"][1]["assignments"] == 3000
    assert changes["options"][1]["seed"] == 7
    # the bulk rows have no events of their own
    assert not AuditEvent.objects.filter(action__in=["task.send", "matter.receive"]).exists()


def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(city: Built) -> None:
    before = fingerprint(), AuditEvent.objects.count()
    assert database_refusal() is not None
    with pytest.raises(CommandError, match="seed_scale 只在刚迁移的空数据库上运行"):
        call_command("seed_scale", "--communities=3", "--subdistricts=1", "--no-progress")
    assert (fingerprint(), AuditEvent.objects.count()) == before


def test_the_command_prints_the_rows_and_the_seconds(city_built: Shared[Built]) -> None:
    # The command's own run (not the module's city): a fresh savepoint would not be empty, so
    # this reads the report the module built through the same printing.
    from communitygate.scale.management.commands.seed_scale import Command

    out = io.StringIO()
    command = Command(stdout=out)
    command._print(city_built.enter().report)
    text = out.getvalue()
    assert "assignments" in text and "3,000" in text
    assert "seconds per stage" in text
