"""What the supervision pages share: one page of a list, a stored file."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest

from communitygate.core.models import AttachedFile
from communitygate.http.pages import page_window

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, how many there are in all, and the pager's links."""

    rows: list[Any]
    count: int
    offset: int
    previous_offset: int | None
    next_offset: int | None
    query: str  # the request's other parameters, for the pager's links


def page_of(request: HttpRequest, rows: QuerySet[Any], size: int = PAGE_SIZE) -> Page:
    """The page `?offset=` asks for: two queries (the count and the page) whatever its size."""
    count = rows.count()
    window = page_window(request, count, size)
    query = request.GET.copy()
    query.pop("offset", None)
    return Page(
        rows=list(rows[window.offset : window.offset + size]),
        count=count,
        offset=window.offset,
        previous_offset=window.previous_offset,
        next_offset=window.next_offset,
        query=query.urlencode(),
    )


def file_download(attached: AttachedFile) -> FileResponse:
    return FileResponse(
        attached.file.open("rb"),
        as_attachment=True,
        filename=attached.filename,
        content_type=attached.content_type,
    )
