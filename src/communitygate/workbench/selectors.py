"""工作台 — the workbench: what waits for a signed-in person, one section per organisation they
hold a role in (accounts.selectors.user_grants), each a few figures and the first items to act on.

Every figure is counted from the same scoped read as the list its link opens (the apps'
`*_visible_to` selectors and list filters), so the number and the list agree and nobody counts
another organisation's work. Deadlines are counted in working days (core.workdays). Each
section costs a fixed number of queries, whatever the data (tests/test_queries.py)."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from communitygate.accounts.models import Roles
from communitygate.accounts.permissions import (
    COMMUNITY_STAFF_ROLES,
    DEPARTMENT_STAFF_ROLES,
)
from communitygate.accounts.selectors import Grant, user_grants
from communitygate.admissions.models import ApplicationStatuses, RoundStatuses
from communitygate.admissions.permissions import applications_visible_to
from communitygate.admissions.selectors import ballots_to_cast, round_list, tallies_for
from communitygate.admissions.tally import Tally
from communitygate.auditing.anomalies import AnomalyFilters, anomalies_found, anomaly_counts
from communitygate.certificates.selectors import certificate_counts_of
from communitygate.contracts.models import ContractStates
from communitygate.contracts.permissions import contracts_visible_to
from communitygate.contracts.selectors import deliverables_due
from communitygate.core import clock, workdays
from communitygate.core.people import AnyUser
from communitygate.dispatch.models import AssignmentStates
from communitygate.dispatch.permissions import assignments_visible_to, tasks_visible_to
from communitygate.dispatch.selectors import (
    DUE_SOON_WORKDAYS,
    InboxRow,
    inbox,
    inbox_view,
    overdue_assignments,
)
from communitygate.funding.models import PaymentStates
from communitygate.funding.permissions import payments_visible_to
from communitygate.funding.selectors import (
    SHARE_DUE,
    SHARE_OVERDUE,
    balance_standing,
    balances,
    owed_so_far,
)
from communitygate.matters.selectors.matters import MatterFilters, matter_list
from communitygate.matters.selectors.receptions import reception_count_today
from communitygate.orgs.models import OrganisationKinds
from communitygate.oversight.models import NoticeStates, OrderStates, ViolationSources
from communitygate.oversight.permissions import (
    notices_visible_to,
    orders_visible_to,
    violations_visible_to,
)
from communitygate.registry.selectors.visits import households_due_for_visit, visits_to_do_today

# The first items listed under a figure; the figure's link opens them all.
ENTRIES_SHOWN = 5


@dataclass(frozen=True)
class Entry:
    """One item waiting, with its deadline in working days (None: no deadline, or a year the
    calendar does not know yet)."""

    title: str
    url: str
    due_on: dt.date | None = None
    workdays_left: int | None = None
    overdue: bool = False
    note: str = ""
    # False for an unadmitted task: its date is the department's, the community owes nothing.
    binding: bool = True


@dataclass(frozen=True)
class Figure:
    """One number on the workbench and the filtered list behind it."""

    key: str
    label: str | Promise
    count: int
    url: str
    alert: bool = False  # shown as needing attention when the count is not 0
    entries: tuple[Entry, ...] = ()
    note: str | Promise = ""


@dataclass(frozen=True)
class Section:
    """What waits for the person in one organisation."""

    kind: str
    organisation_code: str
    organisation_name: str
    roles: tuple[str, ...]
    figures: tuple[Figure, ...]

    @property
    def waiting(self) -> int:
        return sum(figure.count for figure in self.figures if figure.alert)

    @property
    def role_labels(self) -> list[str]:
        names = dict(Roles.choices)
        return [str(names.get(role, role)) for role in self.roles]


@dataclass(frozen=True)
class Moment:
    today: dt.date
    now: dt.datetime


def _link(name: str, *args: object, **query: object) -> str:
    url = reverse(name, args=args)
    wanted = {key: value for key, value in query.items() if value not in ("", None, False)}
    return f"{url}?{urlencode(wanted)}" if wanted else url


def workdays_left_each(today: dt.date, days: Iterable[dt.date]) -> dict[dt.date, int | None]:
    """Working days after `today` up to each day (negative when the day has passed; None when
    the calendar does not know the days yet), reading the calendar once."""
    wanted = sorted(set(days))
    later = [day for day in wanted if day >= today]
    counted = workdays.workdays_between_each(today, [today, *later]) if later else {}
    answers: dict[dt.date, int | None] = {}
    for day in wanted:
        if day < today:
            answers[day] = -(today - day).days
            continue
        until, at_today = counted.get(day), counted.get(today)
        answers[day] = None if until is None or at_today is None else until - at_today
    return answers


def _entry(
    title: str, url: str, due_on: dt.date | None, left: dict[dt.date, int | None], today: dt.date
) -> Entry:
    return Entry(
        title=title,
        url=url,
        due_on=due_on,
        workdays_left=left.get(due_on) if due_on is not None else None,
        overdue=due_on is not None and due_on < today,
    )


def _inbox_entries(rows: list[InboxRow], today: dt.date) -> tuple[Entry, ...]:
    return tuple(
        Entry(
            title=row.assignment.task.title,
            url=reverse("dispatch:assignment", args=[row.assignment.pk]),
            due_on=row.assignment.due_on,
            workdays_left=row.workdays_left,
            overdue=row.assignment.admitted and row.overdue,
            note=row.assignment.task.department.name,
            binding=row.assignment.admitted,
        )
        for row in rows[:ENTRIES_SHOWN]
    )


def _vote_figure(user: AnyUser, grant: Grant, moment: Moment) -> Figure:
    """The body's ballots still to cast, each with the consultation's deadline (one query and
    the calendar)."""
    ballots = list(ballots_to_cast([grant.organisation_id], moment.now))
    # ballots_to_cast reads only ballots of a round with a deadline still ahead.
    deadlines = {
        ballot.pk: clock.local_date(review_round.consultation_deadline)
        for ballot in ballots
        if (review_round := ballot.application.review_round) is not None
        and review_round.consultation_deadline is not None
    }
    left = workdays_left_each(moment.today, deadlines.values())
    return Figure(
        key="votes",
        label=_("Votes to cast"),
        count=len(ballots),
        url=_link("admissions:list", vote=grant.organisation_code),
        alert=True,
        entries=tuple(
            _entry(
                f"{ballot.application.number} {ballot.application.item_name}",
                reverse("admissions:detail", args=[ballot.application_id]),
                deadlines.get(ballot.pk),
                left,
                moment.today,
            )
            for ballot in ballots[:ENTRIES_SHOWN]
        ),
    )


# Communities -------------------------------------------------------------------------------------


def community_section(user: AnyUser, grant: Grant, moment: Moment) -> tuple[Figure, ...]:
    """A community's staff: unadmitted tasks to refuse, admitted tasks due soon and overdue
    (an unadmitted task is never overdue for the community), matters to answer and overdue,
    votes to cast, today's visits still to make, households due for a care visit, and the
    residents received at the office today (来访登记)."""
    code, today = grant.organisation_code, moment.today
    rows = inbox([grant.organisation_id], today)
    to_refuse = inbox_view(rows, "to_refuse")
    due_soon = inbox_view(rows, "due_soon")
    overdue = inbox_view(rows, "overdue")
    matters = matter_list(user, MatterFilters(community=code, open=True), today=today).aggregate(
        waiting=Count("pk"), overdue=Count("pk", filter=Q(answer_by__lt=today))
    )
    return (
        Figure(
            key="to_refuse",
            label=_("Unadmitted tasks you may refuse"),
            count=len(to_refuse),
            url=_link("dispatch:inbox", community=code, show="to_refuse"),
            alert=True,
            entries=_inbox_entries(to_refuse, today),
            note=_("Not in the catalog: the community has no duty to do them."),
        ),
        Figure(
            key="tasks_overdue",
            label=_("Admitted tasks overdue"),
            count=len(overdue),
            url=_link("dispatch:inbox", community=code, show="overdue"),
            alert=True,
            entries=_inbox_entries(overdue, today),
        ),
        Figure(
            key="tasks_due_soon",
            label=_("Admitted tasks due within %(days)s working days")
            % {"days": DUE_SOON_WORKDAYS},
            count=len(due_soon),
            url=_link("dispatch:inbox", community=code, show="due_soon"),
            alert=True,
            entries=_inbox_entries(due_soon, today),
        ),
        Figure(
            key="matters_open",
            label=_("Residents' matters to answer"),
            count=matters["waiting"],
            url=_link("matters:matters", community=code, open="1"),
            alert=True,
        ),
        Figure(
            key="matters_overdue",
            label=_("Residents' matters overdue"),
            count=matters["overdue"],
            url=_link("matters:matters", community=code, overdue="1"),
            alert=True,
        ),
        _vote_figure(user, grant, moment),
        Figure(
            key="visits_today",
            label=_("Home visits planned for today, not yet recorded"),
            count=visits_to_do_today(grant.organisation_id, today).count(),
            url=_link("matters:visits", community=code),
            alert=True,
        ),
        Figure(
            key="care_due",
            label=_("Households in care due for a visit"),
            count=households_due_for_visit(grant.organisation_id, now=moment.now).count(),
            url=_link("matters:community", code),
            note=_("Someone there carries a care tag and nobody has visited for a month."),
        ),
        Figure(
            key="receptions_today",
            label=_("Walk-in residents received today"),
            count=reception_count_today(grant.organisation_id, today),
            url=_link("matters:receptions", community=code),
            note=_("Recorded at the office, apart from home visits."),
        ),
        *_certificate_figures(grant, code, today),
    )


def _certificate_figures(grant: Grant, code: str, today: dt.date) -> tuple[Figure, ...]:
    """This year's certificates issued and requests turned away (the stamps the reform counts)."""
    counts = certificate_counts_of(grant.organisation_id, today.year)
    return (
        Figure(
            key="certificates_issued",
            label=_("Certificates issued this year"),
            count=counts.issued,
            url=_link("certificates:list", community=code, outcome="issued", year=today.year),
        ),
        Figure(
            key="certificates_turned_away",
            label=_("Certificate requests turned away this year"),
            count=counts.turned_away,
            url=_link("certificates:list", community=code, outcome="turned_away", year=today.year),
            note=_("Not on the list a community may issue: sent to the office that issues it."),
        ),
    )


