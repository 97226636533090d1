"""Writes of residents' matters (民情事项): intake by staff (`matter_receive`) or by a resident
online without signing in (`matter_submit_public`), then the steps of `residents.workflow`
(`matter_assign`, `matter_answer`, `matter_close`, `matter_reopen`), the resident's rating
(`matter_rate`, where "unsatisfied" reopens the matter for review) and the daily escalation of
overdue matters to the subdistrict (`matters_escalate_overdue`).

Every matter gets a tracking code the resident uses to follow it (`MQ` + 8 Crockford base32
characters from `secrets`), and an answer-by date: `answer_by_for`, the category's working days
after the receiving day (`core.workdays`). Where a year's holiday schedule is not entered yet the
date is core.workdays' estimate, stored with `answer_by_estimated`; entering the year recounts it
(`matters_recount_estimated_answer_by`, on the calendar's `calendar_year_entered` signal). The phone is stored sealed; audit events record its
mask only, and free text (summary, description, place, answer, reasons, the resident's comment)
is stored with ID-number- and phone-shaped runs masked (`core.logmask.mask_personal_data`). The
full phone leaves only through `matter_phone_reveal`, for the callback.

Idempotency keys (`core.idempotency`) are scoped: a staff member's key is theirs (unique per
`received_by`), so one community can never block another's creates by guessing its keys; a
resident filing without signing in has no person, so public keys share one space per channel
(the Open311 client's, the public API's).
"""

import datetime as dt
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from communitygate.accounts.models import Roles
from communitygate.accounts.permissions import staffed_community_ids
from communitygate.accounts.selectors import people_holding
from communitygate.accounts.services import notifications_send
from communitygate.audit.recorder import changed_fields, created_fields, record_event
from communitygate.audit.transitions import transition_apply
from communitygate.core import clock, workdays
from communitygate.core.crypto import unseal
from communitygate.core.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleBroken,
    StaleObject,
)
from communitygate.core.idempotency import idempotency_key_checked, idempotent_create, request_hash
from communitygate.core.logmask import mask_personal_data
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.phones import PHONE_KIND, InvalidPhone, normalise_phone, seal_phone
from communitygate.core.tabular import xlsx_bytes
from communitygate.core.uploads import CheckedUpload, FileUpload, attach_files, checked_uploads
from communitygate.matters.models import (
    Matter,
    MatterCategory,
    MatterChannels,
    MatterPhoto,
    MatterStatuses,
    MatterStep,
    MatterStepKinds,
    Ratings,
)
from communitygate.matters.permissions import can_reveal_matter_phone
from communitygate.matters.selectors.matters import (
    TRACKING_PREFIX,
    MatterFilters,
    matter_by_code,
    matter_list,
    matters_export_scope,
    rated_this_answer,
)
from communitygate.matters.workflow import (
    MATTER,
    OPEN_STATUSES,
    RATEABLE_STATUSES,
    MatterActions,
    MatterStepNotAllowed,
    TrackingCodeHolder,
)
from communitygate.orgs.models import Organisation
from communitygate.orgs.selectors import active_communities
from communitygate.registry.models import CareTag, Resident
from communitygate.registry.permissions import can_keep_residents_settings, works_in

logger = logging.getLogger(__name__)


def _step_record(
    matter_id: int, kind: str, actor: AnyUser, *, status: str, reason: str = ""
) -> None:
    """The matter's own record of a step (MatterStep), in the step's transaction."""
    MatterStep.objects.create(
        matter_id=matter_id,
        kind=kind,
        status=status,
        actor=acting_user(actor),
        reason=reason,
        taken_at=clock.now(),
    )


TRACKING_LENGTH = 8
# Crockford's base32: no I, L, O or U, so a code read out over the phone is not misheard.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_ATTEMPTS = 5
MAX_PHOTOS = 5
PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})
STAFF_CHANNELS = frozenset({MatterChannels.VISIT, MatterChannels.CALL, MatterChannels.DOOR_TO_DOOR})
PUBLIC_CHANNELS = frozenset({MatterChannels.ONLINE, MatterChannels.OPEN311, MatterChannels.API})


# Rule errors ------------------------------------------------------------------------------------


class MatterPhoneRevealNotAllowed(PermissionDenied):
    code = "matter_phone_reveal_not_allowed"

    def __init__(self) -> None:
        super().__init__(
            "只有本社区书记和本事项的承办人可以查看完整电话；需要回访时请联系他们。",
            "Only the community's secretary and the matter's assignee may see the full phone; "
            "ask one of them to call the resident back.",
        )


