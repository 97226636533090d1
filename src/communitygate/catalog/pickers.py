"""Catalog item pickers (事项选择): a person chooses an item by its name or its code instead of
typing the code. Each works without JavaScript: a <select> grouped by domain (optgroups), or a
text box with a <datalist> of every item, which the browser itself searches by name and code;
`communitygate/pickers.js` (a static file) adds a search box above a select that filters its
options as one types.

The form gives the field its items (`offer`, from `catalog.selectors.published_item_choices` or
`working_item_choices`), so the page asks for them in one query and the API, which reads the
same forms without rendering them, not at all.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communitygate.catalog.models import Domains
from communitygate.catalog.selectors import ItemChoice

PICKER_JS = "communitygate/pickers.js"
SEARCHABLE = {
    "data-picker": "search",
    "data-search-placeholder": _("Search items by name or code"),
}

NO_ITEM = _("No catalog item")

Grouped = list[tuple[Any, list[tuple[str, str]]]]


def item_label(choice: ItemChoice) -> str:
    return f"{choice.code} {choice.name}"


def grouped_by_domain(choices: Iterable[ItemChoice]) -> Grouped:
    """Optgroups: one per domain, in the domains' order, each item as "code name"."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for choice in choices:
        groups.setdefault(choice.domain, []).append((choice.code, item_label(choice)))
    labels = dict(Domains.choices)
    order = {value: index for index, value in enumerate(Domains.values)}
    return [
        (labels.get(domain, domain), items)
        for domain, items in sorted(groups.items(), key=lambda group: order.get(group[0], 99))
    ]


class SearchableSelect(forms.Select):
    """A select the picker script gives a search box (by code or name)."""

    class Media:
        js = (PICKER_JS,)

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(attrs={**SEARCHABLE, **(attrs or {})}, **kwargs)


class SearchableSelectMultiple(forms.SelectMultiple):
    class Media:
        js = (PICKER_JS,)

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(attrs={**SEARCHABLE, "size": 8, **(attrs or {})}, **kwargs)


class CatalogItemField(forms.ChoiceField):
    """One item, or none (the blank choice, labelled `blank_label`), chosen from the items the
    form offers."""

    widget = SearchableSelect

    def __init__(self, *, blank_label: Any = NO_ITEM, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=[("", blank_label)], **kwargs)
        self.blank_label = blank_label

    def offer(self, choices: Iterable[ItemChoice]) -> None:
        self.choices = [("", self.blank_label), *grouped_by_domain(choices)]


class CatalogItemsField(forms.MultipleChoiceField):
    """Several items (a contract's), chosen from the items the form offers."""

    widget = SearchableSelectMultiple

    def offer(self, choices: Iterable[ItemChoice]) -> None:
        self.choices = grouped_by_domain(choices)


class CatalogItemSearchInput(forms.TextInput):
    """A text box for an item's code with a <datalist> of items: the browser offers the items
    whose code or name contains what is typed, and the value stays the code (so a filter read by
    the API as well as the page keeps its contract). The items are read when the box is
    rendered, from `options` (a callable, so a form the API reads asks for nothing)."""

    template_name = "catalog/widgets/item_search_input.html"

    def __init__(
        self,
        options: Callable[[], Iterable[ItemChoice]],
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.options = options

    def __deepcopy__(self, memo: dict[int, Any]) -> "CatalogItemSearchInput":
        copied = super().__deepcopy__(memo)
        copied.options = self.options
        return copied

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id') or name}-items"
        widget["attrs"]["list"] = list_id
        widget["list_id"] = list_id
        widget["items"] = [(choice.code, item_label(choice)) for choice in self.options()]
        return context
