"""What a page does with a broken rule: every problem the service listed reaches the person, as
a message on the next page or as an error beside the form field it names."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from communitygate.core.errors import InvalidInput, RuleBroken


def _problems_of(broken: RuleBroken) -> list[tuple[str | None, str]]:
    """(field, message) for each problem; the rule's own message when it lists none."""
    if isinstance(broken, InvalidInput) and broken.problems:
        return [(problem.field, problem.message) for problem in broken.problems]
    return [(None, broken.message)]


def rule_broken_to_messages(request: HttpRequest, broken: RuleBroken) -> None:
    for _field, message in _problems_of(broken):
        messages.error(request, message)


def rule_broken_to_form(form: Any, broken: RuleBroken) -> None:
    """Each problem beside its field when the form has that field, else above the form."""
    for field, message in _problems_of(broken):
        form.add_error(field if field in form.fields else None, message)
