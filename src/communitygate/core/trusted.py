"""Answers the API built itself and trusts: written straight to JSON, not validated again.

django-ninja validates what an operation returns against its `response` schema. For a list our
own code has just built from our own rows, that second pass (pydantic reading every attribute
through `DjangoGetter`) was most of the request: 60% of a 50-item catalog page
(docs/performance.md, "Under load"). django-ninja passes an `HttpResponse` through untouched
while the operation's `response` schema still documents the answer in OpenAPI, so a hot read
may return `trusted_json(...)` of plain dicts shaped like its schema (`schema_row` builds one
from the schema's own fields). Each such operation has a test that validates its answer against
the schema, so the documentation stays true.
"""

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from ninja import Schema
from ninja.responses import NinjaJSONEncoder

JSON_CONTENT_TYPE = "application/json; charset=utf-8"  # django-ninja's own


def trusted_json(data: Any, status: int = 200) -> HttpResponse:
    """`data` encoded as django-ninja's JSON renderer would (same encoder, same escaping)."""
    return json_response(json_bytes(data), status)


def json_response(body: bytes, status: int = 200) -> HttpResponse:
    """An answer already encoded by `json_bytes` (e.g. kept in the cache)."""
    return HttpResponse(body, status=status, content_type=JSON_CONTENT_TYPE)


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, cls=NinjaJSONEncoder).encode()


def schema_row(schema: type[Schema], values: Mapping[str, Any]) -> dict[str, Any]:
    """A dict with exactly the schema's fields, by their wire names (aliases), from `values`
    keyed by field name; a missing field is a KeyError (a bug to see, not an answer to send)."""
    return {(field.alias or name): values[name] for name, field in schema.model_fields.items()}