# Subdistricts ------------------------------------------------------------------------------------


def subdistrict_section(user: AnyUser, grant: Grant, moment: Moment) -> tuple[Figure, ...]:
    """A subdistrict's officer: its communities' overdue admitted work, their matters waiting,
    overdue and escalated, and the subdistrict's own votes."""
    code, today = grant.organisation_code, moment.today
    under = assignments_visible_to(user).filter(community__path__startswith=f"{grant.path}/")
    late_work = overdue_assignments(under, today).count()
    matters = matter_list(user, MatterFilters(subdistrict=code, open=True), today=today).aggregate(
        waiting=Count("pk"),
        overdue=Count("pk", filter=Q(answer_by__lt=today)),
        escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
    )
    return (
        Figure(
            key="tasks_overdue",
            label=_("Admitted tasks overdue in our communities"),
            count=late_work,
            url=_link("dispatch:subdistrict", subdistrict=code, show="overdue"),
            alert=True,
        ),
        Figure(
            key="matters_escalated",
            label=_("Escalated matters still open"),
            count=matters["escalated"],
            url=_link("matters:matters", subdistrict=code, open="1", escalated="1"),
            alert=True,
        ),
        Figure(
            key="matters_overdue",
            label=_("Residents' matters overdue in our communities"),
            count=matters["overdue"],
            url=_link("matters:matters", subdistrict=code, overdue="1"),
            alert=True,
        ),
        Figure(
            key="matters_open",
            label=_("Residents' matters waiting for an answer"),
            count=matters["waiting"],
            url=_link("matters:matters", subdistrict=code, open="1"),
        ),
        _vote_figure(user, grant, moment),
    )


