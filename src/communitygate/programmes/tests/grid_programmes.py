"""The permission grid's rows for disputes, activities and programmes, their pages, the public
sign-up pages and the programmes API (see web/tests/grid.py).

370203031001's secretary and worker act; the officer of its subdistrict (370203031) reads and is
refused writes (403); everyone else gets 404 for the objects. Lists answer every signed-in
person, scoped (an empty list for those without residents' data). The public pages answer
everyone."""

import datetime as dt
from typing import Any

from communitygate.core import clock
from communitygate.disputes.models import Dispute, DisputeParty, MediationSession
from communitygate.disputes.services.disputes import (
    PartyInput,
    dispute_conclude,
    dispute_open,
    mediation_session_add,
)
from communitygate.http.formtokens import new_form_token
from communitygate.programmes.models import (
    Activity,
    Attendance,
    Enrolment,
    Programme,
    ProgrammeSession,
)
from communitygate.programmes.services.programmes import (
    ActivityFields,
    ProgrammeFields,
    activity_create,
    enrolment_sign_up,
    programme_create,
    session_add,
)
from communitygate.testing import World
from communitygate.web.tests.grid import (
    CREATED,
    FORBIDDEN,
    NOT_FOUND,
    PAGE,
    PUBLIC,
    REDIRECT,
    SIGN_IN,
    SIGNED_OUT,
    UNAUTHENTICATED,
    GridPart,
    Outcome,
    row,
)

ACTORS = ("community_secretary", "community_worker")  # 370203031001
READER = ("subdistrict_officer",)  # 370203031
COMMUNITY_STAFF = (*ACTORS, "community_secretary_other")


def seed(world: World) -> dict[str, Any]:
    secretary = world.user("community_secretary")
    community = world.org("community")
    today = clock.today()

    def dispute(summary: str) -> Dispute:
        return dispute_open(
            actor=secretary,
            community=community,
            kind="neighbour",
            summary=summary,
            facts="网格纠纷事实",
            parties=[
                PartyInput("网格甲", "applicant", None, "13912340001"),
                PartyInput("网格乙", "respondent", None, "13912340002"),
            ],
        )

    open_dispute = dispute("网格未结纠纷")
    agreed = dispute("网格已调解纠纷")
    mediation_session_add(actor=secretary, dispute=agreed, held_on=today, mediators="网格调解员")
    dispute_conclude(
        actor=secretary,
        dispute=agreed,
        outcome="agreement",
        outcome_on=today,
        terms="网格协议内容",
    )
    activity = activity_create(
        actor=secretary,
        community=community,
        fields=ActivityFields(title="网格活动", held_on=today, place="广场", capacity=100),
    )
    programme = programme_create(
        actor=secretary,
        community=community,
        fields=ProgrammeFields(
            title="网格放学回来吧",
            place="活动室",
            capacity=1,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=60),
        ),
    )
    session = session_add(actor=secretary, programme=programme, held_on=today, topic="网格课")
    enrolled = enrolment_sign_up(
        programme=programme,
        child_name="网格孩子甲",
        child_birth_date=None,
        guardian_name="网格家长甲",
        guardian_phone="13912340003",
        online=True,
    )
    enrolment_sign_up(
        programme=programme,
        child_name="网格孩子乙",
        child_birth_date=None,
        guardian_name="网格家长乙",
        guardian_phone="13912340004",
        online=True,
    )
    return {
        "programmes_dispute_open": open_dispute.pk,
        "programmes_dispute_agreed": agreed.pk,
        "programmes_activity": activity.pk,
        "programmes_programme": programme.pk,
        "programmes_session": session.pk,
        "programmes_enrolment": enrolled.pk,
    }


def page_row(seen: tuple[str, ...], outcome: Outcome, *cells: Any) -> dict[str, Outcome]:
    return row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (seen, outcome), *cells)


SIGNED_IN_PAGE = row(PAGE, (SIGNED_OUT, SIGN_IN))
STAFF_PAGE = page_row(COMMUNITY_STAFF, PAGE)
STAFF_CREATES = page_row(ACTORS, REDIRECT, (("community_secretary_other",), PAGE))
OBJECT_PAGE = page_row((*ACTORS, *READER), PAGE)
OBJECT_WRITE = page_row(ACTORS, REDIRECT, (READER, FORBIDDEN))
API_LIST = row(PAGE, (SIGNED_OUT, UNAUTHENTICATED))
API_OBJECT = row(NOT_FOUND, (SIGNED_OUT, UNAUTHENTICATED), ((*ACTORS, *READER), PAGE))


