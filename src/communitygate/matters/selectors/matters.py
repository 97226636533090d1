"""Reads of residents' matters: the scoped list with its filters, one matter through the access
door, the public status (nothing personal), and the three rates per community, subdistrict and
district.

The rates (docs/residents.md, "The three rates") count the matters RECEIVED in the period
(received_at's date in Asia/Shanghai between start and end, both included):

- response rate     = answered ÷ received, where answered = matters with a first answer;
- on-time rate      = on time ÷ (settled + open overdue), where settled = answered or closed
                      now, on time = settled with its latest answer dated on or before its
                      answer-by date, and open overdue = received, assigned or reopened with the
                      answer-by date before today — open overdue matters count as late;
- satisfaction rate = satisfied ÷ rated (the resident's latest rating).

A rate whose denominator is 0 is None (shown as "—"), never 0 % or 100 %.
"""

import datetime as dt
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate

from communitygate.accounts.permissions import overseen_subdistrict_paths, staffed_community_ids
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, NotFound, Problem
from communitygate.core.logmask import mask_personal_data
from communitygate.core.people import AnyUser
from communitygate.core.phones import InvalidPhone, normalise_phone, phone_digest
from communitygate.matters.models import Matter, MatterStatuses, MatterStep, Ratings
from communitygate.matters.workflow import OPEN_STATUSES, RATEABLE_STATUSES
from communitygate.orgs.models import Organisation
from communitygate.registry.models import Resident
from communitygate.registry.permissions import access_scoped, visible_to

RATE_PLACES = Decimal("0.0001")
TRACKING_PREFIX = "MQ"
# The days a filter or a period may name: wide enough for any real question, narrow enough that
# day arithmetic and the databases' date ranges never overflow (9999-12-31 + 1 day would).
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone())


def period_problems(
    start: dt.date | None,
    end: dt.date | None,
    *,
    start_field: str = "start",
    end_field: str = "end",
) -> list[Problem]:
    """What is wrong with a range of days (either end may be open): each day between
    EARLIEST_DAY and LATEST_DAY, and the end not before the start."""
    problems = [
        Problem(
            f"日期须在 {EARLIEST_DAY.isoformat()} 至 {LATEST_DAY.isoformat()} 之间。",
            f"Choose a date from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}.",
            field=name,
        )
        for name, day in ((start_field, start), (end_field, end))
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY
    ]
    if not problems and start is not None and end is not None and end < start:
        problems.append(
            Problem(
                "结束日期早于开始日期，请调换或改正。",
                "The end is before the start; swap or correct the dates.",
                field=end_field,
            )
        )
    return problems


def _require_period(
    start: dt.date | None, end: dt.date | None, *, start_field: str, end_field: str
) -> None:
    problems = period_problems(start, end, start_field=start_field, end_field=end_field)
    if problems:
        raise InvalidInput(problems)


# The staff list ---------------------------------------------------------------------------------


def matters_visible_to(user: AnyUser) -> QuerySet[Matter]:
    """The matters of the communities the person works in or oversees."""
    return visible_to(user, Matter.objects.all())


def matter_access(user: AnyUser, matter_id: int) -> Matter:
    """One matter through the person's scope: missing and forbidden answer the same NotFound."""
    return access_scoped(
        user,
        Matter.objects.select_related("community", "category", "assignee", "received_by"),
        matter_id,
        "事项",
        "matter",
    )


@dataclass(frozen=True)
class MatterFilters:
    status: str = ""
    category: str = ""  # category code
    open: bool = False  # received, assigned or reopened: waiting for an answer
    overdue: bool = False
    escalated: bool = False
    assignee: str = ""  # username
    community: str = ""  # community code
    subdistrict: str = ""  # subdistrict code: its communities
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    text: str = ""

    def as_audit(self) -> dict[str, object]:
        """The filters as the audit log may hold them: typed text with numbers masked."""
        return {
            key: value.isoformat()
            if isinstance(value, dt.date)
            else mask_personal_data(value)
            if isinstance(value, str)
            else value
            for key, value in vars(self).items()
            if value
        }