class MatterHasNoPhone(RuleBroken):
    code = "matter_has_no_phone"
    status = 404

    def __init__(self) -> None:
        super().__init__(
            "该事项没有留下联系电话。",
            "No phone was given for this matter.",
        )


class MatterNotRateable(RuleBroken):
    code = "matter_not_rateable"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "事项答复后才能评价，请在社区答复后再来评价。",
            "A matter can be rated once it has been answered; come back after the community "
            "answers it.",
        )


class MatterAlreadyRated(RuleBroken):
    code = "matter_already_rated"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "您已评价过本次答复；社区再次答复后可以重新评价。",
            "You have already rated this answer; you can rate again after the community answers "
            "anew.",
        )


# Intake -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatterIntake:
    community_code: str
    category_code: str
    summary: str
    description: str = ""
    location: str = ""
    contact_name: str = ""
    phone: str = ""
    resident_id: int | None = None
    channel: str = MatterChannels.VISIT


PhotoUpload = FileUpload  # a photo as the resident or the staff sent it: its name and bytes


def answer_by_for(category: MatterCategory, counted_from: dt.date) -> workdays.CountedDate:
    """The category's `answer_within_workdays` working days after `counted_from`, the receiving
    (or reopening) day: 2025-09-30 with 3 working days → 2025-10-11, the Saturday worked after
    National Day.

    Residents must always be able to file, so a year the calendar does not know yet does not
    refuse the matter: core.workdays estimates (Monday to Friday) and says so; the matter stores
    the flag and pages show the date as an estimate (docs/residents.md)."""
    return workdays.add_workdays_or_estimate(counted_from, category.answer_within_workdays)


def free_text(value: str) -> str:
    """Free text as it is stored: trimmed, and every ID-number- or phone-shaped run masked, so that no full number typed into a summary or
    an answer reaches pages, exports or the audit log."""
    return mask_personal_data(value.strip())


def _code(value: str) -> str:
    """A code as typed, trimmed."""
    return value.strip()


def _tracking_code() -> str:
    return TRACKING_PREFIX + "".join(secrets.choice(CROCKFORD) for _ in range(TRACKING_LENGTH))


def _intake_fingerprint(
    intake: MatterIntake, photos: Sequence[tuple[CheckedUpload, bytes]], actor_id: int | None
) -> str:
    body = {
        "actor": actor_id,
        "community": intake.community_code,
        "category": intake.category_code,
        "summary": intake.summary.strip(),
        "description": intake.description.strip(),
        "location": intake.location.strip(),
        "contact_name": intake.contact_name.strip(),
        "phone": intake.phone.strip(),
        "resident": intake.resident_id,
        "channel": intake.channel,
        "photos": [photo.sha256 for photo, _content in photos],
    }
    # Keyed (HMAC): the body holds the full phone, and with the stored mask a plain hash would
    # give it back after 10,000 guesses.
    return request_hash(body, keyed_as="matter-request")


def registered_resident(
    resident_id: int | None, community: Organisation | None, problems: list[Problem]
) -> Resident | None:
    """The chosen resident when they live in `community` now; otherwise a problem is added."""
    if resident_id is None:
        return None
    resident = Resident.objects.filter(
        pk=resident_id, community=community, moved_out_on__isnull=True
    ).first()
    if resident is None:
        problems.append(
            Problem(
                "所选居民不在本社区的居民档案中。",
                "The chosen resident is not in this community's registry.",
                field="resident",
            )
        )
    return resident


def _check_photos(
    photos: Iterable[PhotoUpload],
) -> tuple[list[tuple[CheckedUpload, bytes]], list[Problem]]:
    """Every photo checked as any upload (core.uploads) and as a PNG or JPG; the problems of
    every photo, not only the first one's, as problems of the field `photos`."""
    listed = list(photos)
    problems: list[Problem] = []
    if len(listed) > MAX_PHOTOS:
        problems.append(
            Problem(
                f"最多上传 {MAX_PHOTOS} 张照片。",
                f"Upload at most {MAX_PHOTOS} photos.",
                field="photos",
            )
        )
        return [], problems
    checked: list[tuple[CheckedUpload, bytes]] = []
    for photo in listed:
        try:
            [(upload, content)] = checked_uploads([photo])
        except InvalidInput as broken:
            problems.extend(
                Problem(p.message_zh, p.message_en, field="photos") for p in broken.problems
            )
            continue
        if upload.content_type not in PHOTO_TYPES:
            problems.append(
                Problem(
                    "照片只接受 PNG 或 JPG 图片。",
                    "Photos must be PNG or JPG images.",
                    field="photos",
                )
            )
            continue
        checked.append((upload, content))
    return checked, problems


