"""The HTTP API (/api/v1/): django-ninja, with one error shape for every failure.

Every error answers JSON {"code": ..., "message": ...} (the message in Chinese and English) with
a 4xx status. Routers live in their apps (orgs/api.py, catalog/api.py, accounts/api.py).

The OpenAPI schema documents those answers once for every operation (`ERROR_ANSWERS`, added by
`CommunityGateApi.get_openapi_schema`) rather than in each router: any operation can refuse its
input (422), break a rule (409), name something missing (404) or be rate-limited (429); one that
needs a caller also answers 401 (no caller: `SignedInSession`) and 403.
"""

import copy
from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from communitygate.accounts.api import router as accounts_router
from communitygate.accounts.auth import BearerToken, SignedInSession
from communitygate.admissions.api import router as admissions_router
from communitygate.auditing.api import router as auditing_router
from communitygate.catalog.api import router as catalog_router
from communitygate.contracts.api import router as contracts_router
from communitygate.core.denials import report_denial
from communitygate.core.errors import PermissionDenied, RuleBroken
from communitygate.dispatch.api import router as dispatch_router
from communitygate.funding.api import router as funding_router
from communitygate.insights.api import router as insights_router
from communitygate.insights.api_received import router as received_router
from communitygate.matters.api.matters import router as matters_router
from communitygate.matters.api.public import router as matters_public_router
from communitygate.matters.api.receptions import router as receptions_router
from communitygate.orgs.api import router as orgs_router
from communitygate.oversight.api import router as oversight_router
from communitygate.programmes.api.programmes import router as programmes_router
from communitygate.registry.api.registry import router as registry_router
from communitygate.web.auditlog.api import router as audit_router
from communitygate.workcalendar.api import router as calendar_router

ERROR_SCHEMA = {
    "type": "object",
    "title": "Error",
    "description": "Every refusal: a code and the message in Chinese and English.",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "message_zh": {"type": "string"},
        "message_en": {"type": "string"},
        "problems": {"type": "array", "items": {"type": "object"}},
        "field": {"type": "string"},
    },
    "required": ["code", "message", "message_zh", "message_en"],
}
# status: (description, only when the operation needs a caller)
ERROR_ANSWERS = {
    400: ("The request cannot be read (not JSON, a bad Host).", False),
    401: ("No valid session or API token.", True),
    403: ("The caller's roles do not allow this (or a signed-in form without CSRF).", True),
    404: ("Not found, or not visible to the caller.", False),
    409: ("A business rule refused it; the message says what to do.", False),
    422: ("The input is not valid; `problems` names each field.", False),
    429: ("Too many requests; wait and try again.", False),
}


class CommunityGateApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, (description, needs_caller) in ERROR_ANSWERS.items():
                    if needs_caller and not operation.get("security"):
                        continue
                    responses.setdefault(
                        status, {"description": description, "content": copy.deepcopy(error)}
                    )
        return schema


api = CommunityGateApi(
    title="CommunityGate API",
    version="1",
    description="社区工作准入与民情服务平台 · Community Work Access and Residents' Affairs Platform",
    urls_namespace="api",
    auth=[BearerToken(), SignedInSession()],
)
api.add_router("", orgs_router)
api.add_router("", catalog_router)
api.add_router("", accounts_router)
api.add_router("", admissions_router)
api.add_router("", dispatch_router)
api.add_router("", calendar_router)
api.add_router("", registry_router)
api.add_router("", matters_router)
api.add_router("", programmes_router)
api.add_router("", matters_public_router)
api.add_router("", oversight_router)
api.add_router("", audit_router)
api.add_router("", funding_router)
api.add_router("", auditing_router)
api.add_router("", contracts_router)
api.add_router("", insights_router)
api.add_router("", received_router)
api.add_router("", receptions_router)


def error_response(status: int, code: str, zh: str, en: str, **extra: object) -> JsonResponse:
    body = {"code": code, "message": f"{zh} / {en}", "message_zh": zh, "message_en": en, **extra}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@api.exception_handler(RuleBroken)
def rule_broken(request: HttpRequest, exc: RuleBroken) -> HttpResponse:
    if isinstance(exc, PermissionDenied):
        report_denial(request, exc.code)
    response = JsonResponse(
        exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False}
    )
    for header, value in exc.response_headers().items():
        response[header] = value
    return response


# A schema's own refusals (pydantic's error types) said in Chinese too; pydantic's English
# message stays beside it. Anything else: the general sentence.
SCHEMA_PROBLEMS_ZH = {
    "missing": "必填。",
    "string_too_long": "不能超过{max_length}个字符。",
    "string_too_short": "至少{min_length}个字符。",
    "string_pattern_mismatch": "格式不对。",
    "string_type": "须为文字。",
    "literal_error": "须为以下之一：{expected}。",
    "enum": "须为以下之一：{expected}。",
    "int_parsing": "须为整数。",
    "int_type": "须为整数。",
    "bool_parsing": "须为 true 或 false。",
    "date_parsing": "日期格式须为 YYYY-MM-DD。",
    "date_from_datetime_parsing": "日期格式须为 YYYY-MM-DD。",
    "date_type": "日期格式须为 YYYY-MM-DD。",
    "greater_than_equal": "不能小于{ge}。",
    "greater_than": "须大于{gt}。",
    "less_than_equal": "不能大于{le}。",
    "less_than": "须小于{lt}。",
    "decimal_max_digits": "最多{max_digits}位数字。",
    "decimal_max_places": "最多{decimal_places}位小数。",
    "decimal_parsing": "须为数字。",
    "too_long": "最多{max_length}项。",
}


def schema_problem(error: Mapping[str, Any]) -> dict[str, object]:
    """One of pydantic's errors as the project's problem: its field, Chinese and English."""
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    zh = SCHEMA_PROBLEMS_ZH.get(str(error.get("type", "")), "取值无效。")
    try:
        zh = zh.format_map(context)
    except (KeyError, IndexError, ValueError):
        zh = "取值无效。"
    en = str(error.get("msg", "")) or "Not a valid value."
    return {
        "column": ".".join(str(part) for part in error.get("loc", ())[1:]),
        "message": f"{zh} / {en}",
        "message_zh": zh,
        "message_en": en,
    }


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = [schema_problem(error) for error in exc.errors]
    return error_response(
        422, "invalid_input", "请求参数有误。", "The request is not valid.", problems=problems
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        401,
        "unauthenticated",
        "需要登录或有效的 API 令牌（Authorization: Bearer <令牌>）。",
        "Sign in or send a valid API token (Authorization: Bearer <token>).",
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, "http_error", str(exc), str(exc))


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(
        404, "not_found", "没有这个接口。", "There is no such API path.", path=request.path
    )


GENERIC_ERRORS = {
    400: ("bad_request", "请求无效。", "The request is not valid."),
    403: ("forbidden", "无权访问。", "Access is not allowed."),
    404: ("not_found", "没有这个接口。", "There is no such API path."),
    405: (
        "method_not_allowed",
        "该接口不支持此请求方法。",
        "This path does not accept this method.",
    ),
}


class ApiJsonErrorsMiddleware:
    """Keeps the API's one error shape for answers Django gives before the API sees the request
    (405 for a wrong method, 400 for a bad Host header, a CSRF 403…)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        code, zh, en = GENERIC_ERRORS.get(
            response.status_code,
            ("http_error", "请求未能完成。", "The request could not be completed."),
        )
        replaced = error_response(response.status_code, code, zh, en)
        if response.has_header("Allow"):
            replaced["Allow"] = response["Allow"]
        return replaced
