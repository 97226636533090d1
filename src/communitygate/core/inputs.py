"""Bounds on free input that keep odd values a 4xx answer instead of a database error.

PostgreSQL refuses NUL characters in text, and no database takes an OFFSET beyond 64 bits.
"""

from typing import Annotated

from pydantic import Field, StringConstraints

MAX_OFFSET = 1_000_000_000

Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]


def has_nul(value: str | None) -> bool:
    return value is not None and "\x00" in value
