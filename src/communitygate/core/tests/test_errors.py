"""An input error a named rule raises about one value (`core.errors.InvalidValue`): its problem
stands beside its field and is also the error's own message, so the API's `message` and a
page's message name what is wrong instead of "the input has 1 problem"."""

from communitygate.core.errors import InvalidInput, InvalidValue, Problem
from communitygate.core.idnumbers import InvalidIdNumber
from communitygate.core.phones import InvalidPhone, normalise_phone


class WrongColour(InvalidValue):
    code = "wrong_colour"
    field = "colour"


def test_the_problem_is_the_message_and_stands_beside_the_field() -> None:
    error = WrongColour("只能选红色。", "Choose red.")
    assert error.problems == [Problem("只能选红色。", "Choose red.", field="colour")]
    assert (error.message_zh, error.message_en) == ("只能选红色。", "Choose red.")
    assert str(error) == "只能选红色。 / Choose red."
    assert error.as_dict()["code"] == "wrong_colour"
    assert error.as_dict()["problems"] == [error.problems[0].as_dict()]
    assert error.status == 422 and isinstance(error, InvalidInput)


def test_the_raiser_may_name_another_field_and_add_problems() -> None:
    more = Problem("名称太长。", "The name is too long.", field="name")
    error = WrongColour("只能选红色。", "Choose red.", field="paint", more=[more])
    assert [problem.field for problem in error.problems] == ["paint", "name"]
    assert error.message_en == "Choose red."


def test_a_lead_comes_before_the_problem_in_the_message_only() -> None:
    phone = InvalidPhone("请填写电话号码。", "enter a phone number.")
    assert phone.message_zh == "电话号码无效：请填写电话号码。"
    assert phone.message_en == "Invalid phone number: enter a phone number."
    assert str(phone) == phone.message
    assert phone.problems == [Problem("请填写电话号码。", "enter a phone number.", field="phone")]
    id_number = InvalidIdNumber("请填写身份证号码。", "enter the ID number.")
    assert id_number.message_en == "Invalid ID number: enter the ID number."
    assert id_number.problems[0].field == "id_number"


def test_a_plain_invalid_input_still_counts_its_problems() -> None:
    error = InvalidInput([Problem("一", "one"), Problem("二", "two")])
    assert error.message_en == "The input has 2 problem(s); correct them and resubmit."
    named = InvalidInput([Problem("一", "one")], message=("错了", "wrong"))
    assert named.message == "错了 / wrong"


def test_a_phone_refused_in_use_names_its_problem() -> None:
    try:
        normalise_phone("")
    except InvalidPhone as refused:
        assert refused.message_en.startswith("Invalid phone number: ")
    else:
        raise AssertionError("an empty phone was accepted")