@dataclass(frozen=True)
class _Checked:
    community: Organisation | None
    category: MatterCategory | None
    resident: Resident | None
    phone: str  # normalised, or ""
    photos: list[tuple[CheckedUpload, bytes]]
    key: str


# What the public form takes (matters.forms.public); the API and Open311 take no more.
DESCRIPTION_MAX_LENGTH = 4000


def _check_intake(
    intake: MatterIntake,
    photos: Iterable[PhotoUpload],
    key: str,
    *,
    channels: frozenset[str],
    public: bool,
) -> tuple[_Checked, list[Problem]]:
    problems: list[Problem] = []
    community = active_communities(clock.today()).filter(code=_code(intake.community_code)).first()
    if community is None:
        problems.append(
            Problem(
                "社区代码无效，或该社区已不再受理事项；请选择现有的社区。",
                "Unknown community, or one that no longer takes matters; choose a current "
                "community.",
                field="community",
            )
        )
    category = MatterCategory.objects.filter(code=_code(intake.category_code), active=True).first()
    if category is None:
        problems.append(
            Problem(
                "事项类别无效，请从列表中选择。",
                "Unknown matter category; choose one from the list.",
                field="category",
            )
        )
    if intake.channel not in channels:
        problems.append(Problem("受理渠道无法识别。", "Unknown intake channel.", field="channel"))
    summary = free_text(intake.summary)
    if not summary:
        problems.append(
            Problem("请简要写明是什么事。", "Say briefly what the matter is.", field="summary")
        )
    elif len(summary) > 200:
        problems.append(
            Problem("事项概要不能超过200字。", "Keep the summary to 200 characters.", "summary")
        )
    if len(free_text(intake.description)) > DESCRIPTION_MAX_LENGTH:
        problems.append(
            Problem(
                f"详细情况不能超过{DESCRIPTION_MAX_LENGTH}字。",
                f"Keep the details to {DESCRIPTION_MAX_LENGTH} characters.",
                field="description",
            )
        )
    if len(free_text(intake.location)) > 200:
        problems.append(
            Problem("地点不能超过200字。", "Keep the place to 200 characters.", field="location")
        )
    name = free_text(intake.contact_name)
    if len(name) > 50:
        problems.append(
            Problem("姓名不能超过50字。", "Keep the name to 50 characters.", field="contact_name")
        )
    if public and not name:
        problems.append(Problem("请填写您的姓名。", "Give your name.", field="contact_name"))
    phone = ""
    if intake.phone.strip():
        try:
            phone = normalise_phone(intake.phone)
        except InvalidPhone as broken:
            problems.extend(broken.problems)
    elif public:
        problems.append(
            Problem(
                "请填写联系电话，社区将据此答复您；查询进度时需要其后四位。",
                "Give a phone number: the community answers you on it, and its last four "
                "digits let you follow the matter.",
                field="phone",
            )
        )
    resident = registered_resident(intake.resident_id, community, problems)
    checked_photos, photo_problems = _check_photos(photos)
    problems.extend(photo_problems)
    return _Checked(community, category, resident, phone, checked_photos, key), problems


