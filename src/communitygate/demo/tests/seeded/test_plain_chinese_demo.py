"""Plain Chinese (issue 13): no page a person reads in Chinese shows a code, an enum value or an
event name as it is stored. One person of each kind of organisation (and a visitor) crawls the
seeded demo from the entry pages (every internal link followed, one page per route),
each page's visible text is taken (no tags, scripts or attributes), and every Latin token in it
is compared with every stored value of the project's choices, every gate reason code and every
audit event name. Tokens, not substrings: "other" inside a sentence of English would not
count, but a Chinese page shows no English sentences."""

import inspect
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve

from communitygate.audit.labels import ACTION_LABELS
from communitygate.dispatch import gate

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
]

ENTRY_PAGES = [
    "/",
    "/catalog/",
    "/admissions/",
    "/decisions/",
    "/dispatch/",
    "/supervision/",
    "/notices/",
    "/scorecard/",
    "/notifications/",
    "/residents/",
    "/audit/",
    "/funding/",
    "/contracts/",
    "/calendar/",
]
# Not pages: files, the API, the admin, sign-out and the language switch.
SKIPPED = re.compile(
    r"^/(api|admin|static|media|i18n|accounts/logout)/|export|download|\.(xlsx|pdf|csv|ics|json)$"
)
PER_ROUTE = 1


def _choice_classes(root: type[models.Choices]) -> list[type[models.Choices]]:
    found: list[type[models.Choices]] = []
    for sub in root.__subclasses__():
        found.append(sub)
        found.extend(_choice_classes(sub))
    return found


def stored_values() -> set[str]:
    """Every stored value of a choice in the project (model fields' choices and every
    TextChoices class), and every audit event name."""
    values: set[str] = set(ACTION_LABELS)
    values.update(re.findall(r'Reason\(\s*"([a-z_]+)"', inspect.getsource(gate)))
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str):
                    values.add(value)
    for choices in _choice_classes(models.TextChoices):
        if choices.__module__.startswith("communitygate"):
            values.update(str(v) for v in choices.values)
    return {v for v in values if re.search(r"[a-z]", v)}


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]")


def raw_tokens(text: str, values: set[str], allowed: set[str]) -> set[str]:
    """The stored values that stand as whole tokens in `text`."""
    return {token for token in TOKEN.findall(text) if token in values and token not in allowed}


def crawl(client: Client, values: set[str], allowed: set[str]) -> tuple[dict[str, set[str]], int]:
    seen_per_route: dict[str, int] = defaultdict(int)
    queue = list(ENTRY_PAGES)
    visited: set[str] = set()
    found: dict[str, set[str]] = {}
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in visited or SKIPPED.search(url) or not path.startswith("/"):
            continue
        try:
            match = resolve(path)
        except Resolver404:
            continue
        route = match.view_name
        if seen_per_route[route] >= PER_ROUTE:
            continue
        visited.add(url)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen_per_route[route] += 1
        parser = VisibleText()
        parser.feed(response.content.decode())
        text = " ".join(parser.parts)
        assert re.search(r"[\u4e00-\u9fff]", text), f"{url} is not in Chinese"
        raw = raw_tokens(text, values, allowed)
        if raw:
            found[url] = raw
        for link in parser.links:
            parts = urlsplit(link)
            if not parts.netloc and link.startswith("/"):
                queue.append(link.split("#")[0])
    return found, len(visited)


# One person of each kind of organisation in the demo, and a visitor (None).
ROLES = [
    None,
    "office",
    "committee",
    "civil-affairs",
    "luoyanglu",
    "shangqiulu",
    "inspector",
    "auditor",
    "so-staff",
]


def test_the_value_list_holds_every_kind_of_code() -> None:
    values = stored_values()
    # A gate reason, a state, a vote, an event, a domain.
    assert {"not_in_catalog", "retired", "abstain", "matter.receive", "civil_affairs"} <= values
    # The scan finds them as words on a page, not inside other words or people's names.
    text = "原因（not_in_catalog） 状态 active → retired 操作 matter.receive · office · inactive"
    assert raw_tokens(text, values, allowed={"office"}) == {
        "not_in_catalog",
        "active",
        "retired",
        "matter.receive",
    }


@pytest.mark.parametrize("username", ROLES)
def test_no_raw_codes_on_chinese_pages(username: str | None) -> None:
    values = stored_values()
    # People's user names are data a page shows on purpose ("office", "health").
    allowed = set(get_user_model().objects.values_list("username", flat=True))
    client = Client()
    if username is not None:
        client.force_login(get_user_model().objects.get(username=username))
    found, visited = crawl(client, values, allowed)
    assert visited > 10
    assert found == {}
