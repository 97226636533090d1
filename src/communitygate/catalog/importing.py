"""Importing a catalog file: check every row, show a preview, apply only on confirmation.

`catalog_import_check` reads the file and records a `CatalogImport` with the planned changes
(create, revise, unchanged) or with every problem by row and column; it changes no item.
`catalog_import_confirm` re-checks the stored rows against the catalog as it is now and applies
them all in one transaction, or none. Codes not in the file are left as they are.
"""

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from communitygate.audit.recorder import record_event
from communitygate.catalog.labels import CLASS_ZH, DOMAIN_ZH, FREQUENCY_ZH
from communitygate.catalog.models import (
    CatalogImport,
    CatalogItem,
    Frequencies,
    ImportStatuses,
    ItemStatuses,
    Ledger,
    LedgerMedia,
    Plaque,
)
from communitygate.catalog.services import (
    ItemFields,
    catalog_item_create,
    catalog_item_revise,
    item_field_problems,
    item_fields_of,
    ledger_create,
    require_catalog_manager,
)
from communitygate.catalog.transfer import (
    ParsedRow,
    coded,
    parse_decimal,
    read_catalog_file,
    split_list,
)
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem, RuleBroken
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.tabular import file_problem
from communitygate.orgs.models import Organisation

NEW_LEDGER_PREFIX = "TZ-IMP-"
APPLICATION_REF_MAX_LENGTH = CatalogItem._meta.get_field("application_ref").max_length or 40
# The item's fields an import sets only when the file has their column.
OPTIONAL_FIELDS = ("plaque_codes", "valid_from", "valid_to", "application_ref")


class ImportNotReady(RuleBroken):
    code = "import_not_ready"

    def __init__(self) -> None:
        super().__init__(
            "该导入已处理过或存在错误，不能确认。请重新上传文件。",
            "This import was already handled or has problems; upload the file again.",
        )


def _department_lookup() -> dict[str, str]:
    """Department name or code → code, for departments and the committee office."""
    lookup: dict[str, str] = {}
    owners = Organisation.objects.filter(kind__in=["department", "committee_office"])
    for code, name in owners.values_list("code", "name"):
        lookup[code] = code
        lookup[name] = code
    return lookup


def _ledger_lookup() -> dict[str, list[str]]:
    lookup: dict[str, list[str]] = {}
    for code, name in Ledger.objects.values_list("code", "name"):
        lookup.setdefault(code, []).append(code)
        lookup.setdefault(name, []).append(code)
    return lookup


def _plaque_lookup() -> dict[str, list[str]]:
    lookup: dict[str, list[str]] = {}
    for code, name in Plaque.objects.values_list("code", "name"):
        lookup.setdefault(code, []).append(code)
        lookup.setdefault(name, []).append(code)
    return lookup


def _row_problem(row: int, column: str, zh: str, en: str) -> Problem:
    return file_problem(zh, en, row=row, column=column)


def _row_fields(
    parsed: ParsedRow,
    departments: dict[str, str],
    ledgers: dict[str, list[str]],
    plaques: dict[str, list[str]],
) -> tuple[dict[str, Any], list[Problem]]:
    """One row as plain values for ItemFields (ledgers by code or new name), and its problems.

    The optional columns (牌子, 有效期起, 有效期止, 准入文号) give values only when the file has
    them; an item the file revises keeps what the file does not carry."""
    values, row = parsed.values, parsed.row
    problems: list[Problem] = []

    def choice(column: str, labels: dict[str, str], default: str | None = None) -> str:
        text = values.get(column, "")
        if not text and default is not None:
            return default
        code = coded(text, labels)
        if code is None:
            allowed = "、".join(labels.values())
            problems.append(
                _row_problem(
                    row,
                    column,
                    f"“{text}”无法识别，可填：{allowed}。",
                    f"'{text}' is not recognised; use one of: {', '.join(labels)}.",
                )
            )
            return text
        return code

    def number(column: str) -> Decimal | None:
        try:
            return parse_decimal(values.get(column, ""))
        except ValueError:
            problems.append(
                _row_problem(
                    row,
                    column,
                    f"“{values.get(column)}”不是数字。",
                    f"'{values.get(column)}' is not a number.",
                )
            )
            return None

    department_text = values.get("责任部门", "")
    department_code = departments.get(department_text, "")
    if not department_code:
        problems.append(
            _row_problem(
                row,
                "责任部门",
                f"责任部门“{department_text}”不是已登记的职能部门。",
                f"'{department_text}' is not a registered department.",
            )
        )
    ledger_codes: list[str] = []
    new_ledgers: list[str] = []
    for name in split_list(values.get("台账", "")):
        matches = ledgers.get(name, [])
        if len(matches) > 1:
            problems.append(
                _row_problem(
                    row,
                    "台账",
                    f"台账名称“{name}”对应多个台账，请改填台账编码。",
                    f"Several ledgers are named '{name}'; use the ledger code.",
                )
            )
        elif matches:
            ledger_codes.append(matches[0])
        else:
            new_ledgers.append(name)
    fields = {
        **_optional_fields(parsed, plaques, problems),
        "code": values.get("编码", ""),
        "name": values.get("事项名称", ""),
        "item_class": choice("类别", CLASS_ZH),
        "domain": choice("领域", DOMAIN_ZH),
        "department_code": department_code,
        "legal_basis": values.get("依据", ""),
        "community_duty": values.get("社区职责", ""),
        "frequency": choice("频次", FREQUENCY_ZH, default=Frequencies.ONGOING),
        "ledger_codes": ledger_codes,
        "new_ledgers": new_ledgers,
        "estimated_hours": number("预计工时") or Decimal("0"),
        "funding_per_community": number("经费"),
    }
    return fields, problems


