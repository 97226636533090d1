"""Workflows as data (Open Forms, meinBerlin): every state machine of the platform has the one
shape, a table of rows (from state, action, to state, who may take it).

A `Workflow` answers, as pure functions of its table, "where does this action lead from this
state" (`target`), "which steps may this person take on this object now" (`actions_for`, the
buttons a page offers) and "may they take this one" (`check`, which raises the named error).
The "who" of a row is a `Who`: the app's own permission predicate over (actor, object), so a
page's buttons and a service's refusal ask the same question. A row may also carry a `Guard`:
a fact of the object the step needs besides its state (an admitted task, an urgent
application), with its own error.

Applying a step (the conditional UPDATE from the state that was checked, and its audit event,
in one transaction) is `audit.transitions.transition_apply`: core may not import the audit
log, so the one function that writes lives there.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from communitygate.core.bilingual import in_chinese_and_english
from communitygate.core.errors import PermissionDenied, RuleBroken

# The actor of a step: a user (AnyUser), or a stand-in for someone who is not signed in (the
# resident who rates a matter by its tracking code). Each Who's predicate knows its kind.
Actor = Any
Subject = Any


class TransitionNotAllowed(RuleBroken):
    """The workflow has no step `action` from `state` (the object moved on, or the step is not
    one of this workflow's)."""

    code = "transition_not_allowed"

    def __init__(
        self,
        state: str,
        action: str,
        *,
        what_zh: str = "记录",
        what_en: str = "record",
        name: str = "",
    ) -> None:
        if name:
            subject_zh, subject_en = f"{what_zh} {name} ", f"{what_en.capitalize()} {name}"
        else:
            subject_zh, subject_en = what_zh, f"The {what_en}"
        super().__init__(
            f"{subject_zh}当前状态为“{state}”，不能执行“{action}”。",
            f"{subject_en} is '{state}'; '{action}' is not possible from there.",
        )
        self.current = state
        self.action = action


def in_plain_words(
    refused: TransitionNotAllowed, state_labels: tuple[str, str] | None, action: str
) -> TransitionNotAllowed:
    """The refusal as a person reads it (issue 13): the state by its label, not its stored
    value, and no step name in the Chinese message (the person has just clicked the step)."""
    zh, en = refused.message_zh, refused.message_en
    state = str(getattr(refused, "current", None) or "")
    if state_labels is not None and state:
        zh = zh.replace(f"“{state}”", f"“{state_labels[0]}”")
        en = en.replace(f"'{state}'", f"'{state_labels[1]}'")
    zh = zh.replace(f"不能执行“{action}”", "不能执行这一步")
    RuleBroken.__init__(refused, zh, en)
    return refused


class ActorNotAllowed(PermissionDenied):
    """The step exists, but the table's "who" for it does not include this person. Answered as
    any permission refusal (403, `permission_denied`), with the row's own message."""


@dataclass(frozen=True)
class Who:
    """Who may take a step. `may(actor, subject)` is the app's permission predicate (from its
    permissions.py); the refusal message tells the person who may."""

    name: str
    may: Callable[[Actor, Subject], bool]
    refusal_zh: str = "您的角色无权执行此操作。"
    refusal_en: str = "Your roles do not allow this action."

    def refusal(self) -> ActorNotAllowed:
        return ActorNotAllowed(self.refusal_zh, self.refusal_en)


@dataclass(frozen=True)
class Guard:
    """A fact of the object a step needs besides its state. `holds(subject)` decides, `refusal`
    builds the error, and `where` (optional) repeats the fact in the conditional update when it
    can change while the step runs."""

    name: str
    holds: Callable[[Subject], bool]
    refusal: Callable[[Subject], RuleBroken]
    where: Q | None = None


@dataclass(frozen=True)
class Transition:
    """One row of a table: from `source`, `action` leads to `target`, taken by `who`."""

    source: str
    action: str
    target: str
    who: Who
    guard: Guard | None = None


def rows(
    sources: Iterable[str], action: str, target: str, who: Who, guard: Guard | None = None
) -> tuple[Transition, ...]:
    """The rows of one action taken from several states alike."""
    return tuple(Transition(source, action, target, who, guard) for source in sources)


@dataclass(frozen=True)
class Workflow:
    """A state machine as a table. `name` prefixes the audit events (`<name>.<action>`);
    `field` is the model's state field; `noun_zh`/`noun_en` and `label` name the object in the
    refusal; `refusal_class` is the workflow's named TransitionNotAllowed, and `refusals` names
    a narrower one for an action whose refusal has long had its own code (a review round that is
    not planned cannot open its consultation: `round_not_planned`)."""

    name: str
    field: str
    transitions: tuple[Transition, ...]
    noun_zh: str = "记录"
    noun_en: str = "record"
    label: Callable[[Subject], str] | None = None
    refusal_class: type[TransitionNotAllowed] = TransitionNotAllowed
    refusals: Mapping[str, type[TransitionNotAllowed]] = dataclass_field(
        default_factory=dict, hash=False
    )
    actions: tuple[str, ...] = dataclass_field(init=False)

    def __post_init__(self) -> None:
        seen: dict[tuple[str, str], str] = {}
        guards: dict[str, Guard | None] = {}
        for row in self.transitions:
            if seen.setdefault((row.source, row.action), row.target) != row.target:
                raise ValueError(f"{self.name}: {row.action} from {row.source} leads two ways")
            if guards.setdefault(row.action, row.guard) != row.guard:
                raise ValueError(f"{self.name}: {row.action} has two guards")
        object.__setattr__(
            self, "actions", tuple(dict.fromkeys(r.action for r in self.transitions))
        )

    # Pure questions of the table --------------------------------------------------------------

    def transition(self, state: str, action: str, who: Who | None = None) -> Transition | None:
        """The row taking `action` from `state` (for `who`, when given), or None."""
        for row in self.transitions:
            if row.source == state and row.action == action and who in (None, row.who):
                return row
        return None

    def target(self, state: str, action: str) -> str | None:
        """Where `action` leads from `state`, or None when the table has no such step."""
        row = self.transition(state, action)
        return row.target if row else None

    def actions_from(self, state: str, who: Who | None = None) -> list[str]:
        """The actions the table allows from `state` (for `who`, when given), in table order."""
        return [a for a in self.actions if self.transition(state, a, who) is not None]

    def whos(self, action: str) -> list[Who]:
        return list(dict.fromkeys(row.who for row in self.transitions if row.action == action))

    def refusal(self, subject: Subject, state: str, action: str) -> TransitionNotAllowed:
        name = self.label(subject) if self.label else ""
        refusal_class = self.refusals.get(action, self.refusal_class)
        refused = refusal_class(
            state, action, what_zh=self.noun_zh, what_en=self.noun_en, name=name
        )
        return in_plain_words(refused, self._state_labels(subject, state), action)

    def _state_labels(self, subject: Subject, state: str) -> tuple[str, str] | None:
        """The state's label in Chinese and English, from the model field's choices."""
        meta = getattr(subject, "_meta", None)
        if meta is None:
            return None
        try:
            choices = dict(meta.get_field(self.field).flatchoices)
        except FieldDoesNotExist:
            return None
        label = choices.get(state)
        return None if label is None else in_chinese_and_english(lambda: str(label))

    # Questions about a person and an object ---------------------------------------------------

    def _guard(self, action: str) -> Guard | None:
        return next((row.guard for row in self.transitions if row.action == action), None)

    def authorise(self, actor: Actor, subject: Subject, action: str) -> list[Who]:
        """Raise ActorNotAllowed unless one of the action's "who" admits the actor (whatever the
        state); the Whos that admit them. Services ask this before they read their input."""
        whos = self.whos(action)
        if not whos:
            raise self.refusal(subject, self.state_of(subject), action)
        admitted = [who for who in whos if who.may(actor, subject)]
        if not admitted:
            raise whos[0].refusal()
        return admitted

    def check(self, actor: Actor, subject: Subject, action: str, state: str) -> Transition:
        """The row `actor` takes for `action` on `subject` in `state`; raises ActorNotAllowed,
        the guard's error, or the workflow's TransitionNotAllowed, in that order."""
        admitted = self.authorise(actor, subject, action)
        guard = self._guard(action)
        if guard is not None and not guard.holds(subject):
            raise guard.refusal(subject)
        for who in admitted:
            row = self.transition(state, action, who)
            if row is not None:
                return row
        raise self.refusal(subject, state, action)

    def allows(self, actor: Actor, subject: Subject, action: str) -> bool:
        try:
            self.check(actor, subject, action, self.state_of(subject))
        except RuleBroken:
            return False
        return True

    def actions_for(self, actor: Actor, subject: Subject) -> list[str]:
        """The steps `actor` may take on `subject` now: the buttons its page offers."""
        offered = self.actions_from(self.state_of(subject))
        return [action for action in offered if self.allows(actor, subject, action)]

    def state_of(self, subject: Subject) -> str:
        return str(getattr(subject, self.field))
