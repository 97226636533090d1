"""Plain words in templates (issue 13): the one place a page turns a recorded code into what a
person reads — an event's action, a state, a step of a history, a text the system recorded in
both languages. The labels themselves are in audit.labels."""

from django import template
from django.db import models

from communitygate.audit import labels

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """An audit event's action (`matter.receive` → 受理民情事项)."""
    return labels.action_label(action)


@register.filter
def in_language(text: str) -> str:
    """A text the system recorded as "中文 / English", in the active language."""
    return labels.in_language(text)


@register.simple_tag
def state_label(model: models.Model | type[models.Model], field: str, value: object) -> str:
    """A state of `model`'s `field` (`{% state_label matter "status" step.status %}`)."""
    return labels.value_label(model._meta.label_lower, field, value)
