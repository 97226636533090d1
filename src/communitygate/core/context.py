"""Who is asking and from where: request id and source address for the audit log.

The middleware sets these for a web request; management commands get a generated id.
"""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    request_id: str
    source_ip: str


_current: ContextVar[RequestMeta | None] = ContextVar("communitygate_request_meta", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_meta() -> RequestMeta:
    meta = _current.get()
    if meta is None:
        meta = RequestMeta(request_id=f"cli-{new_request_id()}", source_ip="")
        _current.set(meta)
    return meta


def set_request_meta(meta: RequestMeta | None) -> object:
    return _current.set(meta)


def reset_request_meta(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def request_meta_or_none() -> RequestMeta | None:
    """The current request's meta, or None outside a request (the log formatter: it must not
    invent an id for every line a command writes)."""
    return _current.get()
