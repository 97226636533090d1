"""The burden dashboard's API (public, as its page is): GET /api/v1/burden/summary answers
two catalog editions' figures side by side (`summary.before_after`)."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from communitygate.core.errors import NotFound
from communitygate.insights.summary import EditionSummary, before_after

router = Router(tags=["burden"])

# An edition's id as text (the summary reads it; an unknown one is its own 422).
EditionRef = Annotated[str, Field(max_length=20)]


class SummaryEditionOut(Schema):
    id: int
    number: int
    title: str
    published_at: str


class ByClassOut(Schema):
    statutory: int
    delegated: int
    certificate: int
    evaluation: int


class EditionFiguresOut(Schema):
    edition: SummaryEditionOut
    items: int
    by_class: ByClassOut
    plaques: int
    ledgers: int
    hours: str  # one decimal place, as text (never a float)


class SummaryOut(Schema):
    before: EditionFiguresOut
    after: EditionFiguresOut
    counted_at: str


def figures_out(summary: EditionSummary) -> EditionFiguresOut:
    edition = summary.edition
    return EditionFiguresOut(
        edition=SummaryEditionOut(
            id=edition.pk,
            number=edition.number,
            title=edition.title,
            published_at=edition.published_at.isoformat(),
        ),
        items=summary.items,
        by_class=ByClassOut(**summary.by_class),
        plaques=summary.plaques,
        ledgers=summary.ledgers,
        hours=f"{summary.hours}",
    )


@router.get("/burden/summary", response=SummaryOut, auth=None, url_name="burden_summary")
def burden_summary(
    request: HttpRequest, before: EditionRef | None = None, after: EditionRef | None = None
) -> SummaryOut:
    """Two editions' figures: `before` (default: the first edition published, the 2014 survey)
    and `after` (default: the latest). An id that is no edition's: 422 `unknown_edition`; no
    edition published yet: 404."""
    figures = before_after(before, after)
    if figures is None:
        raise NotFound("目录版本", "catalog edition")
    return SummaryOut(
        before=figures_out(figures.before),
        after=figures_out(figures.after),
        counted_at=figures.counted_at.isoformat(),
    )
