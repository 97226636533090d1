"""The matters' filter form: what it passes on to the selector."""

from communitygate.matters.forms.matters import MatterFilterForm


def make_form(data: dict[str, str]) -> MatterFilterForm:
    return MatterFilterForm(data, communities=[], categories=[])


def test_text_with_a_nul_character_is_refused_not_passed_on() -> None:
    # The text box refuses NUL (PostgreSQL cannot hold it in a query), so the filters never
    # see one.
    form = make_form({"text": "水管\x00漏水"})
    assert not form.is_valid()
    assert "text" in form.errors
    assert form.filters().text == ""


def test_text_is_passed_on_as_typed() -> None:
    form = make_form({"text": "水管漏水"})
    assert form.is_valid()
    assert form.filters().text == "水管漏水"
