"""What the bulk stages share: the batch size (each batch its own transaction, so a run of millions
holds one batch of objects in memory at a time) and moments in the district's time."""

import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, models

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


class RowWriter:
    """Rows of one table written as plain tuples, for the table of millions (assignments):
    `bulk_create` spends ten times the insert itself building and preparing model objects
    (bench/dispatch.py found the same for `task_send`, hence its INSERT … SELECT). The caller
    names the fields it gives (attnames, in tuple order); every other field gets its model
    default, prepared once. Values go through the backend's own adapters (dates, aware datetimes:
    `connection.ops`), so SQLite stores what the ORM would. PostgreSQL takes the rows by COPY,
    SQLite by executemany; the caller's transaction holds them."""

    def __init__(self, model: type[models.Model], attnames: Sequence[str]) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        unknown = set(attnames) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
        given = [fields[name] for name in attnames]
        others = [f for name, f in fields.items() if name not in attnames]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column or f.attname) for f in [*given, *others])
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
        self.adapters = [self._adapter(f) for f in given]
        self.width = len(given) + len(others)

    @staticmethod
    def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        if isinstance(field, models.DateTimeField):
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return connection.ops.adapt_datefield_value
        return None

    def _prepared(self, rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        adapters = list(enumerate(self.adapters))
        adapting = [(i, a) for i, a in adapters if a is not None]
        for row in rows:
            values = list(row)
            for i, adapt in adapting:
                if values[i] is not None:
                    values[i] = adapt(values[i])
            yield (*values, *self.defaults)

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        written = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                copy_sql = f"COPY {self.table} ({self.columns}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for values in self._prepared(rows):
                        copy.write_row(values)
                        written += 1
            else:
                marks = ", ".join(["%s"] * self.width)
                insert = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"  # noqa: S608 (names from the model; values are parameters)
                prepared = list(self._prepared(rows))
                cursor.executemany(insert, prepared)
                written = len(prepared)
        return written