def _create(
    *,
    user: AnyUser,
    intake: MatterIntake,
    checked: _Checked,
    fingerprint: str,
) -> Matter:
    assert checked.community is not None and checked.category is not None
    now = clock.now()
    received_on = clock.today()
    answer_by = answer_by_for(checked.category, received_on)
    ciphertext = digest = masked = ""
    contact_name = free_text(intake.contact_name)
    if checked.phone:
        sealed = seal_phone(checked.phone)
        ciphertext, digest, masked = sealed.ciphertext, sealed.digest, sealed.masked
    elif checked.resident is not None and checked.resident.phone_ciphertext:
        # The resident's registry phone, copied sealed as it is: never decrypted here (both
        # columns are of the phone kind, so the token reads in either).
        ciphertext = checked.resident.phone_ciphertext
        digest = checked.resident.phone_digest
        masked = checked.resident.phone_masked
    if checked.resident is not None and not contact_name:
        contact_name = checked.resident.name
    for attempt in range(TRACKING_ATTEMPTS):
        code = _tracking_code()
        try:
            with transaction.atomic():
                matter = Matter.objects.create(
                    community=checked.community,
                    tracking_code=code,
                    channel=intake.channel,
                    category=checked.category,
                    summary=free_text(intake.summary),
                    description=free_text(intake.description),
                    location=free_text(intake.location),
                    resident=checked.resident,
                    contact_name=contact_name,
                    phone_ciphertext=ciphertext,
                    phone_digest=digest,
                    phone_masked=masked,
                    status=MatterStatuses.RECEIVED,
                    received_at=now,
                    received_by=acting_user(user),
                    answer_by=answer_by.date,
                    answer_by_estimated=answer_by.estimated,
                    answer_by_counted_from=received_on,
                    updated_at=now,
                    idempotency_key=checked.key,
                    request_hash=fingerprint,
                )
        except IntegrityError:
            # A taken tracking code is drawn again; the same key twice at once is
            # idempotent_create's to answer.
            if (
                attempt + 1 == TRACKING_ATTEMPTS
                or not Matter.objects.filter(tracking_code=code).exists()
            ):
                raise
            continue
        break
    attach_files(MatterPhoto, "matter", matter, checked.photos)
    _step_record(matter.pk, MatterStepKinds.RECEIVE, user, status=matter.status)
    record_event(
        actor=user,
        action="matter.receive",
        obj=matter,
        changes=created_fields(
            {
                "tracking_code": matter.tracking_code,
                "community": checked.community.code,
                "category": checked.category.code,
                "channel": matter.channel,
                "phone": masked,
                "resident": checked.resident.pk if checked.resident else None,
                "answer_by": answer_by.date,
                "answer_by_estimated": answer_by.estimated,
                "photos": len(checked.photos),
            }
        ),
    )
    return matter


def _intake(
    *,
    actor: AnyUser,
    intake: MatterIntake,
    photos: Iterable[PhotoUpload],
    idempotency_key: str,
    public: bool,
) -> Matter:
    key = idempotency_key_checked(idempotency_key)
    checked, problems = _check_intake(
        intake,
        photos,
        key,
        channels=PUBLIC_CHANNELS if public else STAFF_CHANNELS,
        public=public,
    )
    user = acting_user(actor)
    if not public and (
        user is None
        or not staffed_community_ids(user)
        or (checked.community is not None and not works_in(user, checked.community.pk))
    ):
        raise PermissionDenied(
            "只有本社区的工作人员可以登记本社区的事项。",
            "Only the community's own staff may record its matters.",
        )
    if problems:
        raise InvalidInput(problems)
    fingerprint = _intake_fingerprint(intake, checked.photos, user.pk if user else None)
    same_key = (
        Matter.objects.filter(received_by=user, idempotency_key=key)
        if user is not None
        else Matter.objects.filter(
            received_by__isnull=True, channel=intake.channel, idempotency_key=key
        )
    )
    return idempotent_create(
        key=key,
        fingerprint=fingerprint,
        same_key=same_key,
        create=lambda: _create(user=user, intake=intake, checked=checked, fingerprint=fingerprint),
    )


def matter_receive(
    *,
    actor: AnyUser,
    intake: MatterIntake,
    photos: Iterable[PhotoUpload] = (),
    idempotency_key: str = "",
) -> Matter:
    """Staff record a matter (a visit, a call, a door-to-door round) for their own community.

    With an idempotency key, a retry returns the first matter; the same key with a different
    matter is refused (IdempotencyKeyReused). Keys are the actor's own: another person
    using the same key makes their own matter."""
    return _intake(
        actor=actor, intake=intake, photos=photos, idempotency_key=idempotency_key, public=False
    )


def matter_submit_public(
    *,
    intake: MatterIntake,
    photos: Iterable[PhotoUpload] = (),
    idempotency_key: str = "",
) -> Matter:
    """A resident files a matter without signing in (online page, Open311, public API): name
    and phone are required, the community must be a current one and the category active.
    Idempotency keys live in one public space per channel."""
    return _intake(
        actor=None, intake=intake, photos=photos, idempotency_key=idempotency_key, public=True
    )


# Steps ------------------------------------------------------------------------------------------


def _move(
    *,
    actor: AnyUser,
    matter: Matter,
    action: MatterActions,
    values: dict[str, object],
    audit: dict[str, object],
    reason: str = "",
) -> Matter:
    """Take one step of `residents.workflow`; `audit` are the new values its event records."""
    transition_apply(
        MATTER,
        actor=actor,
        subject=matter,
        action=action,
        values=values,
        changes={key: [None, value] for key, value in audit.items()},
        reason=reason,
    )
    moved = Matter.objects.select_related("community", "category", "assignee").get(pk=matter.pk)
    _step_record(matter.pk, str(action), actor, status=moved.status, reason=reason)
    return moved


