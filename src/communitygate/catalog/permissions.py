"""Who may do what with the catalog. Reading the published catalog is public."""

from communitygate.accounts.permissions import is_committee_member, is_office_staff
from communitygate.catalog.models import CatalogImport
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser


def can_manage_catalog(user: AnyUser) -> bool:
    """Create, revise, suspend, reinstate, retire, import and publish: the committee office."""
    return is_office_staff(user)


def can_admit_into_catalog(user: AnyUser) -> bool:
    """Publishing a decided admission: the committee (its decision) or the office (urgent path)."""
    if is_office_staff(user):
        return True
    return is_committee_member(user)


def access_catalog_import(user: AnyUser, batch_id: int) -> CatalogImport:
    """An import batch, only for the office person who uploaded it; NotFound otherwise."""
    if not can_manage_catalog(user) or user is None:
        raise NotFound("导入记录", "import")
    batch = CatalogImport.objects.filter(pk=batch_id, uploaded_by_id=user.pk).first()
    if batch is None:
        raise NotFound("导入记录", "import")
    return batch
