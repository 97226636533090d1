"""GET /api/v1/audit/anomalies: the anomalies (auditing.anomalies) for the audit bureau only
(403 for anyone else signed in, 401 signed out), with the page's filters `kind`, `item`,
`department`, `community`, `period`; a filter that does not read (an unknown kind or code, a
period that is not one) answers 422 naming it. {"count", "items"} with `limit`/`offset`; sums
as strings of yuan ("1234.50")."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from communitygate.auditing.anomalies import Anomaly, anomalies_found
from communitygate.auditing.forms import AnomalyFilterForm, filters_or_invalid
from communitygate.auditing.permissions import can_read_anomalies
from communitygate.core import clock
from communitygate.core.errors import PermissionDenied
from communitygate.core.inputs import Offset
from communitygate.core.money import yuan_string
from communitygate.core.paging import page_bounds

router = Router(tags=["audit"])


class AnomalyQuery(Schema):
    # the filter form's caps (AnomalyFilterForm): the form reads these
    kind: str = Field(
        "", max_length=32, description="unfunded_tasks, payments_beyond_commitment, …"
    )
    item: str = Field("", max_length=32, description="A catalog item's code.")
    department: str = Field("", max_length=32, description="The paying department's code.")
    community: str = Field(
        "", max_length=32, description="A community's (or social organisation's) code."
    )
    period: str = Field(
        "", max_length=40, description="2026, 2026-H1, 2026-Q3, 2026-11 or a..b; empty: all."
    )
    limit: int = 50
    offset: Offset = 0


class AnomalyOut(Schema):
    key: str = Field(description="kind:object_type:object_id:community:period_start")
    kind: str
    label_zh: str
    label_en: str
    object_type: str
    object_id: int
    link: str | None = Field(description="The object's page, where it has one.")
    item: str | None
    department: str | None = Field(description="The paying department's code.")
    community: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    share: str | None = Field(description='What was promised, yuan: "1234.50".')
    paid: str | None
    amount: str | None = Field(description="The sum at stake (unpaid, beyond, disputed).")
    since: dt.date
    days: int = Field(description="Days from `since` to today.")
    due_on: dt.date | None
    not_yet_due: bool
    count: int
    explanation_zh: str
    explanation_en: str


class AnomalyPage(Schema):
    count: int
    items: list[AnomalyOut]


def _yuan(amount: Decimal | None) -> str | None:
    return None if amount is None else yuan_string(amount)


def anomaly_out(anomaly: Anomaly, today: dt.date) -> AnomalyOut:
    return AnomalyOut(
        key=anomaly.key,
        kind=anomaly.kind,
        label_zh=anomaly.label_zh,
        label_en=anomaly.label_en,
        object_type=anomaly.object_type,
        object_id=anomaly.object_id,
        link=anomaly.link,
        item=anomaly.item,
        department=anomaly.department,
        community=anomaly.community,
        period_start=anomaly.period_start,
        period_end=anomaly.period_end,
        share=_yuan(anomaly.share),
        paid=_yuan(anomaly.paid),
        amount=_yuan(anomaly.amount),
        since=anomaly.since,
        days=anomaly.days_since(today),
        due_on=anomaly.due_on,
        not_yet_due=anomaly.not_yet_due,
        count=anomaly.count,
        explanation_zh=anomaly.explanation_zh,
        explanation_en=anomaly.explanation_en,
    )


@router.get("/audit/anomalies", response=AnomalyPage)
def list_anomalies(request: HttpRequest, query: Query[AnomalyQuery]) -> AnomalyPage:
    """The irregularities the platform finds in the money of delegated work (the audit bureau
    only)."""
    if not can_read_anomalies(request.user):
        raise PermissionDenied(
            "只有审计局可以查阅异常清单。", "Only the audit bureau may read the anomalies."
        )
    limit, offset = page_bounds(query.limit, query.offset, settings.COMMUNITYGATE["API_MAX_LIMIT"])
    form = AnomalyFilterForm(
        {
            "kind": query.kind,
            "item": query.item,
            "department": query.department,
            "community": query.community,
            "period": query.period,
        }
    )
    today = clock.today()
    found = anomalies_found(filters_or_invalid(form), today)
    return AnomalyPage(
        count=len(found), items=[anomaly_out(a, today) for a in found[offset : offset + limit]]
    )