def matter_assign(*, actor: AnyUser, matter: Matter, assignee: AnyUser) -> Matter:
    """Give the matter to one of the community's staff (the secretary or a worker)."""
    MATTER.authorise(actor, matter, MatterActions.ASSIGN)
    person = acting_user(assignee)
    if person is None or not person.is_active or not works_in(person, matter.community_id):
        raise InvalidInput(
            [
                Problem(
                    "只能交给本社区的工作人员办理。",
                    "Assign it to one of the community's own staff.",
                    field="assignee",
                )
            ]
        )
    with transaction.atomic():
        return _move(
            actor=actor,
            matter=matter,
            action=MatterActions.ASSIGN,
            values={"assignee": person},
            audit={"assignee": person.get_username()},
        )


def matter_answer(*, actor: AnyUser, matter: Matter, answer: str) -> Matter:
    """Record the answer given to the resident. The first answer's time is kept for the
    response rate; a later answer (after reopening) replaces the text."""
    MATTER.authorise(actor, matter, MatterActions.ANSWER)
    text = free_text(answer)
    if not text:
        raise InvalidInput([Problem("请填写答复内容。", "Write the answer given.", field="answer")])
    user = acting_user(actor)
    now = clock.now()
    values: dict[str, object] = {
        "answer": text,
        "answered_at": now,
        "first_answered_at": Coalesce(F("first_answered_at"), now),
    }
    if matter.assignee_id is None and user is not None:
        values["assignee"] = user
    with transaction.atomic():
        return _move(
            actor=actor,
            matter=matter,
            action=MatterActions.ANSWER,
            values=values,
            audit={"answer_length": len(text)},
        )


def matter_close(*, actor: AnyUser, matter: Matter) -> Matter:
    with transaction.atomic():
        return _move(
            actor=actor,
            matter=matter,
            action=MatterActions.CLOSE,
            values={"closed_at": clock.now()},
            audit={},
        )


def _reopen_values(matter: Matter) -> tuple[dict[str, object], dt.date]:
    today = clock.today()
    answer_by = answer_by_for(matter.category, today)
    return (
        {
            "answer_by": answer_by.date,
            "answer_by_estimated": answer_by.estimated,
            "answer_by_counted_from": today,
            "times_reopened": F("times_reopened") + 1,
            "closed_at": None,
            # A new answer-by date: if it passes too, the matter escalates again.
            "escalated_at": None,
        },
        answer_by.date,
    )


def matter_reopen(*, actor: AnyUser, matter: Matter, reason: str) -> Matter:
    """Staff reopen an answered or closed matter for review, with a reason; it gets a new
    answer-by date counted from today."""
    MATTER.authorise(actor, matter, MatterActions.REOPEN)
    reason = free_text(reason)
    if not reason:
        raise InvalidInput(
            [Problem("请说明重新办理的理由。", "Give the reason for reopening.", field="reason")]
        )
    values, answer_by = _reopen_values(matter)
    with transaction.atomic():
        return _move(
            actor=actor,
            matter=matter,
            action=MatterActions.REOPEN,
            values=values,
            audit={"answer_by": answer_by.isoformat()},
            reason=reason,
        )


# The phone, for the callback ---------------------------------------------------------------------


def matter_phone_reveal(*, actor: AnyUser, matter: Matter) -> str:
    """The matter's full phone, for the callback. Every reveal is recorded
    (`matter.reveal_phone`, naming the field, never the value); a refused one too
    (`matter.reveal_phone_denied`), outside any transaction of ours so that the refusal stays
    on record."""
    user = acting_user(actor)
    if not can_reveal_matter_phone(actor, matter):
        record_event(
            actor=user,
            action="matter.reveal_phone_denied",
            obj=matter,
            changes={"field": [None, "phone"]},
        )
        raise MatterPhoneRevealNotAllowed()
    if not matter.phone_ciphertext:
        raise MatterHasNoPhone()
    with transaction.atomic():
        record_event(
            actor=user,
            action="matter.reveal_phone",
            obj=matter,
            changes={"field": [None, "phone"]},
        )
    return unseal(PHONE_KIND, matter.phone_ciphertext)


# The resident's rating --------------------------------------------------------------------------


RATING_COMMENT_MAX_LENGTH = 2000


