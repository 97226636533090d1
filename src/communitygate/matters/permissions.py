"""Who may see a matter's full phone: the scope rules of the residents' platform are in
`registry.permissions`; this is the one that needs the Matter model.
"""

from communitygate.core.people import AnyUser, acting_user
from communitygate.matters.models import Matter
from communitygate.registry.permissions import can_reveal_personal_information, works_in


def can_reveal_matter_phone(user: AnyUser, matter: Matter) -> bool:
    """Who may see a matter's full phone to call the resident back: the community's secretary
    (as for the registry), and the matter's assignee while they work in its community — the
    person who must answer the resident. Other workers and the subdistrict see the mask."""
    if can_reveal_personal_information(user, matter.community_id):
        return True
    person = acting_user(user)
    return (
        person is not None
        and matter.assignee_id == person.pk
        and works_in(person, matter.community_id)
    )
