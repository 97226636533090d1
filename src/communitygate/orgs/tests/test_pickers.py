"""The community picker: the tree read in one query at any size, and what its ticks clean to."""

import datetime as dt
from typing import Any, cast

import pytest
from django import forms
from django.http import QueryDict

from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.orgs.pickers import CommunityChoice, CommunityTreeField, CommunityTreeWidget
from communitygate.orgs.selectors import community_tree
from communitygate.orgs.services import organisation_create
from communitygate.testing import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
LUOYANG = "370203031"


def communities_of(code: str) -> list[str]:
    return list(
        Organisation.objects.filter(parent__code=code, kind=OrganisationKinds.COMMUNITY)
        .order_by("path")
        .values_list("code", flat=True)
    )


def field() -> CommunityTreeField:
    picker = CommunityTreeField()
    picker.use_tree(lambda: community_tree(TODAY))
    return picker


def cleaned(**posted: list[str]) -> CommunityChoice | None:
    data = QueryDict(mutable=True)
    for key, values in posted.items():
        data.setlist(f"targets_{key}", values)
    picker = field()
    widget = cast(CommunityTreeWidget, picker.widget)
    return picker.clean(widget.value_from_datadict(data, {}, "targets"))


def test_the_tree_is_one_query_at_any_size(world: World, django_assert_num_queries: Any) -> None:
    parent = Organisation.objects.get(code=LUOYANG)
    ended = organisation_create(
        actor=None,
        code="370203031998",
        name="已撤销社区",
        kind="community",
        parent=parent,
        active_to=dt.date(2025, 12, 31),
    )
    for number in range(100):
        organisation_create(
            actor=None,
            code=f"3702030317{number:02d}",
            name=f"社区{number}",
            kind="community",
            parent=parent,
        )
    with django_assert_num_queries(1):
        tree = community_tree(TODAY)
    subdistricts = {s.code: s for d in tree for s in d.subdistricts}
    luoyang = [c.code for c in subdistricts[LUOYANG].communities]
    assert ended.code not in luoyang  # an ended community gets no work
    assert len(luoyang) == len(communities_of(LUOYANG)) - 1
    assert all(s.communities for s in subdistricts.values())


def test_a_whole_subdistrict_covers_its_communities_and_single_ones_add_to_it(
    world: World,
) -> None:
    inside = communities_of(LUOYANG)[0]
    outside = next(
        code
        for code in Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY).values_list(
            "code", flat=True
        )
        if not code.startswith(LUOYANG)
    )
    choice = cleaned(subdistrict=[LUOYANG], community=[inside])
    assert choice is not None
    assert (choice.subdistricts, choice.communities) == ((LUOYANG,), ())
    assert set(choice.reached) == set(communities_of(LUOYANG))
    mixed = cleaned(subdistrict=[LUOYANG], community=[inside, outside])
    assert mixed is not None and mixed.communities == (outside,)
    assert set(mixed.reached) == {*communities_of(LUOYANG), outside}
    everywhere = cleaned(everywhere=["1"])
    assert everywhere is not None and everywhere.everywhere
    assert (
        len(everywhere.reached)
        == Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY).count()
    )


def test_nothing_or_an_unknown_code_is_an_error(world: World) -> None:
    with pytest.raises(forms.ValidationError, match="请勾选"):
        cleaned()
    with pytest.raises(forms.ValidationError, match="370203099999"):
        cleaned(community=["370203099999"])
    with pytest.raises(forms.ValidationError, match="DEPT-MZ"):
        cleaned(subdistrict=["DEPT-MZ"])


def test_the_widget_shows_the_ticks_it_was_given(world: World) -> None:
    inside = communities_of(LUOYANG)[0]
    picker = field()
    html = cast(CommunityTreeWidget, picker.widget).render(
        "targets", {"everywhere": False, "subdistricts": [], "communities": [inside]}
    )
    assert f'value="{inside}" data-testid="community-{inside}" checked' in html
    assert f'data-testid="subdistrict-{LUOYANG}" open' in html
    assert "checked" not in html.replace(f'community-{inside}" checked', "")