# Departments -------------------------------------------------------------------------------------

DEPARTMENT_TASK_STATES = (
    ("tasks_refused", AssignmentStates.REFUSED, _("Tasks refused by communities"), True),
    ("tasks_submitted", AssignmentStates.SUBMITTED, _("Tasks with deliverables to check"), True),
    (
        "tasks_returned",
        AssignmentStates.RETURNED,
        _("Tasks with deliverables sent back for rework"),
        False,
    ),
    (
        "tasks_received",
        AssignmentStates.RECEIVED,
        _("Tasks not yet accepted by every community"),
        False,
    ),
)
DEPARTMENT_APPLICATION_STATUSES = (
    (
        "applications_returned",
        ApplicationStatuses.RETURNED,
        _("Applications returned for revision"),
        True,
    ),
    ("applications_drafts", ApplicationStatuses.DRAFT, _("Application drafts"), True),
    (
        "applications_consulting",
        ApplicationStatuses.CONSULTING,
        _("Applications in consultation"),
        False,
    ),
    (
        "applications_in_review",
        ApplicationStatuses.IN_REVIEW,
        _("Applications under review"),
        False,
    ),
    (
        "applications_at_committee",
        ApplicationStatuses.AT_COMMITTEE,
        _("Applications at the committee"),
        False,
    ),
)
DEPARTMENT_ORDER_STATES = (
    ("orders_overdue", OrderStates.OVERDUE, _("Correction orders overdue"), True),
    ("orders_returned", OrderStates.RETURNED, _("Correction orders returned to you"), True),
    ("orders_issued", OrderStates.ISSUED, _("Correction orders to answer"), True),
)


