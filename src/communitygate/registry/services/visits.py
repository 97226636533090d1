"""Home visits (入户走访): a community worker plans a visit to a household for a day, then records
it as done with a note. Households where someone carries a care tag that needs regular visits
(living alone, aged 80+, disability, special hardship, left behind, …) are visited at least every
VISIT_INTERVAL_DAYS days (30): `visits_plan_for_tagged` plans a visit for each such household
nobody has visited in that time and that has no visit waiting.

Only the community's own staff (secretary or worker) plan and record its visits; a subdistrict's
officer sees them on the glance but does not act. Free text (purpose, note) is stored with any
ID-number- or mobile-shaped run masked: the platform keeps those only sealed.
"""

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from communitygate.audit.recorder import created_fields, record_event
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem, RuleBroken
from communitygate.core.logmask import mask_personal_data
from communitygate.core.people import AnyUser, acting_user
from communitygate.orgs.models import Organisation
from communitygate.registry.models import Household, Resident, Visit
from communitygate.registry.permissions import works_in
from communitygate.registry.selectors.visits import (
    VISIT_INTERVAL_DAYS,
    current_residents,
    households_due_for_visit,
)

PURPOSE_MAX = 200
NOTE_MAX = 4000


class VisitPlannedInThePast(RuleBroken):
    code = "visit_planned_in_the_past"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "走访日期不能早于今天，请选择今天或以后的日期。",
            "A visit cannot be planned for a day before today; choose today or a later day.",
        )


class HouseholdMovedOut(RuleBroken):
    code = "household_moved_out"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "该户已迁出，不能安排走访；请核对房间号。",
            "This household has moved out and cannot be visited; check the room.",
        )


class ResidentNotInHousehold(RuleBroken):
    code = "resident_not_in_household"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "所选居民不是该户的现住人员，请重新选择。",
            "The resident chosen does not live in this household now; choose again.",
        )


class VisitAlreadyRecorded(RuleBroken):
    code = "visit_already_recorded"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "这次走访已经登记为完成，无需重复登记。",
            "This visit has already been recorded as done.",
        )


def _require_staff(actor: AnyUser, community_id: int) -> User:
    """The acting person, when they work in the community; else PermissionDenied."""
    user = acting_user(actor)
    if user is None or not works_in(user, community_id):
        raise PermissionDenied(
            "只有本社区的工作人员可以安排和登记走访。",
            "Only the community's own staff plan and record its visits.",
        )
    return user


def _clean_text(value: str, *, field: str, limit: int, required: bool) -> str:
    text = mask_personal_data(value.strip())
    if required and not text:
        raise InvalidInput([Problem("请填写走访事由。", "Give the purpose of the visit.", field)])
    if len(text) > limit:
        raise InvalidInput(
            [
                Problem(
                    f"内容过长（最多{limit}字），请精简。",
                    f"Too long (at most {limit} characters); shorten it.",
                    field,
                )
            ]
        )
    return text


def visit_plan(
    *,
    actor: AnyUser,
    household: Household,
    resident: Resident | None = None,
    planned_on: dt.date,
    purpose: str,
) -> Visit:
    """Plan a visit to a current household (optionally to one of its residents) for today or a
    later day."""
    worker = _require_staff(actor, household.community_id)
    text = _clean_text(purpose, field="purpose", limit=PURPOSE_MAX, required=True)
    if planned_on < clock.today():
        raise VisitPlannedInThePast()
    with transaction.atomic():
        if not Household.objects.filter(pk=household.pk, moved_out_on__isnull=True).exists():
            raise HouseholdMovedOut()
        if resident is not None and not (
            current_residents().filter(pk=resident.pk, household_id=household.pk).exists()
        ):
            raise ResidentNotInHousehold()
        visit = Visit.objects.create(
            community_id=household.community_id,
            household=household,
            resident=resident,
            planned_on=planned_on,
            purpose=text,
            worker=worker,
        )
        record_event(
            actor=actor,
            action="visit.plan",
            obj=visit,
            changes=created_fields(
                {
                    "household": household.pk,
                    "resident": resident.pk if resident else None,
                    "planned_on": planned_on,
                    "purpose": text,
                }
            ),
        )
    return visit


def visit_record(*, actor: AnyUser, visit: Visit, note: str) -> Visit:
    """Record a planned visit as done now, with what was found."""
    worker = _require_staff(actor, visit.community_id)
    text = _clean_text(note, field="note", limit=NOTE_MAX, required=False)
    now = clock.now()
    with transaction.atomic():
        changed = Visit.objects.filter(pk=visit.pk, done_at__isnull=True).update(
            done_at=now, note=text, worker=worker
        )
        if not changed:
            raise VisitAlreadyRecorded()
        record_event(
            actor=actor,
            action="visit.record",
            obj=visit,
            changes={"done_at": [None, now], "note": ["", text]},
        )
    return Visit.objects.get(pk=visit.pk)


def visits_plan_for_tagged(
    *, actor: AnyUser, community: Organisation, planned_on: dt.date
) -> list[Visit]:
    """Plan a visit on `planned_on` for every current household of the community where someone
    carries a tag that needs regular visits, nobody has visited in the last VISIT_INTERVAL_DAYS
    days, and no visit is waiting (planned for today or later, not yet done). Running it twice
    plans nothing the second time. One audit event lists the households."""
    worker = _require_staff(actor, community.pk)
    if planned_on < clock.today():
        raise VisitPlannedInThePast()
    with transaction.atomic():
        waiting = Visit.objects.filter(
            household_id=OuterRef("pk"), done_at__isnull=True, planned_on__gte=clock.today()
        )
        due = (
            households_due_for_visit(community, now=clock.now())
            .filter(~Exists(waiting))
            .order_by("pk")
        )
        household_ids = list(due.values_list("pk", flat=True))
        if not household_ids:
            return []
        purposes = _purposes(household_ids)
        visits = Visit.objects.bulk_create(
            [
                Visit(
                    community=community,
                    household_id=household_id,
                    planned_on=planned_on,
                    purpose=purposes[household_id],
                    worker=worker,
                )
                for household_id in household_ids
            ]
        )
        record_event(
            actor=actor,
            action="visit.plan_tagged",
            obj=community,
            changes={
                "planned_on": [None, planned_on.isoformat()],
                "visits": [None, len(visits)],
                "households": [None, household_ids],
                "interval_days": [None, VISIT_INTERVAL_DAYS],
            },
        )
    return visits


def _purposes(household_ids: list[int]) -> dict[int, str]:
    """定期走访：<the tags that need visits in the household> (one query)."""
    pairs = (
        Resident.tags.through.objects.filter(
            Q(caretag__needs_visits=True) & Q(caretag__active=True),
            resident__household_id__in=household_ids,
            resident__moved_out_on__isnull=True,
        )
        .order_by("caretag__position", "caretag__code")
        .values_list("resident__household_id", "caretag__name")
    )
    names: dict[int, list[str]] = {household_id: [] for household_id in household_ids}
    for household_id, name in pairs:
        if name not in names[household_id]:
            names[household_id].append(name)
    return {
        household_id: f"定期走访：{'、'.join(tags)}"[:PURPOSE_MAX]
        for household_id, tags in names.items()
    }
