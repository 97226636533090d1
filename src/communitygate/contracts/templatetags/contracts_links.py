"""The link from a refused assignment's page (a dispatch template) to purchase of services:
dispatch does not import contracts, so its template asks this tag, which knows whether the
person may hand the work over and whether it was already."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from communitygate.contracts.selectors import contract_redirect_of
from communitygate.contracts.services import can_redirect_assignment

register = template.Library()


@register.simple_tag(takes_context=True)
def purchase_of_services_link(context: dict[str, Any], assignment: Any) -> SafeString | str:
    """For the sending department on a refused assignment: "转由购买服务承接" (or where it
    went); nothing for anyone else."""
    user = context["request"].user
    if not can_redirect_assignment(user, assignment):
        return ""
    redirected = contract_redirect_of(assignment.pk)
    if redirected is not None:
        return format_html(
            '<p data-testid="redirected-to">{} <a href="{}">{}</a></p>',
            _("Handed over to purchase of services under contract"),
            reverse("contracts:contract", args=[redirected.contract_id]),
            redirected.contract.number,
        )
    return format_html(
        '<p><a href="{}#assignment-{}" class="primary" data-testid="redirect-link">{}</a></p>',
        reverse("contracts:refused_work"),
        assignment.pk,
        _("Hand over to purchase of services"),
    )