def _tally_note(tally: Tally) -> str:
    return str(
        _("%(approve)s of %(consulted)s approve, %(waiting)s not voted yet")
        % {"approve": tally.approve, "consulted": tally.consulted, "waiting": tally.not_voted}
    )


def _payment_figures(user: AnyUser, grant: Grant, moment: Moment) -> tuple[Figure, ...]:
    """The department's funding shares overdue and due (funding.selectors.balance_standing:
    "who delegates pays"), read as the balances page reads them for `?payer=&show=`, each with
    its deadline in working days."""
    code, today = grant.organisation_code, moment.today
    owed = balances(user=user, period=owed_so_far(today), payer_code=code, today=today)
    left = workdays_left_each(today, [b.due_on for b in owed if b.due_on is not None])
    figures = []
    for key, standing, label in (
        ("payments_overdue", SHARE_OVERDUE, _("Funding shares overdue, to pay")),
        ("payments_due", SHARE_DUE, _("Funding shares due (period ended), to pay")),
    ):
        these = sorted(
            (b for b in owed if balance_standing(b, today) == standing),
            key=lambda b: (b.due_on or dt.date.max, b.community, b.commitment_id),
        )
        figures.append(
            Figure(
                key=key,
                label=label,
                count=len(these),
                url=_link("funding:balances", payer=code, show=standing),
                alert=True,
                entries=tuple(
                    _entry(
                        f"{b.item or '—'} · {b.community_name} · {b.period_start:%Y}",
                        _link("funding:balances", payer=code, show=standing, community=b.community),
                        b.due_on,
                        left,
                        today,
                    )
                    for b in these[:ENTRIES_SHOWN]
                ),
            )
        )
    return tuple(figures)


