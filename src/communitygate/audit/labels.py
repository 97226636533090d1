"""What the audit log's actions and objects are called (审计日志的操作与对象名称).

Every action the tree records has a label here: the services' own events (`task.send`) and each
workflow's steps (`<workflow>.<action>`, audit.transitions), in English with their Chinese
translation in the catalog. An object type is named by its model's verbose name; an operation's
subject (not a row) by SUBJECT_LABELS. Anything unknown is shown as recorded, never hidden.
"""

import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "activity.attendance": _("Activity attendance recorded"),
    "activity.cancel": _("Activity cancelled"),
    "activity.create": _("Activity created"),
    "certificate.issue": _("Certificate issued"),
    "certificate.turn_away": _("Certificate request turned away"),
    "certificate.print": _("Certificate printed"),
    "activity.update": _("Activity updated"),
    "api_token.issue": _("API token issued"),
    "api_token.revoke": _("API token revoked"),
    "application.attach": _("Attachment added to an application"),
    "application.create": _("Application created"),
    "application.detach": _("Attachment withdrawn from an application"),
    "application.revise": _("Application revised"),
    "application.submit": _("Application submitted"),
    "application.withdraw": _("Application withdrawn"),
    "application.return": _("Application returned for revision"),
    "application.forward": _("Application forwarded to the committee"),
    "application.office_reject": _("Application rejected by the office"),
    "application.committee_reject": _("Application rejected by the committee"),
    "application.redirect": _("Application redirected to purchase of services"),
    "application.open_consultation": _("Application's consultation opened"),
    "application.close_consultation": _("Application's consultation closed"),
    "application.approve": _("Application approved"),
    "application.urgent_approve": _("Urgent application approved"),
    "review_round.open_consultation": _("Review round's consultation opened"),
    "review_round.close_consultation": _("Review round's consultation closed"),
    "review_round.decide": _("Review round decided"),
    "ballot.cast": _("Ballot cast"),
    "committee_meeting.record": _("Committee meeting recorded"),
    "calendar_year.enter": _("Holiday calendar entered"),
    "calendar_day.set": _("Holiday calendar day changed"),
    "reception.record": _("Walk-in visitor recorded"),
    "reception.export": _("Walk-in visitors exported"),
    "catalog.publish": _("Catalog edition published"),
    "catalog_import.cancel": _("Catalog import cancelled"),
    "catalog_import.check": _("Catalog import checked"),
    "catalog_import.confirm": _("Catalog import confirmed"),
    "catalog_item.admit": _("Item admitted to the catalog"),
    "catalog_item.create": _("Catalog item created"),
    "catalog_item.revise": _("Catalog item revised"),
    "catalog_item.suspend": _("Catalog item suspended"),
    "catalog_item.reinstate": _("Catalog item reinstated"),
    "catalog_item.retire": _("Catalog item retired"),
    "negative_list.block": _("Entry added to the negative list"),
    "negative_list.retire": _("Negative list entry retired"),
    "funding_commitment.record": _("Funding commitment recorded"),
    "funding_commitment.renew": _("Funding commitment renewed"),
    "funding_commitment.end": _("Funding commitment ended"),
    "funding_commitment.notify_lapsing": _("Funding commitment's lapse notice sent"),
    "task.send": _("Task sent"),
    "assignment.accept": _("Assignment accepted"),
    "assignment.refuse": _("Assignment refused"),
    "assignment.submit": _("Assignment's results submitted"),
    "assignment.confirm": _("Assignment's results confirmed"),
    "assignment.return": _("Assignment's results returned"),
    "assignment.request_extension": _("Extension requested"),
    "assignment.grant_extension": _("Extension granted"),
    "assignment.decline_extension": _("Extension declined"),
    "off_platform_report.create": _("Off-platform work reported"),
    "violation.record": _("Violation recorded"),
    "violation.confirm": _("Violation confirmed"),
    "violation.dismiss": _("Violation not confirmed"),
    "violation.correct": _("Violation corrected"),
    "inspection.plan": _("Inspection planned"),
    "inspection.complete": _("Inspection completed"),
    "inspection.cancel": _("Inspection cancelled"),
    "finding.record": _("Inspection finding recorded"),
    "notice.draft": _("Notice drafted"),
    "notice.approve": _("Notice approved"),
    "notice.return": _("Notice returned to its drafter"),
    "notice.publish": _("Notice published"),
    "notice.withdraw": _("Notice withdrawn"),
    "payment.record": _("Payment recorded"),
    "payment.confirm": _("Payment receipt confirmed"),
    "payment.dispute": _("Payment disputed"),
    "payment.answer": _("Dispute answered by the payer"),
    "overdue_share.find": _("Unpaid share found overdue"),
    "contract.draft": _("Service contract drafted"),
    "contract.sign": _("Service contract signed"),
    "contract.accept": _("Service contract accepted"),
    "contract.fail_acceptance": _("Service contract failed its acceptance"),
    "contract.terminate": _("Service contract terminated"),
    "contract.redirect_work": _("Refused work redirected to a service contract"),
    "contract_deliverable.submit": _("Contract deliverable handed in"),
    "contract_deliverable.reopen": _("Contract deliverable sent back after a failed acceptance"),
    "contract_instalment.record": _("Contract instalment recorded"),
    "contract_instalment.confirm": _("Contract instalment receipt confirmed"),
    "correction_order.issue": _("Correction order issued"),
    "correction_order.respond": _("Correction order answered"),
    "correction_order.accept": _("Correction accepted"),
    "correction_order.return": _("Correction returned"),
    "correction_order.lapse": _("Correction order overdue"),
    "wall_record.add": _("Plaque or ledger added to the wall"),
    "wall_record.fill": _("Wall filled from the catalog"),
    "wall_record.remove": _("Plaque or ledger removed from the wall"),
    "organisation.create": _("Organisation created"),
    "organisation.update": _("Organisation updated"),
    "membership.grant": _("Membership granted"),
    "membership.end": _("Membership ended"),
    "access.denied": _("Access refused"),
    "account.sign_in": _("Signed in"),
    "account.mfa_enrol": _("Second factor set up"),
    "account.mfa_pass": _("Second factor passed"),
    "account.mfa_failed": _("Second factor failed"),
    "account.mfa_recovery_code": _("Recovery code used"),
    "account.mfa_reset": _("Second factor reset"),
    "account.sign_out": _("Signed out"),
    "account.sign_in_failed": _("Sign-in failed"),
    "account.locked_out": _("Sign-in locked after wrong passwords"),
    "account.unlock": _("Sign-in lock lifted"),
    "user.create": _("Account created"),
    "user.set_password": _("Password set"),
    "personal_data.keys_rotated": _("Personal-data keys rotated"),
    "backup.created": _("Backup created"),
    "backup.restored": _("Backup restored"),
    "household.add": _("Household added"),
    "resident.add": _("Resident added"),
    "resident.update": _("Resident updated"),
    "resident.move_out": _("Resident moved out"),
    "resident.tags": _("Resident's care tags set"),
    "resident.search": _("Residents searched by ID number"),
    "resident.export": _("Residents exported"),
    "resident.reveal": _("Resident's personal data shown in full"),
    "resident.reveal_denied": _("Resident's personal data refused in full"),
    "resident_import.start": _("Resident import started"),
    "resident_import.complete": _("Resident import completed"),
    "resident_import.interrupted": _("Resident import interrupted (its worker stopped)"),
    "visit.plan": _("Home visit planned"),
    "visit.plan_tagged": _("Home visits planned for a care tag"),
    "visit.record": _("Home visit recorded"),
    "volunteer.register": _("Volunteer registered"),
    "volunteer.hours": _("Volunteer hours recorded"),
    "care_tag.create": _("Care tag created"),
    "care_tag.change": _("Care tag changed"),
    "matter_category.create": _("Matter category created"),
    "matter_category.change": _("Matter category changed"),
    "matter.receive": _("Matter received"),
    "matter.assign": _("Matter assigned"),
    "matter.answer": _("Matter answered"),
    "matter.close": _("Matter closed"),
    "matter.reopen": _("Matter reopened"),
    "matter.escalate": _("Matter escalated"),
    "matter.rate": _("Matter rated"),
    "matter.recount_answer_by": _("Matter's answer deadline recounted"),
    "matter.export": _("Matters exported"),
    "matter.reveal_phone": _("Reporter's phone shown in full"),
    "matter.reveal_phone_denied": _("Reporter's phone refused in full"),
    "dispute.open": _("Dispute registered"),
    "dispute.add_party": _("Party added to a dispute"),
    "dispute.session_add": _("Mediation session recorded"),
    "dispute.conclude": _("Dispute concluded"),
    "dispute.agreement_print": _("Mediation agreement printed"),
    "programme.create": _("Programme created"),
    "programme.session_add": _("Programme session added"),
    "programme.attendance": _("Programme attendance recorded"),
    "programme.close": _("Programme closed"),
    "enrolment.sign_up": _("Enrolment made"),
    "enrolment.withdraw": _("Enrolment withdrawn"),
    "audit.verify": _("Audit chain verified"),
    "audit.archive": _("Oldest audit events archived"),
    "background_task.interrupted": _("Background task interrupted (its worker stopped)"),
    "scale.seed_city": _("City-scale data built"),
}