def matter_rate(*, tracking_code: str, phone_last4: str, rating: str, comment: str = "") -> Matter:
    """The resident rates the answer (satisfied, neutral, unsatisfied). Only an answered or
    closed matter can be rated, once per answer: a new answer may be rated again, and that
    rating replaces the earlier one. "Unsatisfied" reopens the matter for review."""
    if rating not in Ratings.values:
        raise InvalidInput(
            [
                Problem(
                    "请选择满意、基本满意或不满意。",
                    "Choose satisfied, neutral or unsatisfied.",
                    field="rating",
                )
            ]
        )
    comment = free_text(comment)
    if len(comment) > RATING_COMMENT_MAX_LENGTH:
        raise InvalidInput(
            [
                Problem(
                    f"评价说明不能超过{RATING_COMMENT_MAX_LENGTH}个字符。",
                    f"The comment may be at most {RATING_COMMENT_MAX_LENGTH} characters.",
                    field="comment",
                )
            ]
        )
    matter = matter_by_code(tracking_code, phone_last4)
    if matter.status not in RATEABLE_STATUSES:
        raise MatterNotRateable()
    if rated_this_answer(matter):
        raise MatterAlreadyRated()
    now = clock.now()
    values: dict[str, object] = {
        "rating": rating,
        "rating_comment": comment,
        "rated_at": now,
    }
    # Once per answer: not rated yet, or rated before the latest answer.
    unrated = Q(rated_at__isnull=True) | Q(rated_at__lt=F("answered_at"))
    with transaction.atomic():
        _step_record(matter.pk, MatterStepKinds.RATE, None, status=matter.status)
        record_event(
            actor=None,
            action="matter.rate",
            obj=matter,
            changes={
                "rating": [matter.rating or None, rating],
                "phone": [None, matter.phone_masked],
            },
        )
        if rating == Ratings.UNSATISFIED:
            _reopen_by_the_resident(matter, values, unrated)
        else:
            rated = (
                Matter.objects.filter(pk=matter.pk, status__in=RATEABLE_STATUSES)
                .filter(unrated)
                .update(**values, updated_at=now, revision=F("revision") + 1)
            )
            if rated != 1:
                raise MatterAlreadyRated()
    return Matter.objects.select_related("community", "category").get(pk=matter.pk)


def _reopen_by_the_resident(matter: Matter, rating: dict[str, object], unrated: Q) -> None:
    """An unsatisfied rating and the reopening it makes are one step of the workflow, taken by
    the resident who gave the tracking code."""
    reopen, answer_by = _reopen_values(matter)
    try:
        transition_apply(
            MATTER,
            actor=TrackingCodeHolder(matter.pk),
            subject=matter,
            action=MatterActions.REOPEN,
            values={**rating, **reopen},
            changes={"answer_by": [matter.answer_by, answer_by]},
            reason="居民不满意 / The resident is not satisfied",
            where=unrated,
        )
        _step_record(
            matter.pk,
            MatterStepKinds.REOPEN,
            None,
            status=MatterStatuses.REOPENED,
            reason="居民不满意 / The resident is not satisfied",
        )
    except (StaleObject, MatterStepNotAllowed):
        # Someone rated this answer between the check and the update.
        raise MatterAlreadyRated() from None


# Escalation -------------------------------------------------------------------------------------


def matters_escalate_overdue(*, today: dt.date | None = None) -> int:
    """Escalate every open matter (received, assigned, reopened) whose answer-by date has
    passed and that is not escalated yet: mark it, record `matter.escalate`, and tell each
    subdistrict's officers once, with the count of its newly escalated matters. Run daily
    (`communitygate escalate_overdue_matters`); a second run the same day finds nothing.

    An estimated date escalates too (decision, docs/residents.md): it is the date the resident
    was given, and a year left unentered must not silence every overdue matter of it. The event
    records `answer_by_estimated` and the notification says how many of the count were
    estimates; entering the year recounts them and withdraws an escalation whose recounted date
    has not passed (`matters_recount_estimated_answer_by`)."""
    day = today or clock.today()
    now = clock.now()
    with transaction.atomic():
        due = list(
            Matter.objects.select_for_update()
            .filter(status__in=OPEN_STATUSES, answer_by__lt=day, escalated_at__isnull=True)
            .select_related("community")
            .order_by("pk")
        )
        escalated: list[Matter] = []
        for matter in due:
            moved = Matter.objects.filter(
                pk=matter.pk, status__in=OPEN_STATUSES, escalated_at__isnull=True
            ).update(escalated_at=now, updated_at=now)
            if moved == 1:
                escalated.append(matter)
                _step_record(matter.pk, MatterStepKinds.ESCALATE, None, status=matter.status)
                record_event(
                    actor=None,
                    action="matter.escalate",
                    obj=matter,
                    changes={
                        "escalated_at": [None, now],
                        "answer_by": [None, matter.answer_by],
                        "answer_by_estimated": [None, matter.answer_by_estimated],
                    },
                )
        by_subdistrict: dict[int, list[Matter]] = defaultdict(list)
        for matter in escalated:
            if matter.community.parent_id is not None:
                by_subdistrict[matter.community.parent_id].append(matter)
        link = reverse("matters:matters") + "?escalated=1"
        for subdistrict_id, matters in sorted(by_subdistrict.items()):
            text_zh, text_en = _escalation_texts(matters)
            notifications_send(
                recipients=people_holding([subdistrict_id], [Roles.OFFICER]),
                key=f"matters-escalated:{subdistrict_id}:{day.isoformat()}",
                text_zh=text_zh,
                text_en=text_en,
                link=link,
            )
    logger.info("escalated %s overdue matters", len(escalated))
    return len(escalated)


