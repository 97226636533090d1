"""Limit/offset paging with bounds, shared by list pages and list endpoints."""

from communitygate.core.errors import InvalidInput, Problem


def page_bounds(limit: int, offset: int, max_limit: int) -> tuple[int, int]:
    problems = []
    if not 1 <= limit <= max_limit:
        problems.append(
            Problem(
                f"limit 须在 1 到 {max_limit} 之间。",
                f"limit must be between 1 and {max_limit}.",
                field="limit",
            )
        )
    if offset < 0:
        problems.append(
            Problem("offset 不能为负数。", "offset cannot be negative.", field="offset")
        )
    if problems:
        raise InvalidInput(problems)
    return limit, offset
