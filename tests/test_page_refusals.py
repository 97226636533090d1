"""Pages refuse in one way (docs/architecture.md, "Errors" and "Access"): a role guard is
`http.guards.only_for(predicate)`, a missing or forbidden object is a `core.errors.NotFound`
raised by an access helper or a selector, and an unknown step is a URL that matches no pattern.
No module outside `communitygate.http` raises (or imports) Django's `Http404` by hand, nor uses
the shortcuts that do."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve
from django.urls.converters import get_converters

import communitygate
from communitygate.http.routes import one_of

PACKAGE = Path(communitygate.__file__).parent
# The one guard (http/guards.py) and the error pages (http/errors.py) are where Http404 belongs.
ALLOWED = PACKAGE / "http"
HAND_WRITTEN_404 = {"Http404", "get_object_or_404", "get_list_or_404"}


def checked_modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if ALLOWED not in path.parents and "tests" not in path.relative_to(PACKAGE).parts
    )


def hand_written_404s(source: str) -> list[tuple[int, str]]:
    """Every import of, or reference to, Http404 and the shortcuts that raise it: (line, name)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            found += [(node.lineno, a.name) for a in node.names if a.name in HAND_WRITTEN_404]
        elif isinstance(node, ast.Name) and node.id in HAND_WRITTEN_404:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute) and node.attr in HAND_WRITTEN_404:
            found.append((node.lineno, node.attr))
    return found


def test_the_check_sees_every_way_of_writing_it() -> None:
    source = (
        "from django.http import Http404\n"
        "import django.http\n"
        "from django.shortcuts import get_object_or_404\n"
        "def view(request):\n"
        "    raise django.http.Http404\n"
    )
    assert [name for _line, name in hand_written_404s(source)] == [
        "Http404",
        "get_object_or_404",
        "Http404",
    ]
    assert hand_written_404s('"""A docstring may name Http404."""\nraise NotFound()\n') == []


def test_the_checked_modules_include_every_apps_views() -> None:
    modules = {path.relative_to(PACKAGE).as_posix() for path in checked_modules()}
    assert {"catalog/views.py", "dispatch/views.py", "matters/views/glance.py"} <= modules
    assert "http/guards.py" not in modules


def test_no_module_outside_http_raises_http404_by_hand() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}: {name}"
        for path in checked_modules()
        for line, name in hand_written_404s(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], (
        "Guard the page with http.guards.only_for(predicate), raise core.errors.NotFound from "
        "an access helper or selector, or narrow the URL pattern (http.routes.one_of):\n"
        + "\n".join(offenders)
    )


# Unknown steps match no URL pattern ------------------------------------------------------------

STEP_URLS = [
    ("/catalog/export.{}", ("xlsx", "csv"), "pdf"),
    ("/catalog/office/items/A1/{}/", ("suspend", "reinstate", "retire"), "delete"),
    ("/admissions/1/{}/", ("submit", "vote", "urgent-approve"), "approve"),
    ("/admissions/rounds/1/{}/", ("open", "close"), "decide"),
    ("/dispatch/assignments/1/{}/", ("accept", "extension", "decline"), "delete"),
    ("/residents/matters/1/{}/", ("assign", "answer", "close", "reopen"), "rate"),
]


@pytest.mark.parametrize(("pattern", "known", "unknown"), STEP_URLS)
def test_a_step_url_names_a_known_step_or_nothing(
    pattern: str, known: tuple[str, ...], unknown: str
) -> None:
    for step in known:
        assert step in resolve(pattern.format(step)).kwargs.values()
    with pytest.raises(Resolver404):
        resolve(pattern.format(unknown))


def test_one_of_matches_exactly_its_values_and_keeps_its_name() -> None:
    segment = one_of("test_page_refusals_step", ["go", "g.o"])
    assert segment == "<test_page_refusals_step:action>"
    converter = get_converters()["test_page_refusals_step"]
    assert [bool(re.fullmatch(converter.regex, v)) for v in ("go", "g.o", "gxo", "go/")] == [
        True,
        True,
        False,
        False,
    ]
    assert one_of("test_page_refusals_step", ["g.o", "go"]) == segment  # the same values again
    with pytest.raises(ValueError, match="other values"):
        one_of("test_page_refusals_step", ["go", "stop"])