def department_section(user: AnyUser, grant: Grant, moment: Moment) -> tuple[Figure, ...]:
    """A department's clerk or head: its tasks' progress (tasks with refusals, deliverables to
    check or sent back, communities still to accept), its applications by status with the
    tally of those in consultation, correction orders to answer, the funding shares it owes
    (overdue, due) and disputed payments."""
    code, department_id, today = grant.organisation_code, grant.organisation_id, moment.today
    tasks = tasks_visible_to(user).filter(department_id=department_id)
    by_state = dict(
        assignments_visible_to(user)
        .filter(task__in=tasks)
        .order_by()
        .values_list("state")
        .annotate(n=Count("task_id", distinct=True))
        .values_list("state", "n")
    )
    figures = [
        Figure(
            key=key,
            label=label,
            count=by_state.get(state, 0),
            url=_link("dispatch:tasks", department=code, state=state),
            alert=alert,
        )
        for key, state, label, alert in DEPARTMENT_TASK_STATES
    ]
    applications = list(
        applications_visible_to(user)
        .filter(
            applicant_id=department_id,
            status__in=[status for _key, status, _label, _alert in DEPARTMENT_APPLICATION_STATUSES],
        )
        .order_by("number")
    )
    consulting = [a for a in applications if a.status == ApplicationStatuses.CONSULTING]
    tallies = tallies_for(consulting[:ENTRIES_SHOWN])
    for key, status, label, alert in DEPARTMENT_APPLICATION_STATUSES:
        figures.append(
            Figure(
                key=key,
                label=label,
                count=sum(1 for a in applications if a.status == status),
                url=_link("admissions:list", applicant=code, status=status),
                alert=alert,
                entries=tuple(
                    Entry(
                        title=f"{a.number} {a.item_name}",
                        url=reverse("admissions:detail", args=[a.pk]),
                        note=_tally_note(tallies[a.pk]),
                    )
                    for a in consulting[:ENTRIES_SHOWN]
                )
                if status == ApplicationStatuses.CONSULTING
                else (),
            )
        )
    orders = list(
        orders_visible_to(user)
        .filter(
            department_id=department_id, state__in=[s for _k, s, _l, _a in DEPARTMENT_ORDER_STATES]
        )
        .select_related("notice")
        .order_by("due_on", "pk")
    )
    left = workdays_left_each(today, [order.due_on for order in orders])
    for key, state, label, alert in DEPARTMENT_ORDER_STATES:
        these = [order for order in orders if order.state == state]
        figures.append(
            Figure(
                key=key,
                label=label,
                count=len(these),
                url=_link("oversight:orders", department=code, state=state),
                alert=alert,
                entries=tuple(
                    _entry(
                        str(order.notice),
                        reverse("oversight:order", args=[order.pk]),
                        order.due_on,
                        left,
                        today,
                    )
                    for order in these[:ENTRIES_SHOWN]
                ),
            )
        )
    figures.extend(_payment_figures(user, grant, moment))
    figures.append(
        Figure(
            key="payments_disputed",
            label=_("Payments disputed by the communities, to answer"),
            count=payments_visible_to(user)
            .filter(payer_id=department_id, state=PaymentStates.DISPUTED)
            .count(),
            url=_link("funding:payments", payer=code, state=PaymentStates.DISPUTED),
            alert=True,
        )
    )
    return tuple(figures)


# The committee office and the committee ----------------------------------------------------------


def _rounds_figure(moment: Moment) -> Figure:
    """The review rounds not decided yet, each with its consultation deadline (one query and
    the calendar)."""
    rounds = [
        r
        for r in round_list()
        if r.status in (RoundStatuses.PLANNED, RoundStatuses.CONSULTING, RoundStatuses.REVIEWING)
    ]
    deadlines = {
        r.pk: clock.local_date(r.consultation_deadline)
        for r in rounds
        if r.consultation_deadline is not None
    }
    left = workdays_left_each(moment.today, deadlines.values())
    return Figure(
        key="rounds",
        label=_("Review rounds in progress"),
        count=len(rounds),
        url=_link("admissions:rounds"),
        alert=True,
        entries=tuple(
            _entry(
                f"{r} · {r.get_status_display()}",
                reverse("admissions:round", args=[r.pk]),
                deadlines.get(r.pk),
                left,
                moment.today,
            )
            for r in rounds[:ENTRIES_SHOWN]
        ),
    )