def _escalation_texts(matters: Sequence[Matter]) -> tuple[str, str]:
    """The subdistrict's notification: the count, and how many of them passed an estimated
    date (the officer then knows those may move when the office enters the year)."""
    count = len(matters)
    text_zh = f"辖区内有 {count} 件民情事项超过答复期限未答复，已上报街道，请督办。"
    text_en = (
        f"{count} residents' matter(s) in your communities passed their answer-by date "
        "unanswered and were escalated to the subdistrict."
    )
    estimated = sum(1 for matter in matters if matter.answer_by_estimated)
    if estimated:
        text_zh += (
            f"其中 {estimated} 件的答复期限为预估（该年节假日安排尚未录入，按周一至周五计算），"
            "录入后将重新计算。"
        )
        text_en += (
            f" {estimated} of them had an estimated date (that year's holiday schedule is not "
            "entered yet: counted Monday to Friday); it is recounted when the office enters it."
        )
    return text_zh, text_en


# Estimated answer-by dates ----------------------------------------------------------------------


ESCALATION_WITHDRAWN = (
    "重新计算后的答复期限未到，撤回上报 / Not overdue on the recounted date: escalation withdrawn"
)


def matters_recount_estimated_answer_by(*, actor: AnyUser, year: int) -> int:
    """Recount the answer-by date of every open matter whose date is an estimate whose count
    touches `year`, now that the office has entered that year's holiday schedule; record
    `matter.recount_answer_by` for each date or flag that changed. A matter escalated on its
    estimate whose recounted date has not passed is no longer overdue: its escalation is
    withdrawn (`escalated_at` cleared, as a reopening clears it), and it escalates again if the
    new date passes. Called in the transaction that enters the year (residents.receivers), so
    the year and the dates change together. Returns how many matters changed."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    now = clock.now()
    today = clock.today()
    changed = 0
    with transaction.atomic():
        estimated = list(
            Matter.objects.select_for_update()
            .filter(
                status__in=OPEN_STATUSES,
                answer_by_estimated=True,
                answer_by_counted_from__lte=last,
                answer_by__gte=first,
            )
            .select_related("category")
            .order_by("pk")
        )
        for matter in estimated:
            assert matter.answer_by_counted_from is not None
            recounted = answer_by_for(matter.category, matter.answer_by_counted_from)
            if (recounted.date, recounted.estimated) == (matter.answer_by, True):
                continue
            before: dict[str, object] = {
                "answer_by": matter.answer_by,
                "answer_by_estimated": True,
                "escalated_at": matter.escalated_at,
            }
            after: dict[str, object] = {
                "answer_by": recounted.date,
                "answer_by_estimated": recounted.estimated,
                # Escalated on the estimate, not overdue on the recounted date: withdrawn.
                "escalated_at": matter.escalated_at if recounted.date < today else None,
            }
            moved = Matter.objects.filter(
                pk=matter.pk, answer_by=matter.answer_by, answer_by_estimated=True
            ).update(**after, updated_at=now)
            if moved != 1:
                continue
            changed += 1
            withdrawn = matter.escalated_at is not None and after["escalated_at"] is None
            _step_record(
                matter.pk,
                MatterStepKinds.RECOUNT,
                actor,
                status=matter.status,
                reason=ESCALATION_WITHDRAWN if withdrawn else "",
            )
            record_event(
                actor=actor,
                action="matter.recount_answer_by",
                obj=matter,
                changes=changed_fields(before, after),
            )
    logger.info("recounted %s estimated answer-by dates for %s", changed, year)
    return changed


# The export -------------------------------------------------------------------------------------

ESTIMATE_HEADER = "答复期限为预估"
EXPORT_HEADERS = (
    "查询码",
    "社区",
    "类别",
    "受理渠道",
    "概要",
    "地点",
    "姓名",
    "联系电话（脱敏）",
    "状态",
    "受理时间",
    "答复期限",
    # The date stays a date cell (sorting, filters, date arithmetic); an estimate is marked in
    # a column of its own, 是/否 (docs/residents.md, "The answer-by date").
    ESTIMATE_HEADER,
    "承办人",
    "首次答复时间",
    "答复时间",
    "办结时间",
    "评价",
    "重新办理次数",
    "上报街道时间",
)
EXPORT_CHUNK = 2000


def local_time(moment: dt.datetime | None) -> str:
    """A moment as exports write it: Beijing time, to the minute ("" for none)."""
    return (
        moment.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M") if moment else ""
    )


def matter_row(matter: Matter) -> list[object]:
    """One matter as a row of the export; typed text is written as text, never as a formula."""
    row: list[object] = [
        matter.tracking_code,
        matter.community.name,
        matter.category.name,
        str(MatterChannels(matter.channel).label),
        matter.summary,
        matter.location,
        matter.contact_name,
        matter.phone_masked,
        str(MatterStatuses(matter.status).label),
        local_time(matter.received_at),
        matter.answer_by,
        "是" if matter.answer_by_estimated else "否",
        matter.assignee.get_username() if matter.assignee else "",
        local_time(matter.first_answered_at),
        local_time(matter.answered_at),
        local_time(matter.closed_at),
        str(Ratings(matter.rating).label) if matter.rating else "",
        matter.times_reopened,
        local_time(matter.escalated_at),
    ]
    return row  # written as plain cells by `xlsx_bytes`


def matters_export(*, actor: AnyUser, filters: MatterFilters) -> tuple[bytes, int]:
    """The matters the person sees, filtered as on the list, as XLSX with masked phones only;
    the export is recorded (`matter.export`, on the person's community or subdistrict)."""
    user = acting_user(actor)
    scope = matters_export_scope(user)
    if user is None:
        raise NotFound("事项", "matters")
    with transaction.atomic():
        matters = matter_list(user, filters).iterator(chunk_size=EXPORT_CHUNK)
        content, count = xlsx_bytes(
            "民情事项", EXPORT_HEADERS, (matter_row(matter) for matter in matters)
        )
        record_event(
            actor=user,
            action="matter.export",
            obj=scope,
            changes={"filters": [None, filters.as_audit()], "rows": [None, count]},
        )
    return content, count


# The office's settings: matter categories and care tags ----------------------------------------

CATEGORY_FIELDS = ("code", "name", "name_en", "answer_within_workdays", "active", "position")
CARE_TAG_FIELDS = ("code", "name", "name_en", "needs_visits", "active", "position")


class BuiltinCareTagCannotBeRetired(RuleBroken):
    code = "builtin_care_tag_cannot_be_retired"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "内置关爱标签不能停用；可以调整名称或排序。",
            "A built-in care tag cannot be retired; you may rename or reorder it.",
        )


