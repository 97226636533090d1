"""Files stored inside a transaction live only if it commits.

A service stores an upload's bytes before its row is saved (so a reader inside the same
transaction, and the row's name, are right at once). Should the transaction roll back, the bytes
would be left behind with no row naming them: an orphan holding someone's papers. Django has no
rollback hook, so the file is remembered until its transaction's `on_commit` forgets it; whatever
is still remembered once the connection is out of every atomic block (the end of a request, of a
background task, of the process) was rolled back, and is deleted."""

import atexit
import threading
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import Storage
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.tasks.signals import task_finished


@dataclass(eq=False)
class _Stored:
    storage: Storage
    name: str
    using: str


class _Pending(threading.local):
    def __init__(self) -> None:
        self.files: list[_Stored] = []


_pending = _Pending()


def keep_if_committed(storage: Storage, name: str | None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Delete the stored file `name` unless the current transaction commits (outside a
    transaction it is kept at once)."""
    if not name:
        return
    stored = _Stored(storage, name, using)
    _pending.files.append(stored)
    transaction.on_commit(lambda: _forget(stored), using=using)


def _forget(stored: _Stored) -> None:
    if stored in _pending.files:
        _pending.files.remove(stored)


def remove_uncommitted_files(**_signal: Any) -> int:
    """Delete the files whose transaction rolled back; how many. Files whose connection is
    still inside an atomic block wait (their transaction may yet commit)."""
    removed = 0
    for stored in list(_pending.files):
        if connections[stored.using].in_atomic_block:
            continue
        _pending.files.remove(stored)
        stored.storage.delete(stored.name)
        removed += 1
    return removed


def uncommitted_file_names() -> list[str]:
    """The names still waiting for their transaction (tests and diagnostics)."""
    return [stored.name for stored in _pending.files]


request_finished.connect(remove_uncommitted_files, dispatch_uid="core.stored.request")
task_finished.connect(remove_uncommitted_files, dispatch_uid="core.stored.task")
atexit.register(remove_uncommitted_files)
