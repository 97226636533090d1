"""How `build_city` reports its progress: one stage at a time, each with its total, advanced as
rows are written. `QUIET` reports nothing (tests, a run without a terminal); `RichProgress`
draws one bar per stage with rich."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Advance = Callable[[int], None]


class StageProgress(Protocol):
    def stage(self, label: str, total: int) -> AbstractContextManager[Advance]:
        """A stage of `total` units; the context gives the function that advances it."""
        ...


class Quiet:
    @contextmanager
    def stage(self, label: str, total: int) -> Iterator[Advance]:
        yield lambda _n: None


QUIET = Quiet()


class RichProgress:
    """One bar per stage, on standard error, left on screen when the stage ends."""

    def __init__(self, console: Console | None = None) -> None:
        self.bars = Progress(
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
        )

    def __enter__(self) -> "RichProgress":
        self.bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.stop()

    @contextmanager
    def stage(self, label: str, total: int) -> Iterator[Advance]:
        bar = self.bars.add_task(label, total=max(total, 1))

        def advance(n: int) -> None:
            self.bars.advance(bar, n)

        yield advance
        self.bars.update(bar, completed=max(total, 1))