# Operations on the installation rather than on one row (recorder.record_operation_event).
SUBJECT_LABELS: dict[str, Promise] = {
    "core.personal_data_keys": _("Personal-data keys"),
    "audit.chain": _("Audit chain"),
    "django_tasks_db.task": _("Background task"),
    "scale.city": _("City-scale data"),
    "accounts.sign_in": _("Sign-in"),
    "http.request": _("Request"),
}

# What a service records besides a model's own fields (a matter's phone is stored encrypted, a
# task's assignments are counted): the same name means the same thing whatever the object.
RECORDED_FIELD_LABELS: dict[str, Promise] = {
    "amount": _("Amount"),
    "from": _("From"),
    "to": _("To"),
    "item": _("Item"),
    "items": _("Items"),
    "deadline": _("Deadline"),
    "name": _("Name"),
    "department_name": _("Department"),
    "assignment": _("Assignment"),
    "assignments": _("Assignments"),
    "community": _("Community"),
    "task": _("Task"),
    "deliverables": _("Deliverables"),
    "files": _("Files"),
    "evidence": _("Evidence"),
    "contract_state": _("Contract state"),
    "held_on": _("Held on"),
    "mediators": _("Mediators"),
    "parties": _("Parties"),
    "session": _("Session"),
    "answer_length": _("Answer length"),
    "phone": _("Phone"),
    "photos": _("Photos"),
    "ledgers": _("Ledgers"),
    "plaques": _("Plaques"),
    "child": _("Child"),
    "guardian": _("Guardian"),
    "guardian_phone": _("Guardian's phone"),
    "online": _("Online"),
    "promoted": _("Promoted"),
    "starts_at": _("Starts at"),
    "topic": _("Topic"),
    "enrolled": _("Enrolled"),
    "present": _("Present"),
    "rows": _("Rows"),
    "buildings_created": _("Buildings created"),
    "units_created": _("Units created"),
    "rooms_created": _("Rooms created"),
    "result": _("Result"),
    "events": _("Events"),
    "broken_at": _("Broken at event"),
    "username": _("Username"),
    "address": _("Network address"),
    "ip_address": _("Network address"),
    "failures": _("Wrong passwords"),
    "method": _("Method"),
    "path": _("Address on the site"),
    "rule": _("Refusing rule"),
    "closed_early": _("Closed before the deadline"),
    "devices": _("Devices"),
}

