"""Calendar API: working-day answers other systems need, public like the catalog.

`GET /api/v1/calendar/earliest-urgent-start?filed=YYYY-MM-DD` gives the earliest start of an
urgent application filed that day, or `holiday_schedule_missing` (409) for a year nobody has
entered yet.
"""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import StringConstraints

from communitygate.core.errors import InvalidInput, Problem
from communitygate.core.workdays import earliest_urgent_start

router = Router(tags=["calendar"])

IsoDate = Annotated[str, StringConstraints(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")]


class EarliestStartOut(Schema):
    filed: dt.date
    earliest_start: dt.date


def _date_param(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            [Problem(f"{value} 不是有效日期。", f"{value} is not a valid date.", field=name)]
        ) from None


@router.get("/calendar/earliest-urgent-start", response=EarliestStartOut, auth=None)
def earliest_urgent_start_get(request: HttpRequest, filed: IsoDate) -> EarliestStartOut:
    """The third working day after the filing day (SPEC §4, the urgent path)."""
    filed_on = _date_param(filed, "filed")
    return EarliestStartOut(filed=filed_on, earliest_start=earliest_urgent_start(filed_on))