def matters_export_scope(user: AnyUser) -> Organisation:
    """What an export of matters is of, for its audit event: the person's community, else the
    first subdistrict they oversee; NotFound for someone who sees no matters."""
    scope = Organisation.objects.filter(pk__in=staffed_community_ids(user)).first()
    if scope is None:
        paths = overseen_subdistrict_paths(user)
        scope = Organisation.objects.filter(path__in=paths).order_by("path").first()
    if scope is None:
        raise NotFound("事项", "matters")
    return scope


def matter_list(
    user: AnyUser, filters: MatterFilters = MatterFilters(), *, today: dt.date | None = None
) -> QuerySet[Matter]:
    """The person's matters, filtered, earliest answer-by date first. Dates outside
    EARLIEST_DAY..LATEST_DAY and an end before the start are InvalidInput."""
    _require_period(
        filters.received_from,
        filters.received_to,
        start_field="received_from",
        end_field="received_to",
    )
    matters = matters_visible_to(user)
    if filters.status:
        matters = matters.filter(status=filters.status)
    if filters.category:
        matters = matters.filter(category__code=filters.category)
    if filters.open:
        matters = matters.filter(status__in=OPEN_STATUSES)
    if filters.overdue:
        matters = matters.filter(status__in=OPEN_STATUSES, answer_by__lt=today or clock.today())
    if filters.escalated:
        matters = matters.filter(escalated_at__isnull=False)
    if filters.assignee:
        matters = matters.filter(assignee__username=filters.assignee)
    if filters.community:
        matters = matters.filter(community__code=filters.community)
    if filters.subdistrict:
        matters = matters.filter(community__parent__code=filters.subdistrict)
    if filters.received_from:
        matters = matters.filter(received_at__gte=_day_start(filters.received_from))
    if filters.received_to:
        matters = matters.filter(
            received_at__lt=_day_start(filters.received_to + dt.timedelta(days=1))
        )
    text = filters.text.strip()
    if text:
        matters = matters.filter(
            Q(tracking_code__iexact=text)
            | Q(summary__icontains=text)
            | Q(description__icontains=text)
            | Q(location__icontains=text)
            | Q(contact_name__icontains=text)
        )
    return matters.select_related("community", "category", "assignee").order_by("answer_by", "pk")


def is_overdue(matter: Matter, today: dt.date) -> bool:
    return matter.status in OPEN_STATUSES and matter.answer_by < today


# The public status and lookup by tracking code ------------------------------------------------------------------------------


def normalise_tracking_code(code: str) -> str:
    """As typed by a person: spaces and dashes dropped, upper case, and the letters Crockford
    reads as digits (O→0, I/L→1) mapped back."""
    text = "".join(ch for ch in code.strip().upper() if ch not in " -")
    if text.startswith(TRACKING_PREFIX):
        body = text[len(TRACKING_PREFIX) :].translate(str.maketrans("OIL", "011"))
        return TRACKING_PREFIX + body
    return text


def matter_by_code(tracking_code: str, phone_last4: str) -> Matter:
    """The matter with this code whose phone ends in these four digits; a wrong code and wrong
    digits answer the same NotFound, so the lookup tells a stranger nothing."""
    code = normalise_tracking_code(tracking_code)
    matter = (
        Matter.objects.select_related("category", "community").filter(tracking_code=code).first()
    )
    digits = phone_last4.strip()
    if (
        matter is None
        or len(digits) != 4
        or not digits.isdigit()
        or len(matter.phone_masked) < 4
        or not hmac.compare_digest(matter.phone_masked[-4:], digits)
    ):
        raise NotFound("事项", "matter")
    return matter


