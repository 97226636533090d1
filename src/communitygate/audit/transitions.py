"""The one way a workflow step changes state: `transition_apply`.

It reads the object's state under a row lock, asks the workflow's table whether this actor may
take the step from there (`core.workflow.Workflow.check`), moves the row with a conditional
UPDATE from exactly that state (SQLite ignores row locks; the condition is what stops the second
of two people acting at once), and records the step's audit event `<workflow>.<action>`, all in
one transaction (the caller's, when there is one), and tells the apps above which row moved
(`transition_applied`, sent inside that transaction: the burden dashboard marks the month it
must count again).
"""

from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import Signal

from communitygate.audit.recorder import Changes, record_event
from communitygate.core import clock
from communitygate.core.errors import StaleObject
from communitygate.core.people import AnyUser
from communitygate.core.workflow import Actor, Transition, Workflow

# Sent with sender=the model, subject=the row (as the caller passed it), action=the step's name.
transition_applied = Signal()


def _user(actor: Actor) -> AnyUser:
    """The user recorded for the event (None for someone not signed in, such as a resident)."""
    return actor if isinstance(actor, AbstractBaseUser | AnonymousUser) else None


def _bookkeeping(model: type[models.Model]) -> dict[str, object]:
    """A moved row's revision goes up by one and its updated_at is now, where it has them."""
    names = {f.name for f in model._meta.concrete_fields}
    values: dict[str, object] = {}
    if "revision" in names:
        values["revision"] = F("revision") + 1
    if "updated_at" in names:
        values["updated_at"] = clock.now()
    return values


def transition_apply[M: models.Model](
    workflow: Workflow,
    *,
    actor: Actor,
    subject: M,
    action: str,
    values: Mapping[str, object] | None = None,
    changes: Changes | None = None,
    reason: str = "",
    where: Q | None = None,
) -> Transition:
    """Take `action` on `subject`: check the table, move the row, record the event.

    `values` are the other fields the step sets, in the same UPDATE; `changes` what the event
    records besides the state (`{field: [before, after]}`); `where` a further condition the row
    must meet. Refusals: ActorNotAllowed, a guard's error or the workflow's TransitionNotAllowed
    (from the state as it is now); StaleObject when the row changed between the check and the
    update without leaving the state the step starts from.
    """
    model = type(subject)
    manager = model._default_manager
    state_field = workflow.field
    with transaction.atomic():
        state = (
            manager.select_for_update()
            .filter(pk=subject.pk)
            .values_list(state_field, flat=True)
            .get()
        )
        row = workflow.check(actor, subject, action, state)
        condition = Q(pk=subject.pk, **{state_field: state})
        if row.guard is not None and row.guard.where is not None:
            condition &= row.guard.where
        if where is not None:
            condition &= where
        moved = manager.filter(condition).update(
            **{state_field: row.target, **_bookkeeping(model), **(values or {})}
        )
        if moved != 1:
            now = manager.filter(pk=subject.pk).values_list(state_field, flat=True).get()
            if workflow.target(now, action) is None:
                raise workflow.refusal(subject, now, action)
            raise StaleObject()
        recorded: Changes = {state_field: [state, row.target]} if state != row.target else {}
        record_event(
            actor=_user(actor),
            action=f"{workflow.name}.{action}",
            obj=subject,
            changes={**recorded, **(changes or {})},
            reason=reason,
        )
        transition_applied.send(sender=model, subject=subject, action=action)
    return row