def _require_settings_keeper(actor: AnyUser) -> None:
    if not can_keep_residents_settings(actor):
        raise PermissionDenied(
            "只有委员会办公室可以修改事项类别和关爱标签。",
            "Only the committee office may change matter categories and care tags.",
        )


def _setting_save[Setting: MatterCategory | CareTag](
    *, actor: AnyUser, setting: Setting, fields: tuple[str, ...], kind: str
) -> Setting:
    _require_settings_keeper(actor)
    model = type(setting)
    before = model.objects.filter(pk=setting.pk).values(*fields).first() if setting.pk else None
    with transaction.atomic():
        setting.full_clean()
        setting.save()
        after = {field: getattr(setting, field) for field in fields}
        changes = changed_fields(before or {}, after)
        if changes:
            record_event(
                actor=actor,
                action=f"{kind}.{'change' if before else 'create'}",
                obj=setting,
                changes=changes,
            )
    return setting


def matter_category_save(*, actor: AnyUser, category: MatterCategory) -> MatterCategory:
    """Create or change a matter category (the office's setting); every change, above all of
    the answer-by working days, is recorded. New days apply to matters received from then on;
    existing answer-by dates stay as they were promised."""
    return _setting_save(
        actor=actor, setting=category, fields=CATEGORY_FIELDS, kind="matter_category"
    )


def care_tag_save(*, actor: AnyUser, tag: CareTag) -> CareTag:
    """Create or change a care tag; a built-in one cannot be retired."""
    if tag.pk and tag.builtin and not tag.active:
        raise BuiltinCareTagCannotBeRetired()
    return _setting_save(actor=actor, setting=tag, fields=CARE_TAG_FIELDS, kind="care_tag")
