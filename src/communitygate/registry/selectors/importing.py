"""The registry import's reads: whose imports a person sees, one import fetched through its scope,
and how far a running import has come (what the page, its progress poll and the command show).
The import itself is `services.importing`."""

from django.db.models import QuerySet

from communitygate.accounts.permissions import staffed_community_ids
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser
from communitygate.registry.models import ImportStatuses, ResidentImport

ACTIVE_STATUSES = (ImportStatuses.QUEUED, ImportStatuses.CHECKING, ImportStatuses.WRITING)


def imports_visible_to(user: AnyUser) -> QuerySet[ResidentImport]:
    """A community's imports are its own staff's business (secretary and workers)."""
    return ResidentImport.objects.filter(community_id__in=staffed_community_ids(user))


def access_resident_import(user: AnyUser, batch_id: int) -> ResidentImport:
    batch = imports_visible_to(user).select_related("community").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("导入记录", "import")
    return batch


def import_percent(batch: ResidentImport) -> int:
    if batch.status in (ImportStatuses.IMPORTED, ImportStatuses.REJECTED, ImportStatuses.FAILED):
        return 100
    if batch.status == ImportStatuses.WRITING:
        return 99
    if not batch.rows_total:
        return 0
    return min(98, batch.rows_done * 100 // batch.rows_total)


def import_progress(batch: ResidentImport) -> dict[str, object]:
    """What the progress page polls: numbers and the status, nothing personal."""
    finished = batch.status not in ACTIVE_STATUSES
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "rows_total": batch.rows_total,
        "rows_done": batch.rows_done,
        "percent": import_percent(batch),
        "residents_created": batch.residents_created,
        "households_created": batch.households_created,
        "problems": len(batch.problems),
        "finished": finished,
    }
