"""Who may do what with the catalog. Reading the published catalog is public."""

from communitygate.accounts.permissions import AnyUser, is_office_staff


def can_manage_catalog(user: AnyUser) -> bool:
    """Create, revise, suspend, reinstate, retire, import and publish: the committee office."""
    return is_office_staff(user)
