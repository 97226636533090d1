"""The community picker (社区选择): district → subdistrict → community as a tree of checkboxes,
with "every community" and "the whole subdistrict" boxes, instead of typed 12-digit codes.

Without JavaScript it is nested fieldsets and <details> with checkboxes, and a ticked "whole
subdistrict" covers all its communities; `communitygate/pickers.js` (a static file) adds a search
box that filters the communities by name or code and ticks a subdistrict's communities with it.
The tree is read in one query (`orgs.selectors.community_tree`), once per form, and only when the
form is validated or rendered.

One field carries the choice: its widget reads `<name>_everywhere`, `<name>_subdistrict` and
`<name>_community` from the posted form, and the field cleans them into a `CommunityChoice`.
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from communitygate.orgs.selectors import TreeCommunity, TreeDistrict

PICKER_JS = "communitygate/pickers.js"

Tree = tuple[TreeDistrict, ...]


@dataclass(frozen=True)
class CommunityChoice:
    """What was ticked: every community, whole subdistricts, and communities outside them;
    `reached` is every community code the choice covers, in the tree's order."""

    everywhere: bool
    subdistricts: tuple[str, ...]
    communities: tuple[str, ...]
    reached: tuple[str, ...]


def _posted(data: Any, key: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    values = getlist(key) if getlist is not None else data.get(key, [])
    if isinstance(values, str):
        values = [values]
    return [value for value in values if isinstance(value, str) and value]


def _leaves(name: str, communities: Iterable[TreeCommunity], chosen: set[str]) -> SafeString:
    """A subdistrict's communities as list items with their checkboxes, built here rather than
    in the template: two escapes a community, so a city's 1,100 cost a few milliseconds."""
    field = escape(f"{name}_community")
    items = []
    for community in communities:
        code, label = escape(community.code), escape(community.name)
        checked = " checked" if community.code in chosen else ""
        items.append(
            f'<li data-tree-community data-search="{label} {code}"><label>'
            f'<input type="checkbox" name="{field}" value="{code}" '
            f'data-testid="community-{code}"{checked}> {label}</label></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 (every value above is escaped)


class CommunityTreeWidget(forms.Widget):
    template_name = "orgs/widgets/community_tree.html"

    class Media:
        js = (PICKER_JS,)

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.tree_source: Callable[[], Tree] = tuple

    def __deepcopy__(self, memo: dict[int, Any]) -> "CommunityTreeWidget":
        copied = super().__deepcopy__(memo)
        copied.tree_source = self.tree_source
        return copied

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, Any]:
        return {
            "everywhere": bool(_posted(data, f"{name}_everywhere")),
            "subdistricts": _posted(data, f"{name}_subdistrict"),
            "communities": _posted(data, f"{name}_community"),
        }

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def id_for_label(self, id_: str) -> str:
        return ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if isinstance(value, CommunityChoice):
            value = {
                "everywhere": value.everywhere,
                "subdistricts": list(value.subdistricts),
                "communities": list(value.communities),
            }
        value = value if isinstance(value, dict) else {}
        tree = self.tree_source()
        whole = set(value.get("subdistricts", ()))
        chosen = set(value.get("communities", ()))
        context["widget"].update(
            tree=tree,
            branches=[
                (
                    district,
                    [
                        (subdistrict, _leaves(name, subdistrict.communities, chosen))
                        for subdistrict in district.subdistricts
                    ],
                )
                for district in tree
            ],
            everywhere=bool(value.get("everywhere")),
            whole=whole,
            chosen=chosen,
            opened={
                subdistrict.code
                for district in tree
                for subdistrict in district.subdistricts
                if subdistrict.code in whole
                or any(community.code in chosen for community in subdistrict.communities)
            },
            total=sum(len(s.communities) for d in tree for s in d.subdistricts),
        )
        return context


class CommunityTreeField(forms.Field):
    """Communities chosen from the tree; cleans to a `CommunityChoice`. Give it the tree with
    `use_tree(source)` (a callable, called at most once)."""

    widget = CommunityTreeWidget
    default_error_messages = {
        "required": _("Choose every community, whole subdistricts or single communities."),
        "unknown": _("Some chosen communities or subdistricts are not on the list: %(codes)s"),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tree_source: Callable[[], Tree] = tuple

    def use_tree(self, source: Callable[[], Tree]) -> None:
        cached = functools.cache(source)
        self.tree_source = cached
        self.widget.tree_source = cached

    def __deepcopy__(self, memo: dict[int, Any]) -> "CommunityTreeField":
        copied = super().__deepcopy__(memo)
        copied.tree_source = self.tree_source
        return copied

    def clean(self, value: Any) -> CommunityChoice | None:
        value = value if isinstance(value, dict) else {}
        everywhere = bool(value.get("everywhere"))
        whole = list(dict.fromkeys(value.get("subdistricts", ())))
        single = list(dict.fromkeys(value.get("communities", ())))
        if not (everywhere or whole or single):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        tree = self.tree_source()
        members = {s.code: s.communities for d in tree for s in d.subdistricts}
        every = [c.code for communities in members.values() for c in communities]
        unknown = [code for code in whole if code not in members] + [
            code for code in single if code not in set(every)
        ]
        if unknown:
            raise forms.ValidationError(
                self.error_messages["unknown"],
                code="unknown",
                params={"codes": "、".join(unknown[:5])},
            )
        if everywhere:
            return CommunityChoice(True, (), (), tuple(every))
        covered = {c.code for code in whole for c in members[code]}
        outside = tuple(code for code in single if code not in covered)
        reached = set(covered) | set(outside)
        return CommunityChoice(
            False, tuple(whole), outside, tuple(code for code in every if code in reached)
        )
