"""What the bulk stages share: the batch size (each batch its own transaction, so a run of millions
holds one batch of objects in memory at a time) and moments in the district's time."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

BATCH = 5000
SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment_on(
    day: dt.date, rng: random.Random, first_hour: int = 8, last_hour: int = 18
) -> dt.datetime:
    """A moment of office hours on `day`, in the district's time."""
    minute = rng.randrange((last_hour - first_hour) * 60)
    return dt.datetime.combine(
        day, dt.time(first_hour + minute // 60, minute % 60, rng.randrange(60)), tzinfo=SHANGHAI
    )


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()
