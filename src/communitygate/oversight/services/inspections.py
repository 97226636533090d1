"""Inspections (检查): planned by a supervision office with a checklist built from the published
catalog; their findings (with photos and files), each a violation from the moment it is
recorded; and each community's wall: the plaques actually hung and ledgers actually kept, linked
to the admitting item or flagged unadmitted, kept by the community and the inspectors."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from communitygate.audit.recorder import created_fields, record_event
from communitygate.audit.transitions import transition_apply
from communitygate.catalog.models import Ledger, Plaque
from communitygate.catalog.selectors import (
    WallRequirement,
    WallRequirements,
    admitted_wall_requirements,
    ledgers_by_code,
    plaques_by_code,
)
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem, RuleBroken
from communitygate.core.idempotency import (
    idempotency_key_checked,
    idempotent_create,
    request_hash,
)
from communitygate.core.logmask import mask_personal_data
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.uploads import CheckedUpload, FileUpload, attach_files, checked_uploads
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.oversight.models import (
    Finding,
    FindingFile,
    FindingKinds,
    Inspection,
    InspectionStates,
    ViolationSources,
    WallKinds,
    WallRecord,
    WallSources,
)
from communitygate.oversight.permissions import can_inspect, can_keep_wall
from communitygate.oversight.services.violations import (
    department_named,
    office_of,
    organisations_named,
    violation_record,
)
from communitygate.oversight.workflow import (
    INSPECTION,
)

# Inspections, findings and the wall -----------------------------------------------------------------


@dataclass(frozen=True)
class InspectionRequest:
    title: str
    starts_on: dt.date
    ends_on: dt.date
    department_codes: tuple[str, ...] = ()
    community_codes: tuple[str, ...] = ()
    office_code: str = ""

    def fingerprint(self) -> str:
        return request_hash(
            {
                "title": self.title,
                "starts_on": self.starts_on.isoformat(),
                "ends_on": self.ends_on.isoformat(),
                "departments": sorted(self.department_codes),
                "communities": sorted(self.community_codes),
                "office": self.office_code,
            }
        )


CHECKS = (
    (
        "plaques",
        "社区挂牌是否均为准入事项要求的牌子？",
        "Are the plaques on the wall all required by admitted items?",
    ),
    (
        "ledgers",
        "社区台账是否均为准入目录要求建立的台账？",
        "Are the ledgers kept all ones the catalog requires?",
    ),
    (
        "off_platform",
        "是否有部门绕开平台向社区派活（电话、工作群、纸质通知、会议）？",
        "Was work pushed at the community outside the platform (phone, chat, paper, meetings)?",
    ),
    (
        "department_ranking",
        "是否有部门就准入事项自行组织对社区的检查、考核或排名？",
        "Did a department run its own check, assessment or ranking of communities on admitted work?",
    ),
)


def inspection_checklist(requirements: WallRequirements | None = None) -> list[dict[str, object]]:
    """The checklist of an inspection, built from the catalog as published now: the four
    questions of the access system, the first two with the plaques and ledgers the catalog
    admits, to compare with what hangs on the wall."""
    wall = requirements or admitted_wall_requirements()
    reference = {
        "plaques": sorted(r.name for r in wall.plaques.values()),
        "ledgers": sorted(r.name for r in wall.ledgers.values()),
    }
    return [
        {"code": code, "question_zh": zh, "question_en": en, "admitted": reference.get(code, [])}
        for code, zh, en in CHECKS
    ]


def _inspection_problems(request: InspectionRequest) -> list[Problem]:
    problems = []
    if not request.title.strip():
        problems.append(Problem("请填写检查名称。", "Give the inspection a title.", field="title"))
    if request.ends_on < request.starts_on:
        problems.append(
            Problem("结束日期早于开始日期。", "The end is before the start.", field="ends_on")
        )
    if not request.department_codes and not request.community_codes:
        problems.append(
            Problem(
                "请至少选择一个被检查的部门或社区。",
                "Choose at least one department or community to inspect.",
                field="departments",
            )
        )
    return problems


def inspection_plan(
    *, actor: AnyUser, request: InspectionRequest, idempotency_key: str = ""
) -> Inspection:
    """A supervision office plans an inspection of departments and/or communities, with the
    checklist built from the published catalog."""
    user = acting_user(actor)
    if user is None or not can_inspect(actor):
        raise PermissionDenied(
            "只有督查室可以安排检查。", "Only a supervision office plans inspections."
        )
    office = office_of(actor, request.office_code)
    problems = _inspection_problems(request)
    if problems:
        raise InvalidInput(problems)
    departments = organisations_named(
        request.department_codes, OrganisationKinds.DEPARTMENT, "departments"
    )
    communities = organisations_named(
        request.community_codes, OrganisationKinds.COMMUNITY, "communities"
    )
    key = idempotency_key_checked(idempotency_key)
    fingerprint = request.fingerprint()
    same_key = Inspection.objects.filter(planned_by=user, idempotency_key=key)

    def create() -> Inspection:
        now = clock.now()
        with transaction.atomic():
            inspection = Inspection.objects.create(
                office=office,
                title=mask_personal_data(request.title.strip())[:200],
                starts_on=request.starts_on,
                ends_on=request.ends_on,
                checklist=inspection_checklist(),
                planned_by=user,
                created_at=now,
                updated_at=now,
                idempotency_key=key,
                request_hash=fingerprint,
            )
            inspection.departments.set(departments)
            inspection.communities.set(communities)
            record_event(
                actor=user,
                action="inspection.plan",
                obj=inspection,
                changes=created_fields(
                    {
                        "title": inspection.title,
                        "office": office.code,
                        "departments": [d.code for d in departments],
                        "communities": [c.code for c in communities],
                    }
                ),
            )
        return inspection

    return idempotent_create(key=key, fingerprint=fingerprint, same_key=same_key, create=create)


def inspection_complete(*, actor: AnyUser, inspection: Inspection, conclusion: str) -> Inspection:
    INSPECTION.authorise(actor, inspection, "complete")
    transition_apply(
        INSPECTION,
        actor=actor,
        subject=inspection,
        action="complete",
        values={"conclusion": mask_personal_data(conclusion.strip())},
        changes={"conclusion": ["", conclusion.strip()]},
    )
    return Inspection.objects.get(pk=inspection.pk)


def inspection_cancel(*, actor: AnyUser, inspection: Inspection, reason: str) -> Inspection:
    INSPECTION.authorise(actor, inspection, "cancel")
    if not reason.strip():
        raise InvalidInput([Problem("请写明取消的理由。", "Give the reason.", field="reason")])
    transition_apply(
        INSPECTION, actor=actor, subject=inspection, action="cancel", reason=reason.strip()
    )
    return Inspection.objects.get(pk=inspection.pk)


class InspectionClosed(RuleBroken):
    code = "inspection_closed"

    def __init__(self) -> None:
        super().__init__(
            "检查已结束或已取消，不能再记录发现的问题。",
            "The inspection is completed or cancelled; no more findings can be recorded.",
        )


@dataclass(frozen=True)
class FindingRequest:
    kind: str
    description: str
    community_code: str = ""
    department_code: str = ""
    wall_kind: str = ""
    wall_name: str = ""
    files: tuple[FileUpload, ...] = ()

    def fingerprint(self) -> str:
        return request_hash(
            {
                "kind": self.kind,
                "description": self.description,
                "community": self.community_code,
                "department": self.department_code,
                "wall": [self.wall_kind, self.wall_name],
                "files": [[f.filename, hashlib.sha256(f.content).hexdigest()] for f in self.files],
            }
        )


def _finding_problems(request: FindingRequest) -> list[Problem]:
    problems = []
    if request.kind not in FindingKinds.values:
        problems.append(Problem("请选择问题类型。", "Choose the kind of finding.", field="kind"))
    if not request.description.strip():
        problems.append(
            Problem("请写明发现的问题。", "Describe what was found.", field="description")
        )
    if request.wall_name and request.wall_kind not in WallKinds.values:
        problems.append(
            Problem(
                "请说明是牌子还是台账。",
                "Say whether it is a plaque or a ledger.",
                field="wall_kind",
            )
        )
    if request.wall_name and not request.community_code:
        problems.append(
            Problem(
                "记录牌子或台账须指明社区。",
                "A plaque or ledger is recorded for a community.",
                field="community",
            )
        )
    return problems


def finding_record(
    *, actor: AnyUser, inspection: Inspection, request: FindingRequest, idempotency_key: str = ""
) -> Finding:
    """An inspector records a finding (with photos and files). It is a violation from that
    moment, against the department named (or one named when it is confirmed); a plaque or ledger
    found on the wall is entered in the community's register."""
    user = acting_user(actor)
    if user is None or not can_inspect(actor):
        raise PermissionDenied(
            "只有督查室可以记录检查发现。", "Only a supervision office records findings."
        )
    problems = _finding_problems(request)
    if problems:
        raise InvalidInput(problems)
    community = (
        organisations_named([request.community_code], OrganisationKinds.COMMUNITY, "community")[0]
        if request.community_code
        else None
    )
    department = department_named(request.department_code) if request.department_code else None
    checked = checked_uploads(list(request.files))
    key = idempotency_key_checked(idempotency_key)
    fingerprint = request.fingerprint()
    same_key = Finding.objects.filter(recorded_by=user, idempotency_key=key)

    def create() -> Finding:
        return _finding_create(
            user, inspection, request, community, department, checked, key, fingerprint
        )

    return idempotent_create(key=key, fingerprint=fingerprint, same_key=same_key, create=create)