def rated_this_answer(matter: Matter) -> bool:
    """Whether the resident has rated the matter's current answer: a rating counts once per
    answer, so a new answer (after a reopening) may be rated again."""
    return matter.rated_at is not None and (
        matter.answered_at is None or matter.rated_at >= matter.answered_at
    )


@dataclass(frozen=True)
class PublicMatterStatus:
    """What anyone holding the tracking code and the phone's last four digits may read: no name,
    phone, description or place."""

    tracking_code: str
    status: str
    status_label: str
    category_code: str
    category_name: str
    category_name_en: str
    received_on: dt.date
    answer_by: dt.date
    answer_by_estimated: bool
    answered_on: dt.date | None
    closed_on: dt.date | None
    answer: str
    rating: str
    rating_label: str
    can_rate: bool


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(_zone()).date() if moment is not None else None


def matter_public_status(tracking_code: str, phone_last4: str) -> PublicMatterStatus:
    """The matter's status for the resident; NotFound for a wrong code or wrong digits alike."""
    matter = matter_by_code(tracking_code, phone_last4)
    received_on = _local_date(matter.received_at)
    assert received_on is not None
    return PublicMatterStatus(
        tracking_code=matter.tracking_code,
        status=matter.status,
        status_label=str(MatterStatuses(matter.status).label),
        category_code=matter.category.code,
        category_name=matter.category.name,
        category_name_en=matter.category.name_en,
        received_on=received_on,
        answer_by=matter.answer_by,
        answer_by_estimated=matter.answer_by_estimated,
        answered_on=_local_date(matter.answered_at),
        closed_on=_local_date(matter.closed_at),
        answer=matter.answer if matter.answered_at is not None else "",
        rating=matter.rating,
        rating_label=str(Ratings(matter.rating).label) if matter.rating else "",
        can_rate=matter.status in RATEABLE_STATUSES and not rated_this_answer(matter),
    )


# The three rates --------------------------------------------------------------------------------


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator as a fraction with four places, or None when nothing counts."""
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


def percent(value: Decimal | None) -> str:
    """A rate as people read it: 87.5%, or — when nothing was counted."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class MatterRates:
    """The counts and rates of one community, subdistrict or the district for a period."""

    code: str
    name: str
    kind: str  # "community", "subdistrict" or "district"
    parent_code: str
    parent_name: str
    received: int = 0
    answered: int = 0
    settled: int = 0
    on_time: int = 0
    open_overdue: int = 0
    rated: int = 0
    satisfied: int = 0
    communities: tuple[str, ...] = field(default=())

    @property
    def response_percent(self) -> str:
        return percent(self.response_rate)

    @property
    def on_time_percent(self) -> str:
        return percent(self.on_time_rate)

    @property
    def satisfaction_percent(self) -> str:
        return percent(self.satisfaction_rate)

    @property
    def response_rate(self) -> Decimal | None:
        return rate(self.answered, self.received)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.settled + self.open_overdue)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return rate(self.satisfied, self.rated)


