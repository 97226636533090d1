"""Open311 GeoReport v2 (/open311/v2/): matters and categories in the format existing Open311
clients speak (JSON only; the spec's XML format is not offered).

The mapping (docs/residents.md, "Open311"):
- a service is an active matter category: service_code = the category's code, group "民情事项";
- a service request is a matter: service_request_id = its tracking code; `jurisdiction_id` is
  REQUIRED and names the community (its code, e.g. 370203031001), since one platform serves
  every community of the district; first_name/last_name become the contact name, `phone` is
  required (the resident follows the matter with its last four digits), `address_string` or
  lat/long the place; `media_url`, `email`, `device_id`, `account_id` and `api_key` are
  accepted and ignored (no remote file is ever fetched); an `Idempotency-Key` header makes a
  retry answer the first request's id (the same key with another body answers 422);
- a lookup carries no phone digits, so it answers the status, the category and the dates only:
  no description, no address, no answer (`status_notes` stays null). The answer is read on the
  public status page or the public API with the phone's last four digits;
- an estimated answer-by date (a year whose holiday schedule is not entered) keeps Open311's
  `expected_datetime` format; the `service_notice` says "约 2027-01-04（预估）" / "about
  2027-01-04 (estimate)" and why, and the extra key `expected_datetime_estimated` is true.

Every code asked for counts as a failed lookup before the answer (`residents.throttling`), and
given back when found: a request naming more codes than the address has lookups left answers
429. Filings are limited per address and per phone (`http.ratelimits`: 429 with
`Retry-After`). A parameter holding a NUL character answers 400 (`core.inputs`, before any view).

Errors use Open311's own shape, `[{"code": <HTTP status>, "description": "..."}]`.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from communitygate.core.bilingual import in_chinese_and_english
from communitygate.core.errors import InvalidInput, RuleBroken
from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER, idempotency_key_checked
from communitygate.http.ratelimits import TooManyAttempts, attempt_counted
from communitygate.matters.answer_by import answer_by_text, estimate_note
from communitygate.matters.models import Matter, MatterCategory, MatterChannels, MatterStatuses
from communitygate.matters.selectors.matters import normalise_tracking_code
from communitygate.matters.services.matters import MatterIntake, matter_submit_public
from communitygate.matters.throttling import TooManyLookups, lookups_refund, lookups_reserve

SERVICE_GROUP = "民情事项"
MAX_IDS = 50
SUMMARY_FROM_DESCRIPTION = 60
# The end of the answer-by day, as Open311's expected_datetime.
END_OF_DAY = dt.time(23, 59, 59)


def _json(body: object, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def open311_error(status: int, *descriptions: str) -> JsonResponse:
    return _json([{"code": status, "description": text} for text in descriptions], status)


def _rule_error(broken: RuleBroken) -> JsonResponse:
    if isinstance(broken, InvalidInput):
        return open311_error(
            400, *(f"{p.field}: {p.message}" if p.field else p.message for p in broken.problems)
        )
    response = open311_error(broken.status, broken.message)
    for header, value in broken.response_headers().items():
        response[header] = value
    return response


def _moment(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value, ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="seconds")


# Reads: the mapping's own small queries (public facts: active categories; a matter's status).


def _active_categories() -> list[MatterCategory]:
    return list(MatterCategory.objects.filter(active=True).order_by("position", "code"))


def _matters_by_codes(codes: list[str]) -> list[Matter]:
    found = Matter.objects.filter(tracking_code__in=codes).select_related("category", "community")
    by_code = {matter.tracking_code: matter for matter in found}
    return [by_code[code] for code in codes if code in by_code]


def service_out(category: MatterCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": (
            f"{category.name}（{category.name_en}）：社区在 {category.answer_within_workdays} "
            f"个工作日内答复 / answered within {category.answer_within_workdays} working days."
        ),
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(filter(None, [category.name, category.name_en, category.code])),
        "group": SERVICE_GROUP,
    }


def request_out(matter: Matter) -> dict[str, Any]:
    """A matter as a service request: the status and dates, nothing personal."""
    answer_by = dt.datetime.combine(
        matter.answer_by, END_OF_DAY, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    return {
        "service_request_id": matter.tracking_code,
        "status": "closed" if matter.status == MatterStatuses.CLOSED else "open",
        "status_notes": None,
        "service_name": matter.category.name,
        "service_code": matter.category.code,
        "description": None,
        "agency_responsible": matter.community.name,
        "service_notice": _notice(matter),
        "requested_datetime": _moment(matter.received_at),
        "updated_datetime": _moment(matter.updated_at),
        "expected_datetime": answer_by.isoformat(timespec="seconds"),
        # An extension: GeoReport v2 has no way to say a date is an estimate (clients ignore
        # keys they do not know); the notice says it in words too.
        "expected_datetime_estimated": matter.answer_by_estimated,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _notice(matter: Matter) -> str:
    """When to expect the answer and where to read it; an estimated date is marked in both
    languages (`matters.answer_by`), with the reason."""
    chinese, english = in_chinese_and_english(lambda: answer_by_text(matter, iso=True))
    notice = (
        f"社区将于 {chinese} 前答复；凭受理编号和联系电话后四位查询答复。"
        f" / The community answers by {english}; read the answer with the "
        "tracking code and the phone's last four digits."
    )
    if matter.answer_by_estimated:
        note_zh, note_en = in_chinese_and_english(estimate_note)
        notice += f" {note_zh} / {note_en}"
    return notice


# Views -------------------------------------------------------------------------------------------


@require_GET
def services(request: HttpRequest) -> JsonResponse:
    """GET services.json: every active matter category."""
    return _json([service_out(category) for category in _active_categories()])


@csrf_exempt  # a machine client's form post, without a session: there is no cookie to forge
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        return _create_request(request)
    return _list_requests(request)


def _text(request: HttpRequest, name: str) -> str:
    return request.POST.get(name, "").strip()


def _contact_name(first_name: str, last_name: str) -> str:
    # A Chinese name is written family name first, without a space.
    if any("\u4e00" <= ch <= "\u9fff" for ch in first_name + last_name):
        return f"{last_name}{first_name}"
    return " ".join(part for part in (first_name, last_name) if part)


def _create_request(request: HttpRequest) -> JsonResponse:
    """POST requests.json (form-encoded): one matter, channel open311. An `Idempotency-Key`
    header makes a retry answer the first matter (`core.idempotency`)."""
    try:
        key = idempotency_key_checked(request.headers.get(IDEMPOTENCY_KEY_HEADER, ""))
    except InvalidInput as refused:
        # A header, not a GeoReport parameter: refused 422, as on every path that takes keys.
        return open311_error(422, *(f"{p.field}: {p.message}" for p in refused.problems))
    jurisdiction = _text(request, "jurisdiction_id")
    service_code = _text(request, "service_code")
    description = _text(request, "description")
    address = _text(request, "address_string") or _text(request, "address_id")
    lat, long = _text(request, "lat"), _text(request, "long")
    missing = [
        text
        for present, text in (
            (jurisdiction, "jurisdiction_id: 请填写社区代码 / give the community's code"),
            (service_code, "service_code: 请填写事项类别 / give a service_code from services.json"),
            (description, "description: 请描述事项 / describe the matter"),
            (address or (lat and long), "address_string or lat/long: 请填写地点 / give a place"),
        )
        if not present
    ]
    if missing:
        return open311_error(400, *missing)
    try:
        attempt_counted(request, "filing", phone=_text(request, "phone"))
    except TooManyAttempts as broken:
        return _rule_error(broken)
    location = address or f"{lat},{long}"
    intake = MatterIntake(
        community_code=jurisdiction,
        category_code=service_code,
        summary=description.splitlines()[0][:SUMMARY_FROM_DESCRIPTION],
        description=description,
        location=location,
        contact_name=_contact_name(_text(request, "first_name"), _text(request, "last_name")),
        phone=_text(request, "phone"),
        channel=MatterChannels.OPEN311,
    )
    try:
        matter = matter_submit_public(intake=intake, idempotency_key=key)
    except RuleBroken as broken:
        return _rule_error(broken)
    return _json(
        [
            {
                "service_request_id": matter.tracking_code,
                "service_notice": _notice(matter),
                "account_id": None,
            }
        ],
        201,
    )


def _list_requests(request: HttpRequest) -> JsonResponse:
    """GET requests.json?service_request_id=a,b: those matters. Listing or searching every
    matter is not offered (it would hand out tracking codes to guess digits for). Every code
    counts against the lookup throttle before the answer; found ones are given back."""
    wanted = request.GET.get("service_request_id", "")
    codes = list(
        dict.fromkeys(normalise_tracking_code(code) for code in wanted.split(",") if code.strip())
    )
    if not codes:
        return open311_error(
            400,
            "service_request_id: 请给出受理编号（可用逗号分隔多个）/ give one or more "
            "tracking codes, separated by commas; listing all requests is not offered",
        )
    if len(codes) > MAX_IDS:
        return open311_error(400, f"service_request_id: 最多 {MAX_IDS} 个 / at most {MAX_IDS}")
    try:
        lookups_reserve(request, len(codes))
    except TooManyLookups as broken:
        return _rule_error(broken)
    found = _matters_by_codes(codes)
    lookups_refund(request, len(found))
    return _json([request_out(matter) for matter in found])


@require_GET
def request_detail(request: HttpRequest, service_request_id: str) -> JsonResponse:
    """GET requests/{id}.json: one matter, as a list of one (as the spec answers)."""
    try:
        lookups_reserve(request)
    except TooManyLookups as broken:
        return _rule_error(broken)
    found = _matters_by_codes([normalise_tracking_code(service_request_id)])
    if not found:
        return open311_error(
            404, f"没有受理编号为 {service_request_id} 的事项 / no request {service_request_id}"
        )
    lookups_refund(request)
    return _json([request_out(found[0])])


urlpatterns = [
    path("services.json", services, name="open311_services"),
    path("requests.json", requests, name="open311_requests"),
    path("requests/<str:service_request_id>.json", request_detail, name="open311_request"),
]