def _finding_create(
    user: Any,
    inspection: Inspection,
    request: FindingRequest,
    community: Organisation | None,
    department: Organisation | None,
    checked: list[tuple[CheckedUpload, bytes]],
    key: str,
    fingerprint: str,
) -> Finding:
    with transaction.atomic():
        # The state as it is now, locked: the inspection may have been completed or cancelled
        # since `inspection` was read (SQLite serialises the writers instead).
        state = (
            Inspection.objects.select_for_update()
            .filter(pk=inspection.pk)
            .values_list("state", flat=True)
            .get()
        )
        if state != InspectionStates.PLANNED:
            raise InspectionClosed()
        wall_record = None
        if request.wall_name and community is not None:
            wall_record = _wall_put(
                actor=user,
                community=community,
                kind=request.wall_kind,
                name=request.wall_name,
                source=WallSources.INSPECTION,
            )
        finding = Finding.objects.create(
            inspection=inspection,
            kind=request.kind,
            community=community,
            department=department,
            wall_record=wall_record,
            description=mask_personal_data(request.description.strip()),
            recorded_by=user,
            recorded_at=clock.now(),
            idempotency_key=key,
            request_hash=fingerprint,
        )
        attach_files(FindingFile, "finding", finding, checked)
        record_event(
            actor=user,
            action="finding.record",
            obj=finding,
            changes=created_fields(
                {
                    "inspection": inspection.pk,
                    "kind": finding.kind,
                    "community": community.code if community else None,
                    "department": department.code if department else None,
                    "files": len(checked),
                }
            ),
        )
        violation_record(
            source=ViolationSources.INSPECTION_FINDING,
            department=department,
            finding=finding,
            community=community,
            summary=finding.description[:300],
            occurred_on=clock.today(),
        )
    return finding


