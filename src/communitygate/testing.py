"""Test support (used by the test suites only), one of each:

- `build_world()`: a small district for tests: two subdistricts with two communities each, two
  departments, and the committee, its office, a supervision office, the audit bureau and a
  social organisation; one person per role in each (`world.user("community_secretary")`,
  `..._other` for the same role in a sibling organisation).
- `signed_in(user)`: a test client signed in as that person (or anonymous for None).
- `run_together(calls)`: the concurrency harness: each call in its own thread and database
  connection, all released at once by a barrier, so that services race for real on SQLite and
  PostgreSQL (use it from a `transactional_db` test).
- `shared_rows(...)`: rows that many tests only read (the seeded demo, the permission grid's
  seed) written once for a module or package instead of once per test.
- `image_bytes(fmt)`: a real, tiny image (PNG or JPEG) that `core.uploads` accepts.
"""

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client

from communitygate.accounts.services import membership_grant
from communitygate.audit.triggers import install_append_only_triggers
from communitygate.catalog.models import CatalogItem
from communitygate.catalog.services import ItemFields, catalog_item_create
from communitygate.core import clock
from communitygate.orgs.models import Organisation
from communitygate.orgs.services import organisation_create

PASSWORD = "correct-horse-battery-staple"


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    """A real image of `size` in `fmt` ("PNG" or "JPEG"): uploads must decode (core.uploads)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=fmt)
    return out.getvalue()


@dataclass
class World:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def user(self, key: str) -> User:
        return self.users[key]

    def org(self, key: str) -> Organisation:
        return self.orgs[key]


ORGS = [
    # key, code, name, kind, parent key
    ("district", "370203", "市北区", "district", None),
    ("subdistrict", "370203031", "洛阳路街道", "subdistrict", "district"),
    ("subdistrict_other", "370203014", "敦化路街道", "subdistrict", "district"),
    ("community", "370203031001", "商邱路社区", "community", "subdistrict"),
    ("community_sibling", "370203031002", "郑州路社区", "community", "subdistrict"),
    ("community_other", "370203014001", "伊春路社区", "community", "subdistrict_other"),
    ("committee", "CMTE", "区社区建设指导委员会", "committee", "district"),
    ("office", "CMTE-OFFICE", "委员会办公室", "committee_office", "committee"),
    ("department", "DEPT-MZ", "区民政局", "department", "district"),
    ("department_other", "DEPT-WJ", "区卫生健康局", "department", "district"),
    ("supervision", "SUP-GOV", "区政府督查室", "supervision_office", "district"),
    ("audit", "AUDIT", "区审计局", "audit_bureau", "district"),
    ("social_org", "SO-1", "示例社会工作服务中心", "social_org", "district"),
]

# person key → (org key, role)
PEOPLE = {
    "office_admin": ("office", "admin"),
    "office_officer": ("office", "officer"),
    "committee_member": ("committee", "member"),
    "department_clerk": ("department", "clerk"),
    "department_head": ("department", "head"),
    "department_clerk_other": ("department_other", "clerk"),
    "subdistrict_officer": ("subdistrict", "officer"),
    "subdistrict_officer_other": ("subdistrict_other", "officer"),
    "community_secretary": ("community", "secretary"),
    "community_worker": ("community", "worker"),
    "community_secretary_other": ("community_other", "secretary"),
    "inspector": ("supervision", "inspector"),
    "supervision_head": ("supervision", "head"),
    "auditor": ("audit", "auditor"),
    "social_org_staff": ("social_org", "staff"),
}


def build_world() -> World:
    world = World()
    for key, code, name, kind, parent in ORGS:
        world.orgs[key] = organisation_create(
            actor=None,
            code=code,
            name=name,
            name_en=f"{key} (test)",
            kind=kind,
            parent=world.orgs[parent] if parent else None,
        )
    for person, (org_key, role) in PEOPLE.items():
        user = User.objects.create_user(username=person, password=PASSWORD)
        membership_grant(
            actor=None,
            user=user,
            organisation=world.orgs[org_key],
            role=role,
            active_from=dt.date(2020, 1, 1),
        )
        world.users[person] = user
    world.users["no_role"] = User.objects.create_user(username="no_role", password=PASSWORD)
    return world


def item_fields(code: str = "T-001", **overrides: object) -> ItemFields:
    values: dict[str, object] = {
        "code": code,
        "name": "协助开展最低生活保障入户调查",
        "item_class": "statutory",
        "domain": "civil_affairs",
        "department_code": "DEPT-MZ",
        "legal_basis": "《社会救助暂行办法》第十一条",
        "community_duty": "受理转交申请、入户调查、公示",
        "frequency": "ongoing",
        "estimated_hours": Decimal("40"),
    }
    values.update(overrides)
    return ItemFields(**values)  # type: ignore[arg-type]


def make_item(world: World, code: str = "T-001", **overrides: object) -> CatalogItem:
    return catalog_item_create(
        actor=world.user("office_officer"), fields=item_fields(code, **overrides)
    )


def signed_in(user: User | None, *, raise_request_exception: bool = True) -> Client:
    """A test client signed in as `user` (anonymous for None). With raise_request_exception
    False an exception in a view answers 500 instead of failing the test, as in production."""
    client = Client(raise_request_exception=raise_request_exception)
    if user is not None:
        client.force_login(user)
    return client


def password_sign_in(client: Client, username: str, password: str) -> bool:
    """Sign in through the sign-in page, as a person does (its lockout and audit included):
    True when the page let them in."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def run_together(
    calls: Sequence[Callable[[], Any]], *, timeout: float = 120
) -> tuple[list[Any], list[BaseException]]:
    """Run every call at the same moment, each in its own thread with its own database
    connection (closed afterwards); the results and the errors, in the order they finished."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            result = call()
            with lock:
                results.append(result)
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call never finished"
    return results, errors


@dataclass
class Shared[T]:
    """Rows written once for several tests: what the seeding returned, and the moment it left
    the clock pinned to (each test pins it again: `enter()`)."""

    owner: str
    value: T
    moment: dt.datetime | None

    def enter(self) -> T:
        clock.pin(self.moment)
        return self.value


_open_shared: list[str] = []


def shared_rows_owner() -> str | None:
    """The fixture whose shared rows are in the database now, if any."""
    return _open_shared[-1] if _open_shared else None


def shared_rows[T](
    request: Any, django_db_blocker: Any, seed: Callable[[], T]
) -> Iterator[Shared[T]]:
    """For a module- or package-scoped fixture (`yield from shared_rows(...)`): seed once, inside
    a transaction that stays open while the fixture lives. Each test that uses the fixture runs
    in a savepoint of it (the `db` fixture), so the tests do not see each other's writes; the
    transaction is rolled back when the fixture ends, so every other test still starts from an
    empty database. Transactional tests cannot use it (conftest.py refuses them), nor can a test
    in its scope that does not ask for it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            install_append_only_triggers(connection)
            value = seed()
            shared = Shared(owner=request.fixturename, value=value, moment=clock.pinned())
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
        finally:
            clock.pin(None)
    _open_shared.append(shared.owner)
    try:
        yield shared
    finally:
        _open_shared.pop()
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def task_form_confirmed(values: dict[str, Any]) -> dict[str, Any]:
    """The send page's form (dispatch/send/) as its preview's confirm button posts it: the same
    values with `step=send` and the fingerprint of the request the preview showed, read from the
    values by the page's own form. Tests that are not about the preview post this in one go."""
    from communitygate.catalog.selectors import published_item_choices
    from communitygate.dispatch.forms import TaskForm
    from communitygate.orgs.selectors import community_tree

    form = TaskForm(
        {key: value for key, value in values.items() if key != "form_token"},
        departments=[(values["department"], "")],
        items=published_item_choices(),
        tree=lambda: community_tree(clock.today()),
    )
    assert form.is_valid(), form.errors
    return {**values, "step": "send", "previewed": form.task_request().fingerprint()}


def command_process_environment(var_dir: Any) -> dict[str, str]:
    """The environment of a `communitygate` command run as a process of its own against this
    test's database (a transactional test: the rows must be committed): the same keys (derived
    from SECRET_KEY), its own VAR_DIR (media, logs, checkpoints)."""
    import os

    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "VAR_DIR": str(var_dir),
        "SECRET_KEY": settings.SECRET_KEY,
        "COMMUNITYGATE_AUDIT_CHECKPOINT_DIR": str(settings.AUDIT_CHECKPOINT_DIR),
    }


def committee_members(world: World, count: int = 3) -> list[User]:
    """The committee of `count` members: the world's committee_member and as many more as needed
    (committee_member_2, …), made once and not added to the world's people (the committee
    decides as a body: one member is never a quorum)."""
    members = [world.user("committee_member")]
    for number in range(2, count + 1):
        username = f"committee_member_{number}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=PASSWORD)
            membership_grant(
                actor=None,
                user=user,
                organisation=world.org("committee"),
                role="member",
                active_from=dt.date(2020, 1, 1),
            )
        members.append(user)
    return members