def office_section(user: AnyUser, grant: Grant, moment: Moment) -> tuple[Figure, ...]:
    """The committee office: applications to review, urgent requests waiting, the review rounds
    and their consultation deadlines, and next year's working-day calendar when nobody has
    entered it yet."""
    today = moment.today
    counts = (
        applications_visible_to(user)
        .order_by()
        .aggregate(
            in_review=Count("pk", filter=Q(status=ApplicationStatuses.IN_REVIEW)),
            submitted=Count("pk", filter=Q(status=ApplicationStatuses.SUBMITTED)),
            urgent=Count("pk", filter=Q(status=ApplicationStatuses.SUBMITTED, urgent=True)),
        )
    )
    figures = [
        Figure(
            key="urgent",
            label=_("Urgent requests waiting for approval"),
            count=counts["urgent"],
            url=_link("admissions:list", status=ApplicationStatuses.SUBMITTED, urgent="1"),
            alert=True,
        ),
        Figure(
            key="in_review",
            label=_("Applications to review"),
            count=counts["in_review"],
            url=_link("admissions:list", status=ApplicationStatuses.IN_REVIEW),
            alert=True,
        ),
        Figure(
            key="submitted",
            label=_("Applications submitted, waiting for a round"),
            count=counts["submitted"],
            url=_link("admissions:list", status=ApplicationStatuses.SUBMITTED),
        ),
        _rounds_figure(moment),
    ]
    missing_year = workdays.uncovered_next_year(today)
    if missing_year is not None:
        figures.append(
            Figure(
                key="calendar",
                label=_("Next year's working-day calendar to enter: %(year)s")
                % {"year": missing_year},
                count=1,
                url=_link("workcalendar:year", missing_year),
                alert=True,
            )
        )
    return tuple(figures)


def committee_section(user: AnyUser, grant: Grant, moment: Moment) -> tuple[Figure, ...]:
    """A committee member: the applications forwarded to the committee, with their tally, and
    the rounds still running (what will come to the committee, and when)."""
    waiting = list(
        applications_visible_to(user)
        .filter(status=ApplicationStatuses.AT_COMMITTEE)
        .order_by("number")
    )
    tallies = tallies_for(waiting[:ENTRIES_SHOWN])
    return (
        Figure(
            key="decisions",
            label=_("Applications waiting for the committee's decision"),
            count=len(waiting),
            url=_link("admissions:list", status=ApplicationStatuses.AT_COMMITTEE),
            alert=True,
            entries=tuple(
                Entry(
                    title=f"{a.number} {a.item_name}",
                    url=reverse("admissions:detail", args=[a.pk]),
                    note=_tally_note(tallies[a.pk]),
                )
                for a in waiting[:ENTRIES_SHOWN]
            ),
        ),
        _rounds_figure(moment),
    )


# Supervision and audit ---------------------------------------------------------------------------