def _admitting(kind: str, name: str, requirements: WallRequirements) -> WallRequirement | None:
    """The catalog's requirement matching a plaque or ledger by its name (or code)."""
    wanted = requirements.plaques if kind == WallKinds.PLAQUE else requirements.ledgers
    return next((r for r in wanted.values() if name in (r.name, r.code)), None)


def _catalog_plaque(name: str, match: WallRequirement | None) -> Plaque | None:
    if match is not None:
        return Plaque.objects.filter(code=match.code).first()
    return Plaque.objects.filter(name=name).first()


def _catalog_ledger(name: str, match: WallRequirement | None) -> Ledger | None:
    if match is not None:
        return Ledger.objects.filter(code=match.code).first()
    return Ledger.objects.filter(name=name).first()


def _wall_put(
    *,
    actor: AnyUser,
    community: Organisation,
    kind: str,
    name: str,
    source: str,
    note: str = "",
    requirements: WallRequirements | None = None,
) -> WallRecord:
    """The current record of `name` on the community's wall, created when missing; linked to
    the admitting item, or flagged unadmitted."""
    name = name.strip()[:200]
    current = WallRecord.objects.filter(
        community=community, kind=kind, name=name, removed_on__isnull=True
    ).first()
    if current is not None:
        return current
    match = _admitting(kind, name, requirements or admitted_wall_requirements())
    try:
        with transaction.atomic():
            record = _wall_insert(actor, community, kind, name, source, note, match)
    except IntegrityError:
        # Someone recorded the same name at the same moment: theirs is the current record.
        return WallRecord.objects.get(
            community=community, kind=kind, name=name, removed_on__isnull=True
        )
    record_event(
        actor=acting_user(actor),
        action="wall_record.add",
        obj=record,
        changes=created_fields(
            {
                "community": community.code,
                "kind": kind,
                "name": name,
                "admitted": record.admitted,
                "item": match.item_code if match else None,
            }
        ),
    )
    return record