def api_write(allowed: Outcome) -> dict[str, Outcome]:
    return row(NOT_FOUND, (SIGNED_OUT, UNAUTHENTICATED), (ACTORS, allowed), (READER, FORBIDDEN))


D_OPEN = "/residents/disputes/{programmes_dispute_open}"
D_AGREED = "/residents/disputes/{programmes_dispute_agreed}"
ACTIVITY = "/residents/activities/{programmes_activity}"
PROGRAMME = "/residents/programmes/{programmes_programme}"
PUBLIC_PROGRAMME = "/public/programmes/{programmes_programme}"
API_PROGRAMME = "/api/v1/programmes/{programmes_programme}"

MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    # Disputes
    ("GET", "/residents/disputes/"): SIGNED_IN_PAGE,
    ("GET", "/residents/disputes/new/"): STAFF_PAGE,
    ("POST", "/residents/disputes/new/"): STAFF_CREATES,
    ("GET", f"{D_OPEN}/"): OBJECT_PAGE,
    ("GET", f"{D_AGREED}/"): OBJECT_PAGE,
    ("POST", f"{D_OPEN}/parties/"): OBJECT_WRITE,
    ("POST", f"{D_OPEN}/sessions/"): OBJECT_WRITE,
    ("POST", f"{D_OPEN}/conclude/"): OBJECT_WRITE,
    ("GET", f"{D_AGREED}/agreement.pdf"): OBJECT_PAGE,
    # Activities
    ("GET", "/residents/activities/"): SIGNED_IN_PAGE,
    ("GET", "/residents/activities/new/"): STAFF_PAGE,
    ("POST", "/residents/activities/new/"): STAFF_CREATES,
    ("GET", f"{ACTIVITY}/"): OBJECT_PAGE,
    ("POST", f"{ACTIVITY}/attendance/"): OBJECT_WRITE,
    ("POST", f"{ACTIVITY}/cancel/"): OBJECT_WRITE,
    # Programmes
    ("GET", "/residents/programmes/"): SIGNED_IN_PAGE,
    ("GET", "/residents/programmes/new/"): STAFF_PAGE,
    ("POST", "/residents/programmes/new/"): STAFF_CREATES,
    ("GET", f"{PROGRAMME}/"): OBJECT_PAGE,
    ("POST", f"{PROGRAMME}/sessions/"): OBJECT_WRITE,
    ("POST", f"{PROGRAMME}/enrol/"): OBJECT_WRITE,
    ("POST", f"{PROGRAMME}/close/"): OBJECT_WRITE,
    ("POST", f"{PROGRAMME}/sessions/{{programmes_session}}/attendance/"): OBJECT_WRITE,
    ("POST", "/residents/enrolments/{programmes_enrolment}/withdraw/"): OBJECT_WRITE,
    # The public sign-up pages
    ("GET", "/public/programmes/"): PUBLIC,
    ("GET", f"{PUBLIC_PROGRAMME}/"): PUBLIC,
    ("POST", f"{PUBLIC_PROGRAMME}/"): row(REDIRECT),
    ("GET", f"{PUBLIC_PROGRAMME}/signed-up/"): row(REDIRECT),
    # The API
    ("GET", "/api/v1/programmes"): API_LIST,
    ("GET", API_PROGRAMME): API_OBJECT,
    ("GET", f"{API_PROGRAMME}/enrolments"): API_OBJECT,
    ("POST", f"{API_PROGRAMME}/enrolments"): api_write(CREATED),
    ("POST", "/api/v1/enrolments/{programmes_enrolment}/withdraw"): api_write(PAGE),
}


def today_text() -> str:
    return clock.today().isoformat()


def child(name: str) -> dict[str, str]:
    return {"child_name": name, "guardian_name": "网格家长", "guardian_phone": "13912349999"}