def _optional_fields(
    parsed: ParsedRow, plaques: dict[str, list[str]], problems: list[Problem]
) -> dict[str, Any]:
    values, row = parsed.values, parsed.row
    fields: dict[str, Any] = {}
    if "牌子" in values:
        fields["plaque_codes"] = []
        for name in split_list(values["牌子"]):
            matches = plaques.get(name, [])
            if len(matches) == 1:
                fields["plaque_codes"].append(matches[0])
                continue
            problems.append(
                _row_problem(
                    row,
                    "牌子",
                    f"牌子名称“{name}”对应多块牌子，请改填牌子编码。"
                    if matches
                    else f"牌子“{name}”不是已登记的牌子。",
                    f"Several plaques are named '{name}'; use the plaque code."
                    if matches
                    else f"'{name}' is not a registered plaque.",
                )
            )
    for column, key in (("有效期起", "valid_from"), ("有效期止", "valid_to")):
        if column not in values:
            continue
        try:
            fields[key] = dt.date.fromisoformat(values[column]) if values[column] else None
        except ValueError:
            fields[key] = None
            problems.append(
                _row_problem(
                    row,
                    column,
                    f"“{values[column]}”不是日期，请写成 2015-01-01 的样式。",
                    f"'{values[column]}' is not a date; write it as 2015-01-01.",
                )
            )
    if "准入文号" in values:
        fields["application_ref"] = values["准入文号"]
        if len(values["准入文号"]) > APPLICATION_REF_MAX_LENGTH:
            problems.append(
                _row_problem(
                    row,
                    "准入文号",
                    f"准入文号不超过{APPLICATION_REF_MAX_LENGTH}字。",
                    f"The admitting decision is at most {APPLICATION_REF_MAX_LENGTH} characters.",
                )
            )
    return fields


