"""Path segments that name one of a fixed set of steps. `one_of(name, values)` registers a path
converter that matches exactly those values, so a URL naming any other step matches no pattern
and answers 404 like any unknown address: a view never branches on an unknown action.

    path(f"matters/<int:matter_id>/{one_of('matter_step', STEPS)}/", matter_step)
"""

import re
from collections.abc import Iterable

from django.urls import register_converter
from django.urls.converters import get_converters


class _OneOf:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def one_of(name: str, values: Iterable[str], *, keyword: str = "action") -> str:
    """The segment `<name:keyword>`, matching exactly one of `values` (the converter `name` is
    registered on first use; the same name with other values is a programming error)."""
    regex = "|".join(re.escape(value) for value in sorted(set(values)))
    existing = get_converters().get(name)
    if existing is None:
        register_converter(type(f"OneOf_{name}", (_OneOf,), {"regex": regex}), name)
    elif not isinstance(existing, _OneOf) or existing.regex != regex:
        raise ValueError(f"The path converter {name!r} is registered with other values.")
    return f"<{name}:{keyword}>"
