"""Who is acting: the type every service takes for its actor, and the user it records."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

AnyUser = AbstractBaseUser | AnonymousUser | None


def acting_user(actor: AnyUser) -> User | None:
    """The signed-in person behind an actor, or None for the system (commands, migrations)."""
    return actor if isinstance(actor, User) else None