def supervision_section(user: AnyUser, grant: Grant, moment: Moment) -> tuple[Figure, ...]:
    """An inspector or head: new violations and new off-platform reports to decide, answered
    correction orders to accept or return, overdue orders, and (heads) notices to approve."""
    violations = violations_visible_to(user).aggregate(
        new=Count("pk", filter=Q(state="open")),
        reports=Count("pk", filter=Q(state="open", source=ViolationSources.OFF_PLATFORM_REPORT)),
    )
    orders = dict(
        orders_visible_to(user)
        .filter(state__in=[OrderStates.ANSWERED, OrderStates.OVERDUE])
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    figures = [
        Figure(
            key="violations_new",
            label=_("New violations to confirm or dismiss"),
            count=violations["new"],
            url=_link("oversight:violations", status="open"),
            alert=True,
        ),
        Figure(
            key="reports_new",
            label=_("Of which reported by communities (off the platform)"),
            count=violations["reports"],
            url=_link(
                "oversight:violations", status="open", source=ViolationSources.OFF_PLATFORM_REPORT
            ),
        ),
        Figure(
            key="orders_answered",
            label=_("Correction orders answered, to accept or return"),
            count=orders.get(OrderStates.ANSWERED, 0),
            url=_link("oversight:orders", state=OrderStates.ANSWERED),
            alert=True,
        ),
        Figure(
            key="orders_overdue",
            label=_("Correction orders overdue"),
            count=orders.get(OrderStates.OVERDUE, 0),
            url=_link("oversight:orders", state=OrderStates.OVERDUE),
            alert=True,
        ),
    ]
    if grant.role == Roles.HEAD:
        figures.append(
            Figure(
                key="notices_to_approve",
                label=_("Notices drafted, to approve"),
                count=notices_visible_to(user).filter(state=NoticeStates.DRAFT).count(),
                url=_link("oversight:notices"),
                alert=True,
            )
        )
    return tuple(figures)


def audit_section(user: AnyUser, grant: Grant, moment: Moment) -> tuple[Figure, ...]:
    """The audit bureau: the anomalies found today, by kind (auditing)."""
    counts = anomaly_counts(anomalies_found(AnomalyFilters(), moment.today))
    return tuple(
        Figure(
            key=f"anomalies_{row.kind.code}",
            label=row.label,
            count=row.count,
            url=_link("auditing:anomalies", kind=row.kind.code),
            alert=True,
        )
        for row in counts
    )


# Social organisations ----------------------------------------------------------------------------


def social_org_section(user: AnyUser, grant: Grant, moment: Moment) -> tuple[Figure, ...]:
    """A social organisation's staff: its contracts in force and the deliverables due under
    them, each with its date in working days."""
    today = moment.today
    own = contracts_visible_to(user).filter(social_org_id=grant.organisation_id)
    in_force = own.filter(state=ContractStates.SIGNED).count()
    due = list(deliverables_due(own))
    left = workdays_left_each(today, [d.due_on for d in due])
    return (
        Figure(
            key="contracts",
            label=_("Contracts in force"),
            count=in_force,
            url=_link("contracts:home", social_org=grant.organisation_code, state="signed"),
        ),
        Figure(
            key="deliverables_due",
            label=_("Deliverables to hand in"),
            count=len(due),
            url=_link("contracts:home"),
            alert=True,
            entries=tuple(
                _entry(
                    f"{d.contract.number} · {d.title}",
                    reverse("contracts:contract", args=[d.contract_id]),
                    d.due_on,
                    left,
                    today,
                )
                for d in due[:ENTRIES_SHOWN]
            ),
        ),
    )


# The workbench -----------------------------------------------------------------------------------

SectionReader = Callable[[AnyUser, Grant, Moment], tuple[Figure, ...]]

# Which roles of which kind of organisation get which section.
READERS: dict[str, tuple[frozenset[str], SectionReader]] = {
    OrganisationKinds.COMMUNITY: (COMMUNITY_STAFF_ROLES, community_section),
    OrganisationKinds.SUBDISTRICT: (frozenset({Roles.OFFICER}), subdistrict_section),
    OrganisationKinds.DEPARTMENT: (DEPARTMENT_STAFF_ROLES, department_section),
    OrganisationKinds.COMMITTEE_OFFICE: (frozenset({Roles.OFFICER, Roles.ADMIN}), office_section),
    OrganisationKinds.COMMITTEE: (frozenset({Roles.MEMBER}), committee_section),
    OrganisationKinds.SUPERVISION_OFFICE: (
        frozenset({Roles.INSPECTOR, Roles.HEAD}),
        supervision_section,
    ),
    OrganisationKinds.AUDIT_BUREAU: (frozenset({Roles.AUDITOR}), audit_section),
    OrganisationKinds.SOCIAL_ORG: (frozenset({Roles.STAFF}), social_org_section),
}


def workbench_sections(user: AnyUser) -> list[Section]:
    """One section per organisation the person holds a role in (several roles in one
    organisation make one section; for a supervision office, the head's reading when they hold
    it), in the order of the organisation tree."""
    moment = Moment(today=clock.today(), now=clock.now())
    by_organisation: dict[int, list[Grant]] = {}
    for grant in user_grants(user):
        roles, _reader = READERS.get(grant.kind, (frozenset(), None))
        if grant.role in roles:
            by_organisation.setdefault(grant.organisation_id, []).append(grant)
    sections = []
    for grants in by_organisation.values():
        head = next((g for g in grants if g.role == Roles.HEAD), grants[0])
        _roles, reader = READERS[head.kind]
        sections.append(
            Section(
                kind=head.kind,
                organisation_code=head.organisation_code,
                organisation_name=head.organisation_name,
                roles=tuple(g.role for g in grants),
                figures=reader(user, head, moment),
            )
        )
    return sections
