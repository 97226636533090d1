"""The money pages' one sub-navigation: commitments (for those who see them), payments and
receipts, balances, and "record a payment" for a paying department's clerk or head."""

from typing import Any

from django import template

from communitygate.funding.permissions import can_see_commitments, records_payments

register = template.Library()


@register.inclusion_tag("funding/nav.html", takes_context=True)
def funding_nav(context: Any) -> dict[str, bool]:
    user = context["request"].user
    return {
        "sees_commitments": can_see_commitments(user),
        "records_payments": records_payments(user),
    }
