"""Named rule errors. A broken rule raises a subclass of RuleBroken named after the rule.

Each error carries its message in Chinese and in English, telling the user what to do, and an
HTTP status that views and the API use to answer 4xx instead of failing with a 500.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import get_language


def in_active_language(message_zh: str, message_en: str) -> str:
    """The message a page shows: English when the page is in English, else Chinese (the site's
    language). Pages show one language; the API answers both (`as_dict`)."""
    return message_en if (get_language() or "").startswith("en") else message_zh


class RuleBroken(Exception):
    """A business rule refused the request. Subclasses name the rule."""

    code: ClassVar[str] = "rule_broken"
    status: ClassVar[int] = 409

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en

    @property
    def message(self) -> str:
        """Both languages, for logs, the command line and the API's `message` field."""
        return f"{self.message_zh} / {self.message_en}"

    @property
    def page_message(self) -> str:
        """The message in the page's language (`in_active_language`)."""
        return in_active_language(self.message_zh, self.message_en)

    def response_headers(self) -> dict[str, str]:
        """Headers the answer carries besides the message (a 429's Retry-After); every page,
        API and Open311 answer of a RuleBroken sets them."""
        return {}

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


class NotFound(RuleBroken):
    """The object does not exist, or the user may not see it (the same answer for both)."""

    code = "not_found"
    status = 404

    def __init__(self, what_zh: str = "对象", what_en: str = "object") -> None:
        super().__init__(
            f"{what_zh}不存在或无权查看。",
            f"The {what_en} does not exist or is not visible to you.",
        )


class PermissionDenied(RuleBroken):
    """The user is known but their roles do not allow this action."""

    code = "permission_denied"
    status = 403

    def __init__(
        self,
        message_zh: str = "您的角色无权执行此操作。",
        message_en: str = "Your roles do not allow this action.",
    ) -> None:
        super().__init__(message_zh, message_en)


class StaleObject(RuleBroken):
    """Someone else changed the object after it was read: reload and try again."""

    code = "stale_object"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "该记录已被他人修改，请刷新后重试。",
            "Someone else changed this record; reload it and try again.",
        )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located (row and column for a table, field for a form)."""

    message_zh: str
    message_en: str
    field: str = ""
    row: int | None = None

    @property
    def message(self) -> str:
        """Both languages, for logs, the command line and the API's `message` field."""
        return f"{self.message_zh} / {self.message_en}"

    @property
    def page_message(self) -> str:
        """The message in the page's language (`in_active_language`)."""
        return in_active_language(self.message_zh, self.message_en)

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.field,
            "message": self.message,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


class InvalidInput(RuleBroken):
    """The input has problems; every one of them is listed, not only the first."""

    code = "invalid_input"
    status = 422

    def __init__(self, problems: list[Problem], *, message: tuple[str, str] | None = None) -> None:
        """`message` (zh, en) names what is wrong when a rule knows better than "the input has
        N problems" (InvalidValue)."""
        count = len(problems)
        message_zh, message_en = message or (
            f"输入有 {count} 处错误，请修改后重新提交。",
            f"The input has {count} problem(s); correct them and resubmit.",
        )
        super().__init__(message_zh, message_en)
        self.problems = problems

    def as_dict(self) -> dict[str, object]:
        answer = super().as_dict()
        answer["problems"] = [problem.as_dict() for problem in self.problems]
        return answer


class InvalidValue(InvalidInput):
    """One value a named rule refuses (an ID number, a birth date the number contradicts, an
    unknown care tag): the problem, beside its field, is also the error's own message (after
    `lead_zh`/`lead_en`, "电话号码无效：" say), not "the input has 1 problem". Subclasses set
    `code` and say the problem; problems found beside it follow it (`more`)."""

    field: ClassVar[str] = ""  # the field the problem is beside, unless the raiser names one
    lead_zh: ClassVar[str] = ""
    lead_en: ClassVar[str] = ""

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        field: str | None = None,
        more: Sequence[Problem] = (),
    ) -> None:
        super().__init__(
            [Problem(message_zh, message_en, field=self.field if field is None else field), *more],
            message=(self.lead_zh + message_zh, self.lead_en + message_en),
        )


def invalid_input_from(error: DjangoValidationError) -> InvalidInput:
    """A model's own validation (full_clean) as an InvalidInput listing every field's problem."""
    problems = [
        Problem(message_zh=str(message), message_en=str(message), field=field)
        for field, messages in error.message_dict.items()
        for message in messages
    ]
    return InvalidInput(problems)