def matter_rates(
    *,
    communities: Iterable[Organisation],
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
) -> list[MatterRates]:
    """One row per community (zero rows included), counted in one aggregate query. A period
    outside EARLIEST_DAY..LATEST_DAY or ending before it starts is InvalidInput."""
    _require_period(start, end, start_field="start", end_field="end")
    listed = list(communities)
    day = today or clock.today()
    settled = Q(status__in=RATEABLE_STATUSES)
    counts: dict[int, dict[str, Any]] = {
        row["community_id"]: dict(row)
        for row in Matter.objects.filter(
            community_id__in=[c.pk for c in listed],
            received_at__gte=_day_start(start),
            received_at__lt=_day_start(end + dt.timedelta(days=1)),
        )
        .annotate(answered_on=TruncDate("answered_at", tzinfo=_zone()))
        .order_by()
        .values("community_id")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
            settled=Count("pk", filter=settled),
            on_time=Count("pk", filter=settled & Q(answered_on__lte=F("answer_by"))),
            open_overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, answer_by__lt=day)),
            rated=Count("pk", filter=~Q(rating="")),
            satisfied=Count("pk", filter=Q(rating=Ratings.SATISFIED)),
        )
    }
    parents = {
        org.pk: org
        for org in Organisation.objects.filter(pk__in={c.parent_id for c in listed if c.parent_id})
    }
    rows = []
    for community in sorted(listed, key=lambda c: c.path):
        parent = parents.get(community.parent_id) if community.parent_id else None
        found: dict[str, Any] = counts.get(community.pk, {})
        rows.append(
            MatterRates(
                code=community.code,
                name=community.name,
                kind="community",
                parent_code=parent.code if parent else "",
                parent_name=parent.name if parent else "",
                received=int(found.get("received", 0)),
                answered=int(found.get("answered", 0)),
                settled=int(found.get("settled", 0)),
                on_time=int(found.get("on_time", 0)),
                open_overdue=int(found.get("open_overdue", 0)),
                rated=int(found.get("rated", 0)),
                satisfied=int(found.get("satisfied", 0)),
            )
        )
    return rows


def _summed(rows: list[MatterRates], *, code: str, name: str, kind: str) -> MatterRates:
    return MatterRates(
        code=code,
        name=name,
        kind=kind,
        parent_code="",
        parent_name="",
        communities=tuple(row.code for row in rows),
        received=sum(row.received for row in rows),
        answered=sum(row.answered for row in rows),
        settled=sum(row.settled for row in rows),
        on_time=sum(row.on_time for row in rows),
        open_overdue=sum(row.open_overdue for row in rows),
        rated=sum(row.rated for row in rows),
        satisfied=sum(row.satisfied for row in rows),
    )


def matter_rates_by_subdistrict(rows: list[MatterRates]) -> list[MatterRates]:
    """The communities' rows rolled up per subdistrict (sums of the counts, rates recomputed
    from the sums — never an average of the communities' rates)."""
    groups: dict[tuple[str, str], list[MatterRates]] = {}
    for row in rows:
        groups.setdefault((row.parent_code, row.parent_name), []).append(row)
    return [
        _summed(members, code=code, name=name, kind="subdistrict")
        for (code, name), members in sorted(groups.items())
    ]


def matter_rates_total(rows: list[MatterRates], *, name: str = "") -> MatterRates:
    """Every row summed: the district's (or the person's whole scope's) figures."""
    return _summed(rows, code="", name=name, kind="district")


# The intake's resident search ---------------------------------------------------------------

INTAKE_SEARCH_LIMIT = 20


def residents_for_intake(
    user: AnyUser, *, community_code: str, name: str = "", phone: str = ""
) -> list[Resident]:
    """Current residents of one of the person's own communities whose name contains `name`
    and, when a phone is given, whose phone is exactly that number (by its blind index) — at
    most 20, for the quick intake to pick from. A name, a phone or both; nothing for a
    community the person does not work in. The phone comes only from a POSTed form: it must
    never travel in a URL (docs/residents.md)."""
    name, phone = name.strip(), phone.strip()
    if not (name or phone):
        return []
    residents = Resident.objects.filter(
        community_id__in=staffed_community_ids(user),
        community__code=community_code,
        moved_out_on__isnull=True,
    )
    if name:
        residents = residents.filter(name__icontains=name)
    if phone:
        try:
            digits = normalise_phone(phone)
        except InvalidPhone:
            return []
        residents = residents.filter(phone_digest=phone_digest(digits))
    return list(residents.order_by("name", "pk")[:INTAKE_SEARCH_LIMIT])


def matter_history(matter: Matter) -> QuerySet[MatterStep]:
    """The matter's own record of its steps, oldest first: who received, assigned, answered, …
    and when (the audit log is the audit bureau's, not the community's)."""
    return matter.steps.select_related("actor").order_by("taken_at", "pk")
