"""Template filters of residents' matters: the answer-by date with an estimate marked."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from communitygate.matters.answer_by import HasAnswerBy, answer_by_text, estimate_note

register = template.Library()


@register.filter
def answer_by(matter: HasAnswerBy) -> SafeString:
    """`{{ matter|answer_by }}`: "2027年1月4日", or for an estimate "约 2027年1月4日（预估）"
    marked `data-testid="answer-by-estimated"` with the reason as its tooltip."""
    text = answer_by_text(matter)
    if not matter.answer_by_estimated:
        return format_html("{}", text)
    return format_html(
        '<span data-testid="answer-by-estimated" title="{}">{}</span>',
        estimate_note(),
        text,
    )