def _date(value: dt.date | str | None) -> dt.date | None:
    """A date as planned (a date) or as stored in the import's JSON (ISO text)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value) if value else None
    return value


def _as_item_fields(values: dict[str, Any], existing: CatalogItem | None) -> ItemFields:
    fields = ItemFields(
        code=values["code"],
        name=values["name"],
        item_class=values["item_class"],
        domain=values["domain"],
        department_code=values["department_code"],
        legal_basis=values["legal_basis"],
        community_duty=values["community_duty"],
        frequency=values["frequency"],
        ledger_codes=tuple(values["ledger_codes"]),
        estimated_hours=Decimal(str(values["estimated_hours"])),
        funding_per_community=(
            None
            if values["funding_per_community"] in (None, "")
            else Decimal(str(values["funding_per_community"]))
        ),
        plaque_codes=tuple(values.get("plaque_codes", ())),
        valid_from=_date(values.get("valid_from")),
        valid_to=_date(values.get("valid_to")),
        application_ref=values.get("application_ref", ""),
    )
    if existing is None:
        return fields
    # Fields the file does not carry keep their current values.
    base = item_fields_of(existing)
    kept = {name: getattr(base, name) for name in OPTIONAL_FIELDS if name not in values}
    return replace(fields, name_en=base.name_en, **kept)


def plan_rows(parsed_rows: list[ParsedRow]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Check every row against the catalog as it is now; the planned action per row."""
    departments, ledgers, plaques = _department_lookup(), _ledger_lookup(), _plaque_lookup()
    codes = [row.values.get("编码", "") for row in parsed_rows]
    code_counts = Counter(codes)
    existing = {
        item.code: item
        for item in CatalogItem.objects.filter(code__in=codes)
        .select_related("department")
        .prefetch_related("ledgers", "plaques")
    }
    today = clock.today()
    planned: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for parsed in parsed_rows:
        values, row_problems = _row_fields(parsed, departments, ledgers, plaques)
        unreadable = {problem.field for problem in row_problems}
        code = values["code"]
        if code_counts[code] > 1:
            row_problems.append(
                _row_problem(
                    parsed.row,
                    "编码",
                    f"编码 {code} 在文件中出现多次。",
                    f"The code {code} appears more than once in the file.",
                )
            )
        item = existing.get(code)
        if item is not None and item.status == ItemStatuses.RETIRED:
            row_problems.append(
                _row_problem(
                    parsed.row,
                    "编码",
                    f"事项 {code} 已退出目录，不能通过导入修改。",
                    f"Item {code} is retired and cannot be changed by an import.",
                )
            )
        check_fields = _as_item_fields(
            {**values, "ledger_codes": [c for c in values["ledger_codes"] if c]}, item
        )
        for problem in item_field_problems(check_fields, today=today):
            if problem.field not in unreadable:  # one problem per cell, not two
                row_problems.append(replace(problem, row=parsed.row))
        problems += row_problems
        planned.append(
            {
                "row": parsed.row,
                "action": _action(item, check_fields, values),
                **_json_ready(values),
            }
        )
    return planned, problems


def _action(item: CatalogItem | None, fields: ItemFields, values: dict[str, Any]) -> str:
    if item is None:
        return "create"
    if values["new_ledgers"]:
        return "revise"
    return "unchanged" if _unchanged(item, fields) else "revise"


def _unchanged(item: CatalogItem, fields: ItemFields) -> bool:
    """The file lists ledgers and plaques in any order; a different order is not a change."""
    current = item_fields_of(item)
    same_ledgers = set(current.ledger_codes) == set(fields.ledger_codes)
    same_plaques = set(current.plaque_codes) == set(fields.plaque_codes)
    return (
        same_ledgers
        and same_plaques
        and replace(current, ledger_codes=(), plaque_codes=())
        == replace(fields, ledger_codes=(), plaque_codes=())
    )


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    ready = dict(values)
    ready["estimated_hours"] = str(values["estimated_hours"])
    funding = values["funding_per_community"]
    ready["funding_per_community"] = None if funding is None else str(funding)
    for key in ("valid_from", "valid_to"):
        if isinstance(values.get(key), dt.date):
            ready[key] = values[key].isoformat()
    return ready


def _summary(planned: list[dict[str, Any]]) -> dict[str, Any]:
    new_ledgers = sorted({name for row in planned for name in row["new_ledgers"]})
    return {
        "create": sum(1 for row in planned if row["action"] == "create"),
        "revise": sum(1 for row in planned if row["action"] == "revise"),
        "unchanged": sum(1 for row in planned if row["action"] == "unchanged"),
        "new_ledgers": new_ledgers,
    }


def catalog_import_check(*, actor: AnyUser, filename: str, content: bytes) -> CatalogImport:
    """Read and check the whole file; record what it would do. Changes no catalog item."""
    require_catalog_manager(actor)
    uploader = acting_user(actor)
    if uploader is None:
        raise PermissionDenied()
    limits = settings.COMMUNITYGATE
    if len(content) > limits["IMPORT_MAX_BYTES"]:
        raise InvalidInput([file_problem("文件太大。", "The file is too large.")])
    parsed = read_catalog_file(filename, content, max_rows=limits["IMPORT_MAX_ROWS"])
    planned, problems = ([], parsed.problems) if parsed.problems else plan_rows(parsed.rows)
    with transaction.atomic():
        batch = CatalogImport.objects.create(
            uploaded_by=uploader,
            uploaded_at=clock.now(),
            filename=filename[:200],
            sha256=hashlib.sha256(content).hexdigest(),
            status=ImportStatuses.INVALID if problems else ImportStatuses.READY,
            rows=planned,
            problems=[problem.as_dict() for problem in problems],
            summary=_summary(planned),
        )
        record_event(
            actor=acting_user(actor),
            action="catalog_import.check",
            obj=batch,
            changes={"status": [None, batch.status], "summary": [None, batch.summary]},
        )
    return batch


