"""Input at the edge of every request: control characters are refused once, here.

`ControlCharactersMiddleware` (in settings.MIDDLEWARE) refuses a request whose path, query string,
form fields (names and values), uploaded file names or JSON body (walked: keys and values, at any
depth) hold NUL or another C0 control character other than tab, line feed and carriage return.
PostgreSQL cannot store NUL, and the others are never typed on purpose; refusing them at the edge
means no form, schema, service or query has to think about them again. The answer names the
field:

- under /api/: 422 in the API's error shape, {"code": "control_character", "message": …,
  "message_zh": …, "message_en": …, "field": …};
- under /open311/: 400 in the Open311 error shape, [{"code": 400, "description": "field: …"}];
- any page: 400, a short page in Chinese and English.

Imported files are checked by their one reader (`core.tabular`), which names the row and column.

`Offset` bounds an API offset: no database takes an OFFSET beyond 64 bits; `RowId` bounds an id
sent in a body the same way. `Day` is the one range a date sent to the API may take, and
`capped(Model, "field")` is a schema field as long as the model's column allows: every string an
API schema takes has a maxLength, so a too-long value is a 422 naming its field before any
database sees it (PostgreSQL would fail with a 500, SQLite would store it).
"""

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from html import escape
from typing import Annotated, Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse, JsonResponse
from pydantic import AfterValidator, Field
from pydantic_core import PydanticUndefined

from communitygate.core.periods import EARLIEST_YEAR, LATEST_YEAR

MAX_OFFSET = 1_000_000_000
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
# A row id sent in a body (a list of ids to name): within what a database key holds, so that a
# huge number is a 422 naming its field, not an overflow inside the query.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]

# Every date the API takes: wide enough for a birth date and any plan, narrow enough that day
# arithmetic never leaves what Python and the databases hold (9999-12-31 + 1 day would).
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)
Day = Annotated[
    dt.date,
    Field(
        ge=EARLIEST_DAY,
        le=LATEST_DAY,
        # JSON Schema has no bounds for a date; the names ajv and others read for them:
        json_schema_extra={
            "formatMinimum": EARLIEST_DAY.isoformat(),
            "formatMaximum": LATEST_DAY.isoformat(),
        },
    ),
]


# A phone as people type it (spaces, dashes, +86), as long as the forms take it.
PHONE_MAX_LENGTH = 30
PhoneText = Annotated[str, Field(max_length=PHONE_MAX_LENGTH)]

# An amount of yuan sent as text ("1234.50"), as long as the forms take it.
AMOUNT_MAX_LENGTH = 20
AmountText = Annotated[str, Field(max_length=AMOUNT_MAX_LENGTH)]

# What a search box takes (q=), and a period as core.periods reads it (2026-03-01..2026-06-30).
SearchText = Annotated[str, Field(max_length=100)]
PeriodText = Annotated[str, Field(max_length=40)]
# A state or status filter: no longer than the longest such column (each list checks its own).
StateText = Annotated[str, Field(max_length=20)]

# Free text no column or form bounds more tightly (a TextField): the longest any form takes.
LONG_TEXT_MAX = 20_000
LongText = Annotated[str, Field(max_length=LONG_TEXT_MAX)]

# A calendar year a filter names (core.periods' range: every year a figure can cover).
Year = Annotated[int, Field(ge=EARLIEST_YEAR, le=LATEST_YEAR)]


def _within_days(moment: dt.datetime) -> dt.datetime:
    if not EARLIEST_DAY <= moment.date() <= LATEST_DAY:
        raise ValueError(f"must fall from {EARLIEST_DAY} to {LATEST_DAY}")
    return moment


# A moment (a deadline) within the same days as `Day`.
Moment = Annotated[
    dt.datetime,
    AfterValidator(_within_days),
    Field(
        json_schema_extra={
            "formatMinimum": f"{EARLIEST_DAY.isoformat()}T00:00:00Z",
            "formatMaximum": f"{LATEST_DAY.isoformat()}T23:59:59Z",
        }
    ),
]


def model_max_length(model: type[Model], field: str) -> int:
    """The length a model's column holds (CharField's max_length)."""
    max_length = getattr(model._meta.get_field(field), "max_length", None)
    if not max_length:
        raise LookupError(f"{model.__name__}.{field} has no max_length; cap it with Field()")
    return int(max_length)


def capped(
    model: type[Model],
    field: str,
    default: Any = PydanticUndefined,
    **field_options: Any,
) -> Any:
    """A schema field no longer than `model.field`'s column: `title: str = capped(Task, "title")`."""
    return Field(default, max_length=model_max_length(model, field), **field_options)


# C0 control characters other than tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MESSAGE_ZH = "“{field}”含有不允许的控制字符（如 NUL），请删除后重试。"
MESSAGE_EN = "'{field}' holds a control character (such as NUL) that is not allowed; remove it."


def shown(name: str) -> str:
    """A name as it can be shown: control characters written as escapes (\\x00)."""
    return CONTROL_CHARACTERS.sub(lambda found: f"\\x{ord(found.group()):02x}", name)


def _json_fields(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(field path, text) for every key and string in a JSON value: items.0.name."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield inner, str(key)
            yield from _json_fields(item, inner)
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _json_fields(item, f"{path}.{position}" if path else str(position))


def _request_fields(request: HttpRequest) -> Iterator[tuple[str, str]]:
    """(field, text) for everything a person or program sent, in the order it is checked."""
    yield "path", request.path
    for source in (request.GET, request.POST if request.method == "POST" else None):
        if source is None:
            continue
        for name, values in source.lists():
            yield name, name
            for value in values:
                yield name, value
    if request.method == "POST":
        for name, files in request.FILES.lists():
            yield name, name
            for upload in files:
                yield name, upload.name or ""
    if request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            return  # not JSON: the API answers that itself
        yield from _json_fields(body, "")


def control_character_field(request: HttpRequest) -> str | None:
    """The first field of the request that holds a control character, shown, or None."""
    for field, text in _request_fields(request):
        if CONTROL_CHARACTERS.search(text):
            return shown(field)
    return None


def refusal(request: HttpRequest, field: str) -> HttpResponse:
    """The answer to a request holding a control character in `field`."""
    zh, en = MESSAGE_ZH.format(field=field), MESSAGE_EN.format(field=field)
    if request.path.startswith("/api/"):
        body = {
            "code": "control_character",
            "message": f"{zh} / {en}",
            "message_zh": zh,
            "message_en": en,
            "field": field,
        }
        return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})
    if request.path.startswith("/open311/"):
        return JsonResponse(
            [{"code": 400, "description": f"{field}: {zh} / {en}"}],
            status=400,
            safe=False,
            json_dumps_params={"ensure_ascii": False},
        )
    page = (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        "<title>请求无效 · Bad request</title></head><body><main>"
        f"<h1>请求无效 · Bad request</h1><p>{escape(zh)}</p><p>{escape(en)}</p>"
        '<p><a href="/">返回首页 · Back to the home page</a></p>'
        "</main></body></html>"
    )
    return HttpResponse(page, status=400, content_type="text/html; charset=utf-8")


class ControlCharactersMiddleware:
    """Refuses, before any view sees it, a request holding a control character (see above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = control_character_field(request)
        if field is not None:
            return refusal(request, field)
        return self.get_response(request)