# audit.selectors.ChainBreak.reason, as a person reads it.
BREAK_REASONS: dict[str, Promise] = {
    "previous-hash link does not match": _("its link to the event before it does not match"),
    "content does not match its hash": _("its content does not match its hash"),
    "an unkeyed event after the chain was keyed": _(
        "it was hashed without the audit key after the chain was keyed"
    ),
    "hashed under a key the keyring does not hold": _(
        "it was hashed under a key this installation does not hold"
    ),
    "the checkpoint's head event is missing": _(
        "the newest event at the last checkpoint is missing: events were deleted"
    ),
    "the checkpoint's head event has another hash": _(
        "the newest event at the last checkpoint has another hash: the chain was rewritten"
    ),
    "the checkpoint is unreadable or not signed by the audit key": _(
        "the last checkpoint is unreadable or not signed with the audit key"
    ),
}


def action_label(action: str) -> str:
    """The action in the active language, or as recorded when no label names it."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def object_type_label(object_type: str) -> str:
    """The model's verbose name ("dispatch.task" is 任务), an operation's subject, or the type
    as recorded."""
    subject = SUBJECT_LABELS.get(object_type)
    if subject is not None:
        return str(subject)
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(object_type: str, name: str) -> models.Field | None:
    model = _model(object_type)
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def field_label(object_type: str, name: str) -> str:
    """A recorded field of an object ("status" of a catalog item is 状态): the model field's
    verbose name, or the name as recorded."""
    field = _field(object_type, name)
    if field is not None:
        return str(field.verbose_name)
    recorded = RECORDED_FIELD_LABELS.get(name)
    return str(recorded) if recorded is not None else name


def named_by_code(object_type: str, name: str) -> type[models.Model] | None:
    """The model a recorded field points to when the record keeps its code (a matter's
    category "repair", a community "370203031001") and the model has a name to show instead."""
    field = _field(object_type, name)
    related = field.related_model if field is not None and field.is_relation else None
    if not isinstance(related, type):
        return None
    names = {f.name for f in related._meta.concrete_fields}
    return related if {"code", "name"} <= names else None


def value_label(object_type: str, name: str, value: object) -> str:
    """A recorded value as a person reads it: a choice's label ("retired" is 已退出), yes or
    no for a flag, anything else as recorded."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return "、".join(value_label(object_type, name, one) for one in value) or "—"
    if value is None or value == "":
        return "—"
    field = _field(object_type, name)
    if field is not None and field.choices:
        label = dict(field.flatchoices).get(value)
        if label is not None:
            return str(label)
    return str(value)


def state_label(model: type[models.Model], field: str, value: str) -> str:
    """The label of a state of `model` (a workflow's states, a history's before and after)."""
    return value_label(model._meta.label_lower, field, value)


def step_label(workflow_name: str, action: str) -> str:
    """A workflow's step (`matter` + `receive`) as its audit event is labelled."""
    return action_label(f"{workflow_name}.{action}")


# The system writes a few reasons in both languages ("居民不满意 / The resident is not satisfied").
_BILINGUAL = re.compile(r"^(?P<zh>[^/]*[\u4e00-\u9fff][^/]*?) / (?P<en>[A-Za-z][^\u4e00-\u9fff]*)$")


def in_language(text: str) -> str:
    """A text the system recorded as "中文 / English", in the active language; any other text as
    it is."""
    found = _BILINGUAL.match(text or "")
    if found is None:
        return text
    return found["en"] if (get_language() or "").startswith("en") else found["zh"]


def break_reason_label(reason: str) -> str:
    label = BREAK_REASONS.get(reason)
    return str(label) if label is not None else reason
