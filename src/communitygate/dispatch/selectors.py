"""Reads of dispatch: a community's inbox with working-day due dates, a task's assignments, and
what each department sent in a period (supervision's scorecard reads it)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from communitygate.core import workdays
from communitygate.dispatch.models import Assignment, AssignmentStates, Task

OPEN_STATES = (AssignmentStates.RECEIVED, AssignmentStates.ACCEPTED, AssignmentStates.RETURNED)
DUE_SOON_WORKDAYS = 3


# What a community owes (issue 13): only an admitted task binds it. An unadmitted task may be
# refused and has no duty attached, so it is never "due soon" or "overdue" for the community; its
# due date is the sending department's problem. Every count of a community's overdue work asks
# this one condition.
def owed_by_community(today: dt.date) -> Q:
    """The assignments a community is late with: admitted, still open, past their due date."""
    return Q(admitted=True, state__in=OPEN_STATES, due_on__lt=today)


@dataclass(frozen=True)
class InboxRow:
    assignment: Assignment
    workdays_left: int | None  # None when the calendar does not know the period yet
    due_soon: bool
    overdue: bool

    @property
    def binding(self) -> bool:
        """Whether the due date binds the community (an admitted task)."""
        return self.assignment.admitted


def inbox_assignments(community_ids: list[int]) -> list[Assignment]:
    """A community's assignments, admitted and unadmitted alike, by due date; task, department,
    item and community loaded."""
    return list(
        Assignment.objects.filter(community_id__in=community_ids)
        .select_related("task", "task__department", "task__item", "community")
        .order_by("due_on", "pk")
    )


def inbox(community_ids: list[int], today: dt.date) -> list[InboxRow]:
    """A community's assignments, admitted and unadmitted alike, each with working days left.

    The calendar is read once for every due date of the inbox, not once per row."""
    assignments = inbox_assignments(community_ids)
    counted = workdays.workdays_between_each(today, [today, *(a.due_on for a in assignments)])
    rows = []
    for assignment in assignments:
        left = _workdays_left(today, assignment.due_on, counted)
        owed = assignment.admitted and assignment.state in OPEN_STATES
        rows.append(
            InboxRow(
                assignment=assignment,
                workdays_left=left,
                due_soon=owed and left is not None and 0 <= left <= DUE_SOON_WORKDAYS,
                overdue=owed and assignment.due_on < today,
            )
        )
    return rows


def _workdays_left(
    today: dt.date, due_on: dt.date, counted: dict[dt.date, int | None]
) -> int | None:
    """Working days after today up to the due date, from `workdays_between_each` answers."""
    if due_on < today:
        return -1
    until_due, today_counts = counted[due_on], counted[today]
    if until_due is None or today_counts is None:
        return None
    return until_due - today_counts


# The inbox's views (`?show=`): what waits for the community. An unadmitted task is never shown as
# due soon or overdue: the community has no duty to do it, its deadline is the department's problem.
INBOX_VIEWS = ("to_refuse", "due_soon", "overdue")


def inbox_view(rows: list[InboxRow], show: str) -> list[InboxRow]:
    """The rows one view of the inbox lists (all of them for an empty or unknown `show`):
    unadmitted tasks still to refuse, admitted open tasks due within DUE_SOON_WORKDAYS working
    days (not yet overdue), admitted open tasks past their due date."""
    if show == "to_refuse":
        return [
            row
            for row in rows
            if not row.assignment.admitted and row.assignment.state == AssignmentStates.RECEIVED
        ]
    if show == "due_soon":
        return [row for row in rows if row.assignment.admitted and row.due_soon and not row.overdue]
    if show == "overdue":
        return [row for row in rows if row.assignment.admitted and row.overdue]
    return rows


def inbox_counts(community_ids: list[int]) -> dict[str, int]:
    counts = dict(
        Assignment.objects.filter(community_id__in=community_ids)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return {state: counts.get(state, 0) for state in AssignmentStates.values}


def state_counts(assignments: QuerySet[Assignment]) -> dict[str, int]:
    """How many of these assignments are in each state (every state named, zero included)."""
    counts = dict(
        assignments.order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return {state: counts.get(state, 0) for state in AssignmentStates.values}


# The task list's one filter (`?state=`): tasks with at least one assignment in that state.
def tasks_with_assignments_in(tasks: QuerySet[Task], state: str) -> QuerySet[Task]:
    """`tasks` (scoped) having an assignment in `state`; all of them for an unknown state."""
    if state not in AssignmentStates.values:
        return tasks
    return tasks.filter(pk__in=Assignment.objects.filter(state=state).values("task_id"))


def overdue_assignments(assignments: QuerySet[Assignment], today: dt.date) -> QuerySet[Assignment]:
    """`assignments` (scoped) admitted, still open and past their due date: the work late in
    the communities (unadmitted tasks are never overdue for a community)."""
    return assignments.filter(owed_by_community(today))


def task_assignments(task: Task) -> QuerySet[Assignment]:
    return task.assignments.select_related("community").order_by("community__path")


def task_reach(task: Task) -> int:
    """How many communities the task was sent to (one assignment each)."""
    return Assignment.objects.filter(task=task).count()


def task_state_counts(tasks: list[Task]) -> dict[int, dict[str, int]]:
    rows = (
        Assignment.objects.filter(task__in=tasks).values("task_id", "state").annotate(n=Count("id"))
    )
    counts: dict[int, dict[str, int]] = {task.pk: {} for task in tasks}
    for row in rows:
        counts[row["task_id"]][row["state"]] = row["n"]
    return counts


@dataclass(frozen=True)
class SentFigures:
    """What one department sent in a period: tasks, how many the gate did not admit, and how many
    assignments communities refused."""

    tasks: int = 0
    unadmitted: int = 0
    refusals: int = 0


def sent_by_department(start: dt.datetime, end: dt.datetime) -> dict[int, SentFigures]:
    """Per department id, the tasks sent from `start` (inclusive) to `end` (exclusive): two
    aggregate queries whatever the number of departments."""
    in_period = Task.objects.filter(created_at__gte=start, created_at__lt=end)
    tasks: dict[int, tuple[int, int]] = {
        row["department_id"]: (row["n"], row["unadmitted"])
        for row in in_period.values("department_id").annotate(
            n=Count("id"), unadmitted=Count("id", filter=Q(admitted=False))
        )
    }
    refusals = dict(
        Assignment.objects.filter(task__in=in_period, state=AssignmentStates.REFUSED)
        .values("task__department_id")
        .annotate(n=Count("id"))
        .values_list("task__department_id", "n")
    )
    return {
        department_id: SentFigures(
            tasks=tasks.get(department_id, (0, 0))[0],
            unadmitted=tasks.get(department_id, (0, 0))[1],
            refusals=refusals.get(department_id, 0),
        )
        for department_id in set(tasks) | set(refusals)
    }