PAYLOADS: dict[tuple[str, str], Any] = {
    ("POST", "/residents/disputes/new/"): lambda seed: {
        "community": "370203031001",
        "kind": "family",
        "summary": "网格新纠纷",
        "facts": "",
        "applicant_name": "网格丙",
        "applicant_phone": "",
        "respondent_name": "",
        "respondent_phone": "",
    },
    ("POST", f"{D_OPEN}/parties/"): lambda seed: {"name": "网格丁", "role": "other", "phone": ""},
    ("POST", f"{D_OPEN}/sessions/"): lambda seed: {
        "held_on": today_text(),
        "mediators": "网格调解员",
        "notes": "",
    },
    ("POST", f"{D_OPEN}/conclude/"): lambda seed: {
        "outcome": "referred",
        "outcome_on": today_text(),
        "referred_to": "网格法院",
    },
    ("POST", "/residents/activities/new/"): lambda seed: {
        "community": "370203031001",
        "title": "网格新活动",
        "held_on": today_text(),
        "place": "广场",
        "capacity": "50",
    },
    ("POST", f"{ACTIVITY}/attendance/"): lambda seed: {"attendance": "120"},
    ("POST", f"{ACTIVITY}/cancel/"): lambda seed: {"reason": "网格取消"},
    ("POST", "/residents/programmes/new/"): lambda seed: {
        "community": "370203031001",
        "title": "网格新项目",
        "place": "活动室",
        "capacity": "10",
        "starts_on": today_text(),
        "ends_on": today_text(),
        "public_signup": "on",
    },
    ("POST", f"{PROGRAMME}/sessions/"): lambda seed: {"held_on": today_text(), "topic": "网格"},
    ("POST", f"{PROGRAMME}/enrol/"): lambda seed: child("网格孩子丙"),
    ("POST", f"{PROGRAMME}/close/"): lambda seed: {},
    ("POST", f"{PROGRAMME}/sessions/{{programmes_session}}/attendance/"): lambda seed: {
        "present": [str(seed.extra["programmes_enrolment"])]
    },
    ("POST", "/residents/enrolments/{programmes_enrolment}/withdraw/"): lambda seed: {},
    ("POST", f"{PUBLIC_PROGRAMME}/"): lambda seed: {
        "form_token": new_form_token(),
        **child("网格孩子丁"),
    },
    ("POST", f"{API_PROGRAMME}/enrolments"): lambda seed: child("网格孩子戊"),
    ("POST", "/api/v1/enrolments/{programmes_enrolment}/withdraw"): lambda seed: {},
}


def enrolment_status(seed: Any) -> object:
    return Enrolment.objects.get(pk=seed.extra["programmes_enrolment"]).status


EFFECTS: dict[tuple[str, str], Any] = {
    ("POST", "/residents/disputes/new/"): lambda seed: Dispute.objects.count(),
    ("POST", f"{D_OPEN}/parties/"): lambda seed: DisputeParty.objects.count(),
    ("POST", f"{D_OPEN}/sessions/"): lambda seed: MediationSession.objects.count(),
    ("POST", f"{D_OPEN}/conclude/"): lambda seed: (
        Dispute.objects.get(pk=seed.extra["programmes_dispute_open"]).outcome
    ),
    ("POST", "/residents/activities/new/"): lambda seed: Activity.objects.count(),
    ("POST", f"{ACTIVITY}/attendance/"): lambda seed: (
        Activity.objects.get(pk=seed.extra["programmes_activity"]).attendance
    ),
    ("POST", f"{ACTIVITY}/cancel/"): lambda seed: (
        Activity.objects.get(pk=seed.extra["programmes_activity"]).cancelled
    ),
    ("POST", "/residents/programmes/new/"): lambda seed: Programme.objects.count(),
    ("POST", f"{PROGRAMME}/sessions/"): lambda seed: ProgrammeSession.objects.count(),
    ("POST", f"{PROGRAMME}/enrol/"): lambda seed: Enrolment.objects.count(),
    ("POST", f"{PROGRAMME}/close/"): lambda seed: (
        Programme.objects.get(pk=seed.extra["programmes_programme"]).closed
    ),
    ("POST", f"{PROGRAMME}/sessions/{{programmes_session}}/attendance/"): lambda seed: list(
        Attendance.objects.values_list("enrolment_id", "present")
    ),
    ("POST", "/residents/enrolments/{programmes_enrolment}/withdraw/"): enrolment_status,
    ("POST", f"{PUBLIC_PROGRAMME}/"): lambda seed: Enrolment.objects.count(),
    ("POST", f"{API_PROGRAMME}/enrolments"): lambda seed: Enrolment.objects.count(),
    ("POST", "/api/v1/enrolments/{programmes_enrolment}/withdraw"): enrolment_status,
}

PART = GridPart(seed=seed, matrix=MATRIX, payloads=PAYLOADS, effects=EFFECTS)