def _wall_insert(
    actor: AnyUser,
    community: Organisation,
    kind: str,
    name: str,
    source: str,
    note: str,
    match: WallRequirement | None,
) -> WallRecord:
    return WallRecord.objects.create(
        community=community,
        kind=kind,
        name=name,
        plaque=_catalog_plaque(name, match) if kind == WallKinds.PLAQUE else None,
        ledger=_catalog_ledger(name, match) if kind == WallKinds.LEDGER else None,
        item_id=match.item_id if match else None,
        admitted=match is not None,
        source=source,
        note=note.strip()[:300],
        recorded_by=acting_user(actor),
        updated_at=clock.now(),
    )


def _wall_problems(kind: str, name: str) -> list[Problem]:
    problems = []
    if kind not in WallKinds.values:
        problems.append(
            Problem(
                "请说明是牌子还是台账。", "Say whether it is a plaque or a ledger.", field="kind"
            )
        )
    if not name.strip():
        problems.append(Problem("请填写名称。", "Give its name.", field="name"))
    return problems


def wall_record_add(
    *, actor: AnyUser, community: Organisation, kind: str, name: str, note: str = ""
) -> WallRecord:
    """The community (or an inspector) records a plaque hung or a ledger kept."""
    if not can_keep_wall(actor, community):
        raise PermissionDenied(
            "只有本社区或督查室可以登记。", "Only the community or an inspector records this."
        )
    problems = _wall_problems(kind, name)
    if problems:
        raise InvalidInput(problems)
    source = WallSources.INSPECTION if can_inspect(actor) else WallSources.COMMUNITY
    with transaction.atomic():
        return _wall_put(
            actor=actor, community=community, kind=kind, name=name, source=source, note=note
        )


class WallRecordRemoved(RuleBroken):
    code = "wall_record_removed"

    def __init__(self) -> None:
        super().__init__("该记录已撤下。", "It has already been taken down.")


def wall_record_remove(*, actor: AnyUser, record: WallRecord, reason: str) -> WallRecord:
    """A plaque taken down or a ledger given up: dated, never deleted."""
    if not can_keep_wall(actor, record.community):
        raise PermissionDenied(
            "只有本社区或督查室可以登记。", "Only the community or an inspector records this."
        )
    if not reason.strip():
        raise InvalidInput(
            [Problem("请写明撤下的原因。", "Say why it was taken down.", field="reason")]
        )
    today = clock.today()
    with transaction.atomic():
        moved = WallRecord.objects.filter(pk=record.pk, removed_on__isnull=True).update(
            removed_on=today, updated_at=clock.now()
        )
        if moved != 1:
            raise WallRecordRemoved()
        record_event(
            actor=acting_user(actor),
            action="wall_record.remove",
            obj=record,
            changes={"removed_on": [None, today.isoformat()]},
            reason=reason.strip(),
        )
    record.refresh_from_db()
    return record


def wall_fill_from_catalog(community: Organisation, *, actor: AnyUser = None) -> int:
    """Enter every plaque and ledger the published catalog requires on a community's wall (the
    register's starting point: the demo, or a community joining the platform); how many were new.

    Written in bulk with one audit event for the fill that names every record it added, as an
    import records its batch: a district's 150 communities × 80 records one event each would
    make filling the register the slowest thing the platform does."""
    requirements = admitted_wall_requirements()
    user = acting_user(actor)
    now = clock.now()
    plaques = plaques_by_code(list(requirements.plaques))
    ledgers = ledgers_by_code(list(requirements.ledgers))
    with transaction.atomic():
        current = set(
            WallRecord.objects.filter(community=community, removed_on__isnull=True).values_list(
                "kind", "name"
            )
        )
        new: list[WallRecord] = []
        for kind, wanted in (
            (WallKinds.PLAQUE, requirements.plaques),
            (WallKinds.LEDGER, requirements.ledgers),
        ):
            for requirement in wanted.values():
                name = requirement.name.strip()[:200]
                if (kind, name) in current:
                    continue
                current.add((kind, name))
                new.append(
                    WallRecord(
                        community=community,
                        kind=kind,
                        name=name,
                        plaque=plaques.get(requirement.code) if kind == WallKinds.PLAQUE else None,
                        ledger=ledgers.get(requirement.code) if kind == WallKinds.LEDGER else None,
                        item_id=requirement.item_id,
                        admitted=True,
                        source=WallSources.CATALOG,
                        recorded_by=user,
                        updated_at=now,
                    )
                )
        WallRecord.objects.bulk_create(new)
        if new:
            record_event(
                actor=user,
                action="wall_record.fill",
                obj=community,
                changes=created_fields(
                    {
                        "plaques": [r.name for r in new if r.kind == WallKinds.PLAQUE],
                        "ledgers": [r.name for r in new if r.kind == WallKinds.LEDGER],
                    }
                ),
            )
    return len(new)
