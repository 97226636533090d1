"""Background tasks (Django's tasks framework; a database-backed queue from django-tasks-db, so
the embedded default needs no extra server): notify whoever must act. Each notification is sent
once per person and subject, so a retried task never notifies twice."""

import datetime as dt

from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from communitygate.accounts.models import Roles
from communitygate.accounts.permissions import DEPARTMENT_STAFF_ROLES
from communitygate.accounts.selectors import people_holding
from communitygate.accounts.services import notifications_send
from communitygate.admissions.models import Application, Ballot, ReviewRound, RoundStatuses
from communitygate.core import clock, workdays

VOTER_ROLES = (Roles.SECRETARY, Roles.WORKER, Roles.OFFICER)


def _application_link(application: Application) -> str:
    return reverse("admissions:detail", args=[application.pk])


@task()
def notify_consultation_opened(round_id: int) -> int:
    """Every consulted body's voters: a consultation needs their vote by the deadline."""
    review_round = ReviewRound.objects.get(pk=round_id)
    deadline = (
        timezone.localtime(review_round.consultation_deadline)
        if review_round.consultation_deadline
        else None
    )
    sent = 0
    for application in Application.objects.filter(review_round=review_round).select_related(
        "applicant"
    ):
        bodies = Ballot.objects.filter(application=application).values_list("body_id", flat=True)
        sent += notifications_send(
            recipients=people_holding(bodies, VOTER_ROLES),
            key=f"consultation-opened:{application.pk}",
            text_zh=f"征询意见：{application.item_name}（{application.number}），请于 {deadline:%Y年%m月%d日 %H:%M} 前表决。",
            text_en=f"Consultation: {application.number} {application.item_name}; vote by {deadline:%Y-%m-%d %H:%M}.",
            link=_application_link(application),
        )
    return sent


@task()
def notify_returned(application_id: int) -> int:
    application = Application.objects.select_related("applicant").get(pk=application_id)
    return notifications_send(
        recipients=people_holding([application.applicant_id], DEPARTMENT_STAFF_ROLES),
        key=f"returned:{application.pk}:{application.revision}",
        text_zh=f"申请 {application.number} 被退回修改：{application.office_opinion}",
        text_en=f"Application {application.number} was returned for revision.",
        link=_application_link(application),
    )


@task()
def notify_decided(application_id: int) -> int:
    application = Application.objects.select_related("applicant").get(pk=application_id)
    return notifications_send(
        recipients=people_holding([application.applicant_id], DEPARTMENT_STAFF_ROLES),
        key=f"decided:{application.pk}",
        text_zh=f"申请 {application.number} 已有结果：{application.get_status_display()}。",
        text_en=f"Application {application.number} has been decided: {application.status}.",
        link=_application_link(application),
    )


def ballots_due_soon(today: dt.date) -> list[Ballot]:
    """Ballots not yet cast whose deadline falls within the next two working days."""
    limit = workdays.add_workdays(today, 2)
    ballots = Ballot.objects.filter(
        vote="",
        application__review_round__status=RoundStatuses.CONSULTING,
        application__review_round__consultation_deadline__gt=clock.now(),
    ).select_related("application", "application__review_round")
    return [
        ballot
        for ballot in ballots
        if ballot.application.review_round is not None
        and ballot.application.review_round.consultation_deadline is not None
        and timezone.localtime(ballot.application.review_round.consultation_deadline).date()
        <= limit
    ]


@task()
def remind_votes_due() -> int:
    """Run daily (communitygate remind_votes): a vote due within two working days."""
    sent = 0
    for ballot in ballots_due_soon(clock.today()):
        application = ballot.application
        sent += notifications_send(
            recipients=people_holding([ballot.body_id], VOTER_ROLES),
            key=f"vote-due:{application.pk}:{ballot.body_id}",
            text_zh=f"提醒：{application.number} {application.item_name} 的征询将在两个工作日内截止，贵单位尚未表决。",
            text_en=f"Reminder: the consultation on {application.number} closes within two working days; your vote is missing.",
            link=_application_link(application),
        )
    return sent
