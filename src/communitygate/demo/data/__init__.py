"""The Shibei demo's data: files beside this module, and the few records read from them.

The files (UTF-8 CSV, one record a line, so they diff well):

* ``catalog-2014-survey.csv``, ``catalog-2014-reform.csv`` — the catalog's history, in the
  catalog's own import format (docs/catalog.md), loaded through the office's import;
* ``editions.json`` — which catalog file makes which edition, its title, note and date, and the
  reason given for retiring the items a reformed edition no longer lists;
* ``organisations.csv``, ``ledgers.csv``, ``plaques.csv``, ``negative-list.csv``,
  ``certificates.csv`` — what the catalog import does not carry.

Everything here is ILLUSTRATIVE DEMO DATA, built for demonstrations and tests:

* the district, its 22 subdistricts and their NBS codes are real (research notes DOMAIN.md §2.2);
* the communities are named after roads and places of the area, but their names, codes and
  parents are NOT verified (every community is marked illustrative); 商邱路社区 / 伊春路社区 are
  the two communities named in the 2014 report, placed under 洛阳路街道 / 敦化路街道;
* the 2014 survey reproduces the published totals (475 items = 151 statutory + 232 delegated +
  40 certificate + 52 evaluation; 97 plaques; 249 ledgers), but the individual items, ledgers
  and plaques are realistic examples, not the original list;
* the reform (55 statutory tasks, 6 funded delegated tasks, 5 certificates) likewise keeps the
  published counts; which items were kept, and the funding amounts, are illustrative;
* statutory work in force cites its law and article (the catalog requires it); the reform's
  citations name the article as numbered when the reform was made (e.g. the 1989 Organic Law of
  Urban Residents' Committees, whose article 3 lists the committees' tasks). Where the task's
  own law was not checked, the citation is that article 3. They are illustrative too: check
  them against the law before relying on one;
* department names are generic district-level names, not Shibei's exact organisation chart;
* the social organisations are fictional.

No real person's name appears anywhere. This module is plain Python (no Django).
"""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

# The catalog import's labels (catalog/labels.py) for the columns and the class read here.
_CODE, _NAME, _CLASS, _DEPARTMENT, _FUNDING = "编码", "事项名称", "类别", "责任部门", "经费"
_DELEGATED = "委托办理"


@dataclass(frozen=True)
class OrgSpec:
    """An organisation of the demo tree (district, subdistrict, community, department …)."""

    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    illustrative: bool


@dataclass(frozen=True)
class LedgerSpec:
    """A ledger (台账) a community had to keep; ``medium`` is paper, electronic or both."""

    code: str
    name: str
    medium: str
    department: str


@dataclass(frozen=True)
class PlaqueSpec:
    """An organisational body whose plaque (牌子) hung at the community."""

    code: str
    name: str
    department: str


@dataclass(frozen=True)
class NegativeSpec:
    """Work that may never be given to communities (负面清单)."""

    code: str
    name: str
    reason: str
    basis: str


@dataclass(frozen=True)
class CertificateSpec:
    """A certificate a residents' committee may (linked to its catalog item), or may no
    longer, issue."""

    code: str
    name: str
    verdict: str
    basis: str
    note: str
    issued_by: str  # for one a community may not issue: the office that issues it instead
    catalog_item: str


@dataclass(frozen=True)
class SurveyScopeSpec:
    """The survey's scope as the article states it (5 subdistricts, 50 communities, from
    September 2013)."""

    subdistricts: int
    communities: int
    surveyed_from: dt.date


@dataclass(frozen=True)
class EditionSpec:
    """A published edition: the catalog file imported for it, then published as it stands."""

    file: str
    title: str
    note: str
    published_at: dt.datetime
    retire_unlisted_reason: str  # when given, items the file does not list are retired
    survey: SurveyScopeSpec | None = None  # a survey edition: what it counted, as data


@dataclass(frozen=True)
class CatalogRow:
    """An item as a catalog file lists it (the two columns the demo's tests read)."""

    code: str
    name: str


@dataclass(frozen=True)
class ReformedDelegated:
    """A delegated task kept after the reform, now funded by the delegating department."""

    code: str
    funding: str
    department: str


def read_bytes(name: str) -> bytes:
    return files(__name__).joinpath(name).read_bytes()


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read_bytes(name).decode("utf-8"))))


def _editions() -> tuple[EditionSpec, ...]:
    specs: list[dict[str, Any]] = json.loads(read_bytes("editions.json"))
    return tuple(
        EditionSpec(
            **{
                **spec,
                "published_at": dt.datetime.fromisoformat(spec["published_at"]),
                "survey": (
                    SurveyScopeSpec(
                        subdistricts=spec["survey"]["subdistricts"],
                        communities=spec["survey"]["communities"],
                        surveyed_from=dt.date.fromisoformat(spec["survey"]["surveyed_from"]),
                    )
                    if spec.get("survey")
                    else None
                ),
            }
        )
        for spec in specs
    )


ORGANISATIONS: tuple[OrgSpec, ...] = tuple(
    OrgSpec(
        code=row["code"],
        name=row["name"],
        name_en=row["name_en"],
        kind=row["kind"],
        parent=row["parent"] or None,
        illustrative=row["illustrative"] == "1",
    )
    for row in _rows("organisations.csv")
)
COMMUNITIES: tuple[OrgSpec, ...] = tuple(org for org in ORGANISATIONS if org.kind == "community")
LEDGERS: tuple[LedgerSpec, ...] = tuple(LedgerSpec(**row) for row in _rows("ledgers.csv"))
PLAQUES: tuple[PlaqueSpec, ...] = tuple(PlaqueSpec(**row) for row in _rows("plaques.csv"))
NEGATIVE_LIST: tuple[NegativeSpec, ...] = tuple(
    NegativeSpec(**row) for row in _rows("negative-list.csv")
)
CERTIFICATES: tuple[CertificateSpec, ...] = tuple(
    CertificateSpec(**row) for row in _rows("certificates.csv")
)
CERTIFICATES_ALLOWED = tuple(spec for spec in CERTIFICATES if spec.verdict == "may_issue")
CERTIFICATES_FORBIDDEN = tuple(spec for spec in CERTIFICATES if spec.verdict == "may_not_issue")
EDITIONS: tuple[EditionSpec, ...] = _editions()

SURVEY_ITEMS: tuple[CatalogRow, ...] = tuple(
    CatalogRow(row[_CODE], row[_NAME]) for row in _rows(EDITIONS[0].file)
)
_DEPARTMENT_CODES = {org.name: org.code for org in ORGANISATIONS if org.kind == "department"}
REFORMED_DELEGATED: tuple[ReformedDelegated, ...] = tuple(
    ReformedDelegated(row[_CODE], row[_FUNDING], _DEPARTMENT_CODES[row[_DEPARTMENT]])
    for row in _rows(EDITIONS[-1].file)
    if row[_CLASS] == _DELEGATED
)
