"""The city's frame, built through the offices' own services (each row audited as usual): the
organisation tree, the few people the bulk rows name, the demo's published catalog and the
funding of its delegated items. Hundreds or a few thousand rows: the services are fast enough.

The tree: one district (示例市, code 370200) with the Shibei demo's departments, committee,
committee office, supervision offices and audit bureau (demo/data/organisations.csv, under this
district), `subdistricts` subdistricts (codes 370200101…) and `communities` communities spread
unevenly over them (codes <subdistrict>001…), each with a staff count of 6–20. Every generated
name is marked illustrative.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User

from communitygate.accounts.models import Roles
from communitygate.accounts.services import membership_grant, user_create
from communitygate.admissions.models import FundingCommitment
from communitygate.catalog.models import CatalogItem, ItemClasses
from communitygate.catalog.selectors import IN_FORCE
from communitygate.demo import data as demo_data
from communitygate.demo.seeding import organisation_from, seed_catalog
from communitygate.funding.services import CommitmentRequest, CommitmentTerms, commitment_record
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.orgs.services import organisation_create
from communitygate.scale.progress import Advance

DISTRICT_CODE = "370200"
DISTRICT_NAME = "示例市"
DISTRICT_NAME_EN = "Example City (scale data)"
DEMO_DISTRICT_CODE = "370203"  # the parent the demo's departments name
# The demo's organisations that a city has once: its departments and offices.
SHARED_KINDS = frozenset(
    {
        OrganisationKinds.DEPARTMENT,
        OrganisationKinds.COMMITTEE,
        OrganisationKinds.COMMITTEE_OFFICE,
        OrganisationKinds.SUPERVISION_OFFICE,
        OrganisationKinds.AUDIT_BUREAU,
    }
)
SUBDISTRICT_STEMS = [
    "辽宁路",
    "延安路",
    "登州路",
    "宁夏路",
    "敦化路",
    "辽源路",
    "合肥路",
    "即墨路",
    "镇江路",
    "阜新路",
    "海伦路",
    "兴隆路",
    "洛阳路",
    "开平路",
    "双山",
    "台东",
    "大港",
    "四方",
    "河西",
    "湖岛",
    "水清沟",
    "浮山",
    "错埠岭",
    "嘉定路",
    "杭州路",
    "长春路",
    "沈阳路",
    "哈尔滨路",
    "抚顺路",
    "鞍山路",
    "吉林路",
    "南京路",
    "福州路",
    "济南路",
    "贵州路",
    "云南路",
    "四川路",
    "湛山",
    "八大关",
    "江苏路",
    "中山路",
    "观象山",
    "金门路",
    "香港路",
    "燕儿岛",
    "浮山后",
    "仙霞岭",
    "黑龙江路",
    "太原路",
    "重庆路",
]
COMMUNITY_STEMS = [
    "和平",
    "幸福",
    "春光",
    "阳光",
    "新华",
    "朝阳",
    "明德",
    "丰收",
    "安康",
    "福山",
    "翠湖",
    "松柏",
    "海晨",
    "北岭",
    "东风",
    "长乐",
    "兴华",
    "建设",
    "红旗",
    "光明",
    "晨曦",
    "康宁",
    "青年",
    "胜利",
    "绿园",
    "向阳",
    "文化",
    "龙山",
    "嘉园",
    "锦绣",
]
STAFF_RANGE = (6, 20)
SCALE_USER_NAME = "规模数据（示例）"


@dataclass
class City:
    """What the bulk stages need to know about the frame, by primary key."""

    district: Organisation
    office: User
    inspector: User
    subdistricts: list[Organisation] = field(default_factory=list)
    communities: list[Organisation] = field(default_factory=list)
    # community index lists per subdistrict index, in code order
    members: list[list[int]] = field(default_factory=list)
    departments: list[Organisation] = field(default_factory=list)
    clerks: dict[int, User] = field(default_factory=dict)  # department pk → its clerk
    secretaries: list[User] = field(default_factory=list)  # by community index


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` uneven positive sizes (weights 0.5–1.5) adding up exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    spare = total - parts
    sizes = [1 + int(spare * w / sum(weights)) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def subdistrict_name(index: int) -> str:
    if index < len(SUBDISTRICT_STEMS):
        return f"{SUBDISTRICT_STEMS[index]}街道"
    return f"第{index + 1}街道"


def community_name(index: int) -> str:
    stem = COMMUNITY_STEMS[index % len(COMMUNITY_STEMS)]
    round_ = index // len(COMMUNITY_STEMS)
    return f"{stem}{'' if round_ == 0 else round_ + 1}社区"


def build_organisations(
    *, communities: int, subdistricts: int, rng: random.Random, advance: Advance
) -> None:
    district = organisation_create(
        actor=None,
        code=DISTRICT_CODE,
        name=DISTRICT_NAME,
        name_en=DISTRICT_NAME_EN,
        kind=OrganisationKinds.DISTRICT,
        illustrative=True,
    )
    advance(1)
    created = {DEMO_DISTRICT_CODE: district}
    for spec in demo_data.ORGANISATIONS:
        if spec.kind not in SHARED_KINDS:
            continue
        parent = created[spec.parent or DEMO_DISTRICT_CODE]
        created[spec.code] = organisation_from(spec, parent)
        advance(1)
    for s, size in enumerate(_spread(communities, subdistricts, rng)):
        subdistrict = organisation_create(
            actor=None,
            code=f"{DISTRICT_CODE}{101 + s:03d}",
            name=subdistrict_name(s),
            name_en=f"Subdistrict {s + 1} (scale data)",
            kind=OrganisationKinds.SUBDISTRICT,
            parent=district,
            illustrative=True,
        )
        advance(1)
        for c in range(size):
            organisation_create(
                actor=None,
                code=f"{subdistrict.code}{c + 1:03d}",
                name=community_name(c),
                name_en=f"Community {c + 1} of subdistrict {s + 1} (scale data)",
                kind=OrganisationKinds.COMMUNITY,
                parent=subdistrict,
                illustrative=True,
                staff_count=rng.randint(*STAFF_RANGE),
            )
            advance(1)


def organisations_count(communities: int, subdistricts: int) -> int:
    shared = sum(1 for spec in demo_data.ORGANISATIONS if spec.kind in SHARED_KINDS)
    return 1 + shared + subdistricts + communities


def _person(username: str, label: str, organisation: Organisation, role: str) -> User:
    user = user_create(
        actor=None, username=username, password=None, first_name=f"{SCALE_USER_NAME}{label}"
    )
    membership_grant(
        actor=None,
        user=user,
        organisation=organisation,
        role=role,
        active_from=dt.date(2014, 1, 1),
    )
    return user


def build_people(advance: Advance) -> None:
    """The office's administrator (who imports and publishes the catalog), one inspector, one
    clerk per department (who sent its tasks and made its payments) and one secretary per
    community (who reported, received matters and confirmed receipts). No passwords: nobody
    signs in as them."""
    _person(
        "scale-office",
        "委员会办公室",
        Organisation.objects.get(kind=OrganisationKinds.COMMITTEE_OFFICE),
        Roles.ADMIN,
    )
    _person(
        "scale-inspector",
        "督查员",
        Organisation.objects.filter(kind=OrganisationKinds.SUPERVISION_OFFICE).order_by("code")[0],
        Roles.INSPECTOR,
    )
    advance(2)
    for department in Organisation.objects.filter(kind=OrganisationKinds.DEPARTMENT).order_by(
        "code"
    ):
        _person(
            f"scale-clerk-{department.code.lower()}",
            f"{department.name}经办人",
            department,
            Roles.CLERK,
        )
        advance(1)
    for community in Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY).order_by("code"):
        _person(
            f"scale-secretary-{community.code}", f"{community.name}书记", community, Roles.SECRETARY
        )
        advance(1)


def people_count(communities: int) -> int:
    departments = sum(1 for spec in demo_data.ORGANISATIONS if spec.kind == "department")
    return 2 + departments + communities


def city_of_database() -> City:
    """The frame as the bulk stages need it, read back by the codes and usernames built here."""
    district = Organisation.objects.get(code=DISTRICT_CODE)
    subdistricts = list(
        Organisation.objects.filter(kind=OrganisationKinds.SUBDISTRICT, parent=district).order_by(
            "code"
        )
    )
    position = {s.pk: n for n, s in enumerate(subdistricts)}
    communities = list(
        Organisation.objects.filter(
            kind=OrganisationKinds.COMMUNITY, parent_id__in=list(position)
        ).order_by("code")
    )
    members: list[list[int]] = [[] for _ in subdistricts]
    for index, community in enumerate(communities):
        assert community.parent_id is not None
        members[position[community.parent_id]].append(index)
    departments = list(
        Organisation.objects.filter(kind=OrganisationKinds.DEPARTMENT).order_by("code")
    )
    users = {u.username: u for u in User.objects.filter(username__startswith="scale-")}
    return City(
        district=district,
        office=users["scale-office"],
        inspector=users["scale-inspector"],
        subdistricts=subdistricts,
        communities=communities,
        members=members,
        departments=departments,
        clerks={d.pk: users[f"scale-clerk-{d.code.lower()}"] for d in departments},
        secretaries=[users[f"scale-secretary-{c.code}"] for c in communities],
    )


def build_catalog(office: User) -> None:
    """The Shibei demo's catalog history: the 2014 survey and the reform, imported and
    published as the demo does it (`demo.seeding.seed_catalog`)."""
    seed_catalog(office)


def build_commitments(office: User, funded_from: dt.date) -> list[FundingCommitment]:
    """Who delegates pays: every delegated item in force funded by its department from
    `funded_from` on, open-ended, at the item's amount a community a year."""
    commitments = []
    delegated = CatalogItem.objects.filter(
        item_class=ItemClasses.DELEGATED, status__in=IN_FORCE
    ).select_related("department")
    for item in delegated.order_by("code"):
        amount = item.funding_per_community or Decimal("1000.00")
        commitment_record(
            actor=office,
            request=CommitmentRequest(
                item_code=item.code,
                payer_code=item.department.code,
                period_start=funded_from,
                terms=CommitmentTerms(
                    amount=str(amount),
                    budget_line=f"{item.department.name}部门预算·委托社区事项经费",
                    period_end=None,
                ),
            ),
        )
    commitments = list(
        FundingCommitment.objects.select_related("catalog_item", "payer").order_by("pk")
    )
    return commitments