def _new_ledger_code(taken: set[str]) -> str:
    number = 1
    while f"{NEW_LEDGER_PREFIX}{number:04d}" in taken:
        number += 1
    code = f"{NEW_LEDGER_PREFIX}{number:04d}"
    taken.add(code)
    return code


def catalog_import_confirm(*, actor: AnyUser, batch: CatalogImport) -> CatalogImport:
    """Apply a checked import: every row or none. A second confirmation is refused."""
    require_catalog_manager(actor)
    with transaction.atomic():
        claimed = CatalogImport.objects.filter(pk=batch.pk, status=ImportStatuses.READY).update(
            status=ImportStatuses.APPLIED, applied_at=clock.now()
        )
        if claimed != 1:
            raise ImportNotReady()
        batch.refresh_from_db()
        _apply_rows(actor, batch.rows)
        record_event(
            actor=acting_user(actor),
            action="catalog_import.confirm",
            obj=batch,
            changes={"status": [ImportStatuses.READY, ImportStatuses.APPLIED]},
        )
    return batch


def _apply_rows(actor: AnyUser, rows: list[dict[str, Any]]) -> None:
    taken = set(
        Ledger.objects.filter(code__startswith=NEW_LEDGER_PREFIX).values_list("code", flat=True)
    )
    created_ledgers: dict[str, str] = {}
    existing = {
        item.code: item
        for item in CatalogItem.objects.filter(code__in=[row["code"] for row in rows])
        .select_related("department")
        .prefetch_related("ledgers", "plaques")
    }
    department_of = {
        organisation.code: organisation
        for organisation in Organisation.objects.filter(
            code__in=[row["department_code"] for row in rows]
        )
    }
    problems: list[Problem] = []
    for row in rows:
        for name in row["new_ledgers"]:
            if name not in created_ledgers:
                ledger = ledger_create(
                    actor=actor,
                    code=_new_ledger_code(taken),
                    name=name,
                    medium=LedgerMedia.PAPER,
                    department=department_of.get(row["department_code"]),
                )
                created_ledgers[name] = ledger.code
        values = {
            **row,
            "ledger_codes": row["ledger_codes"]
            + [created_ledgers[name] for name in row["new_ledgers"]],
        }
        item = existing.get(row["code"])
        fields = _as_item_fields(values, item)
        try:
            if item is None:
                catalog_item_create(actor=actor, fields=fields)
            elif item.status == ItemStatuses.RETIRED:
                problems.append(
                    _row_problem(
                        row["row"],
                        "编码",
                        f"事项 {item.code} 已退出目录。",
                        f"Item {item.code} is retired.",
                    )
                )
            elif not _unchanged(item, fields):
                catalog_item_revise(
                    actor=actor, item=item, fields=fields, reason="目录导入 / catalog import"
                )
        except InvalidInput as invalid:
            problems += [replace(problem, row=row["row"]) for problem in invalid.problems]
        except RuleBroken as broken:
            problems.append(_row_problem(row["row"], "编码", broken.message_zh, broken.message_en))
    if problems:
        # The catalog changed since the check: roll everything back, report every problem.
        raise InvalidInput(problems)


def catalog_import_cancel(*, actor: AnyUser, batch: CatalogImport) -> CatalogImport:
    require_catalog_manager(actor)
    with transaction.atomic():
        cancelled = CatalogImport.objects.filter(
            Q(status=ImportStatuses.READY) | Q(status=ImportStatuses.INVALID), pk=batch.pk
        ).update(status=ImportStatuses.CANCELLED)
        if cancelled != 1:
            raise ImportNotReady()
        batch.refresh_from_db()
        record_event(
            actor=acting_user(actor),
            action="catalog_import.cancel",
            obj=batch,
            changes={"status": [None, ImportStatuses.CANCELLED]},
        )
    return batch
