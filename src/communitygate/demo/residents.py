"""民情零距离 in the demo: the two demo communities (商邱路社区 and 伊春路社区, whose demo
secretaries act) get a registry of generated residents, a month of residents' matters in every
state, disputes, home visits, events (伊春路社区's summer show for 七一 with more than a thousand
residents, evening gatherings) and the summer-holiday club 放学回来吧 — all made through
the same services the communities use, at the moments they happened (`core.clock.pin`), so every
row is audited.

Everything here is ILLUSTRATIVE DEMO DATA:
- names are "演示居民" and a number, guardians and children likewise; no real person is named;
- ID numbers are generated (`core.idnumbers.generate_id_number`) with valid check characters,
  mostly Shibei's 370203, the old 370205/370204 for some of the elderly, other provinces' codes
  for migrants; they may coincide with a real number and, like every ID number, are stored
  sealed and shown masked;
- phones are all in the made-up block 139-0000-xxxx (valid mobile numbers by core.phones).

The registry goes in through the real import (`resident_import_create` + `resident_import_run`,
the path a community takes with its spreadsheet): one CSV per community, checked row by row and
written in bulk, about a thousand residents in well under a second — registering them one by one
through `resident_add` would write a thousand audit events and take several times as long.

The month is the dispatch demo's (27 October – 26 November 2026); the registry is loaded the day
before. Today's visits are planned for the day the demo is loaded, so that the glance shows
some. Each part is skipped when it is already there (loading twice changes nothing).
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction

from communitygate.catalog.models import CertificateRule
from communitygate.certificates.services import CertificateAsked, certificate_request_record
from communitygate.core import clock
from communitygate.core.idnumbers import generate_id_number
from communitygate.core.tabular import csv_bytes
from communitygate.demo.dispatch_traffic import COMMUNITIES as DEMO_COMMUNITIES
from communitygate.disputes.models import Dispute, DisputeKinds, DisputeOutcomes, PartyRoles
from communitygate.disputes.services.disputes import (
    PartyInput,
    dispute_conclude,
    dispute_open,
    mediation_session_add,
)
from communitygate.matters.models import Matter, MatterChannels, Ratings
from communitygate.matters.services.matters import (
    MatterIntake,
    matter_answer,
    matter_assign,
    matter_close,
    matter_rate,
    matter_receive,
    matter_submit_public,
)
from communitygate.orgs.models import Organisation
from communitygate.programmes.models import Activity, Enrolment, EnrolmentStatuses, ProgrammeSession
from communitygate.programmes.services.programmes import (
    ActivityFields,
    ProgrammeFields,
    activity_create,
    activity_record_attendance,
    attendance_record,
    enrolment_sign_up,
    enrolment_withdraw,
    programme_create,
    session_add,
)
from communitygate.registry.models import Resident, ResidentImport, Visit
from communitygate.registry.selectors.visits import households_due_for_visit
from communitygate.registry.services.importing import (
    IMPORT_HEADERS,
    resident_import_create,
    resident_import_run,
)
from communitygate.registry.services.visits import visit_plan, visit_record

SHANGHAI = ZoneInfo("Asia/Shanghai")
REGISTRY_FILENAME = "演示居民登记表.csv"
DEMO_NAME = "演示居民"
DEMO_PHONE_BLOCK = "1390000"  # 139-0000-xxxx: a block nobody would take for a real number
MONTH_START = dt.date(2026, 10, 27)
MONTH_END = dt.date(2026, 11, 26)
REGISTRY_DAY = dt.date(2026, 10, 26)
CLUB_TITLE = "放学回来吧"
CLUB_STARTS = dt.date(2026, 7, 6)  # the summer holiday (暑假), as the article has it
CLUB_ENDS = dt.date(2026, 8, 28)
NEXT_SUMMER_CLUB_TITLE = "放学回来吧（2027年暑假）"
NEXT_CLUB_STARTS = dt.date(2027, 7, 5)
NEXT_CLUB_ENDS = dt.date(2027, 8, 27)
SUMMER_SHOW_TITLE = "庆“七一”夏季广场文艺演出"
SUMMER_SHOW_DAY = dt.date(2026, 7, 1)
EVENING_GATHERING_TITLE = "夏夜纳凉晚会"
# What residents ask for in the month: (certificate code, purpose); ZM-N… are turned away.
CERTIFICATE_ASKS = (
    ("ZM-Y01", "办理居住证"),
    ("ZM-N08", "办理银行贷款"),
    ("ZM-Y03", "学校社会实践"),
    ("ZM-Y01", "子女入学"),
    ("ZM-N10", "领取养老金资格认证"),
    ("ZM-Y04", "申请司法救助"),
    ("ZM-Y01", "申请公租房"),
)

# Each demo community's registry: (its demo secretary, name offset, buildings, estates).
LAYOUT = {
    "shangqiulu": (0, 8, ("演示花园", "演示新村")),
    "yichunlu": (5000, 6, ("演示家园",)),
}
MIGRANT_REGIONS = ("370781", "371302", "370883", "220102", "410105", "340102", "130102")
RESIDENT_REGIONS = ("370202", "370212", "370211")
TAG_NAMES = {
    "elderly-alone": "独居老人",
    "aged-80-plus": "高龄老人（80岁以上）",
    "disability": "残疾人",
    "subsistence-allowance": "低保对象",
    "special-hardship": "特困人员",
    "veteran": "退役军人及优抚对象",
    "party-member": "党员",
    "child": "儿童",
    "left-behind": "留守人员",
    "regular-visits": "需定期走访",
}


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


# The registry ------------------------------------------------------------------------------------


@dataclass
class DemoPerson:
    name: str
    sex: str
    birth_date: dt.date
    id_number: str
    phone: str
    relation: str
    population: str
    tags: list[str]
    place: tuple[str, str, str, str]  # estate, building, unit, room


@dataclass
class DemoRegistry:
    people: list[DemoPerson] = field(default_factory=list)

    def households(self) -> dict[tuple[str, str, str, str], list[DemoPerson]]:
        grouped: dict[tuple[str, str, str, str], list[DemoPerson]] = {}
        for person in self.people:
            grouped.setdefault(person.place, []).append(person)
        return grouped


class _Generator:
    """Deterministic people for one community: households of realistic shapes in its rooms."""

    def __init__(self, key: str) -> None:
        self.rng = random.Random(f"communitygate-residents-demo-{key}")  # noqa: S311 (demo data)
        offset, self.buildings, self.estates = LAYOUT[key]
        self.serial = offset
        self.ids: set[str] = set()

    def next_name(self) -> str:
        self.serial += 1
        return f"{DEMO_NAME}{self.serial:04d}"

    def phone(self) -> str:
        return f"{DEMO_PHONE_BLOCK}{self.serial:04d}"

    def birth(self, age: int) -> dt.date:
        return REGISTRY_DAY - dt.timedelta(days=age * 365 + self.rng.randrange(365))

    def id_number(self, birth: dt.date, sex: str, population: str) -> str:
        if population == "流动人口":
            region = self.rng.choice(MIGRANT_REGIONS)
        elif population == "常住人口":
            region = self.rng.choice(RESIDENT_REGIONS)
        elif birth.year < 1960 and self.rng.random() < 0.5:
            region = self.rng.choice(("370205", "370204"))  # the old Shibei and Sifang codes
        else:
            region = "370203"
        while True:
            number = generate_id_number(
                self.rng, region=region, birth_date=birth, sex="male" if sex == "男" else "female"
            )
            if number not in self.ids:
                self.ids.add(number)
                return number

    def person(
        self, place: tuple[str, str, str, str], relation: str, age: int, sex: str, population: str
    ) -> DemoPerson:
        name = self.next_name()
        birth = self.birth(age)
        adult = age >= 18
        return DemoPerson(
            name=name,
            sex=sex,
            birth_date=birth,
            id_number=self.id_number(birth, sex, population),
            phone=self.phone() if adult and self.rng.random() < 0.8 else "",
            relation=relation,
            population=population,
            tags=[],
            place=place,
        )

    def household(self, place: tuple[str, str, str, str]) -> list[DemoPerson]:
        rng = self.rng
        shape = rng.random()
        other = rng.choice(("男", "女"))
        opposite = {"男": "女", "女": "男"}
        if shape < 0.12:  # an elderly person living alone
            members = [("户主", rng.randint(66, 93), other)]
        elif shape < 0.27:  # an elderly couple
            age = rng.randint(62, 88)
            members = [("户主", age, "男"), ("配偶", age - rng.randint(0, 4), "女")]
        elif shape < 0.62:  # parents and children
            age = rng.randint(30, 52)
            members = [("户主", age, other), ("配偶", age + rng.randint(-3, 3), opposite[other])]
            for _ in range(rng.choice((1, 1, 2))):
                members.append(("子女", rng.randint(1, max(1, age - 24)), rng.choice("男女")))
        elif shape < 0.77:  # three generations
            age = rng.randint(34, 50)
            members = [
                ("户主", age, other),
                ("配偶", age + rng.randint(-3, 3), opposite[other]),
                ("子女", rng.randint(3, 13), rng.choice("男女")),
                ("父母", age + rng.randint(24, 32), rng.choice("男女")),
            ]
        elif shape < 0.90:  # a young couple
            age = rng.randint(24, 36)
            members = [("户主", age, other), ("配偶", age + rng.randint(-2, 2), opposite[other])]
        else:  # migrants renting
            members = [("户主", rng.randint(20, 42), other)]
            if rng.random() < 0.5:
                members.append(("其他", rng.randint(20, 42), rng.choice("男女")))
        if shape >= 0.90:
            population = "流动人口"
        elif rng.random() < 0.1:
            population = "常住人口"
        else:
            population = "户籍人口"
        people = [
            self.person(place, relation, age, sex, population) for relation, age, sex in members
        ]
        self.tag(people, alone=len(people) == 1, elderly_couple=0.12 <= shape < 0.27)
        return people

    def tag(self, people: list[DemoPerson], *, alone: bool, elderly_couple: bool) -> None:
        rng = self.rng
        head = people[0]
        if rng.random() < 0.03:
            head.tags.append("subsistence-allowance")
        for person in people:
            age = (REGISTRY_DAY - person.birth_date).days // 365
            if age >= 80:
                person.tags.append("aged-80-plus")
            if alone and age >= 65:
                person.tags.append("elderly-alone")
                if rng.random() < 0.06:
                    person.tags.append("special-hardship")
            if age < 14:
                person.tags.append("child")
            if rng.random() < 0.025:
                person.tags.append("disability")
            if person.sex == "男" and age >= 45 and rng.random() < 0.05:
                person.tags.append("veteran")
            if age >= 22 and rng.random() < 0.09:
                person.tags.append("party-member")
            if elderly_couple and rng.random() < 0.08:
                person.tags.append("left-behind")
            if age >= 50 and rng.random() < 0.01:
                person.tags.append("regular-visits")

    def registry(self) -> DemoRegistry:
        registry = DemoRegistry()
        for number in range(1, self.buildings + 1):
            estate = self.estates[(number - 1) * len(self.estates) // self.buildings]
            units = 3 if number % 3 == 0 else 2
            for unit in range(1, units + 1):
                for floor in range(1, 7):
                    for door in (1, 2):
                        if self.rng.random() < 0.07:
                            continue  # an empty flat
                        place = (estate, f"{number}号楼", f"{unit}单元", f"{floor}0{door}")
                        registry.people.extend(self.household(place))
        return registry


def demo_registry(key: str) -> DemoRegistry:
    """The generated registry of one demo community (the same every time)."""
    return _Generator(key).registry()


def registry_csv(registry: DemoRegistry, community: Organisation) -> bytes:
    rows = []
    subdistrict = community.parent.name if community.parent else ""
    for person in registry.people:
        estate, building, unit, room = person.place
        address = (
            "山东省青岛市市北区（演示地址）"
            if person.population == "户籍人口"
            else "（演示）外地户籍地址"
        )
        rows.append(
            [
                subdistrict,
                community.name,
                estate,
                building,
                unit,
                room,
                person.name,
                person.id_number,
                person.sex,
                "",
                person.phone,
                person.population,
                person.relation,
                address,
                "、".join(TAG_NAMES[code] for code in person.tags),
                (REGISTRY_DAY - dt.timedelta(days=365 * 3)).isoformat(),
            ]
        )
    content, _count = csv_bytes(IMPORT_HEADERS, rows)
    return content


def seed_registry(secretary: User, community: Organisation, registry: DemoRegistry) -> bool:
    if Resident.objects.filter(community=community).exists():
        return False
    clock.pin(at(REGISTRY_DAY, 9))
    batch = resident_import_create(
        actor=secretary,
        community=community,
        filename=REGISTRY_FILENAME,
        content=registry_csv(registry, community),
    )
    batch = resident_import_run(batch.pk)
    if batch.status != "imported":
        raise RuntimeError(
            f"demo registry of {community.name}: {batch.status} {batch.problems[:3]}"
        )
    return True


# The month -----------------------------------------------------------------------------------

Step = tuple[dt.datetime, int, Callable[[], object]]


@dataclass(frozen=True)
class Topic:
    category: str
    summary: str
    where: str  # may name {place}
    answer: str


TOPICS = (
    Topic("repair", "楼道声控灯不亮", "{place}楼道", "已联系物业更换灯泡，当天修复。"),
    Topic("repair", "单元门门禁损坏", "{place}单元门", "物业已更换门禁读卡器。"),
    Topic("repair", "雨后屋顶渗水", "{place}", "已报房屋维修资金申请，先做临时防水处理。"),
    Topic("repair", "小区路灯不亮", "小区主路", "已报城管部门，路灯已修复。"),
    Topic("consultation", "咨询高龄津贴如何办理", "", "已告知所需材料，可在社区服务站代办。"),
    Topic("consultation", "咨询居住证办理材料", "", "已告知需携带身份证、租房合同到派出所办理。"),
    Topic("consultation", "咨询城乡居民医保缴费时间", "", "已告知缴费期限和线上缴费方式。"),
    Topic("help", "老人行动不便，请求帮忙代购药品", "{place}", "网格员已代购并送药上门。"),
    Topic("help", "家庭突发困难，申请临时救助", "", "已协助提交临时救助申请，等待街道审核。"),
    Topic("complaint", "楼下饭店油烟扰民", "沿街商铺", "已联系商户加装油烟净化设备。"),
    Topic("complaint", "夜间广场舞音响声音过大", "社区广场", "已与舞蹈队协商，晚八点半后停止。"),
    Topic("complaint", "楼道堆放杂物占用消防通道", "{place}楼道", "已通知住户清理，楼道已畅通。"),
    Topic("suggestion", "建议增设电动车充电桩", "小区", "已纳入明年为民办实事项目征集。"),
    Topic("suggestion", "建议在广场增设老年人休息座椅", "社区广场", "已增设四组座椅。"),
    Topic("other", "捡到走失的宠物狗", "社区广场", "已在居民群发布招领，失主已领回。"),
)
# How each matter ends up by 26 November (the first ones make sure every status is present).
FATES = (
    "closed",
    "answered",
    "assigned",
    "received",
    "reopened",
    "closed",
    "closed_late",
    "answered_rated",
    "assigned",
    "closed",
    "closed_neutral",
    "answered",
    "closed",
    "received",
    "closed",
    "closed",
    "assigned",
    "closed_late",
    "answered_rated",
    "closed",
)
MATTERS_PER_COMMUNITY = 36


class Month:
    """The month's work of one demo community, as steps in time order."""

    def __init__(self, key: str, secretary: User, community: Organisation) -> None:
        self.key = key
        self.secretary = secretary
        self.community = community
        self.rng = random.Random(f"communitygate-residents-month-{key}")  # noqa: S311 (demo data)
        self.people = list(
            Resident.objects.filter(community=community)
            .select_related("household__room__unit__building")
            .order_by("pk")
        )
        self.registry = {person.name: person for person in demo_registry(key).people}
        self.steps: list[Step] = []
        self.matter_ids: dict[int, int] = {}  # spec number → matter id

    def add(self, moment: dt.datetime, run: Callable[[], object]) -> None:
        if moment.date() <= MONTH_END:
            self.steps.append((moment, len(self.steps), run))

    def place_of(self, resident: Resident) -> str:
        room = resident.household.room
        return f"{room.unit.building.name}{room.unit.name}{room.number}"

    def phone_of(self, resident: Resident) -> str:
        return self.registry[resident.name].phone

    def with_phone(self) -> Resident:
        while True:
            resident = self.rng.choice(self.people)
            if self.phone_of(resident):
                return resident

    # Matters ---------------------------------------------------------------------------------

    def matters(self) -> None:
        for number in range(MATTERS_PER_COMMUNITY):
            fate = FATES[number % len(FATES)]
            day = MONTH_START + dt.timedelta(days=self.rng.randrange(0, 28))
            if fate in ("received", "assigned", "answered") and number >= len(FATES):
                day = MONTH_END - dt.timedelta(days=self.rng.randrange(0, 3))
            received = at(day, self.rng.randint(8, 16), self.rng.choice((0, 15, 30, 45)))
            topic = TOPICS[(number * 7 + len(self.key)) % len(TOPICS)]
            resident = self.with_phone()
            online = number % 4 == 3
            self.add(received, partial(self.receive, number, topic, resident, online))
            self.fate(number, fate, topic, resident, received)

    def receive(self, number: int, topic: Topic, resident: Resident, online: bool) -> None:
        intake = MatterIntake(
            community_code=self.community.code,
            category_code=topic.category,
            summary=topic.summary,
            location=topic.where.format(place=self.place_of(resident)),
            contact_name=resident.name,
            phone=self.phone_of(resident),
            resident_id=None if online else resident.pk,
            channel=MatterChannels.ONLINE
            if online
            else (MatterChannels.VISIT, MatterChannels.CALL, MatterChannels.DOOR_TO_DOOR)[
                number % 3
            ],
        )
        key = f"demo-{self.key}-{number}"
        if online:
            matter = matter_submit_public(intake=intake, idempotency_key=key)
        else:
            matter = matter_receive(actor=self.secretary, intake=intake, idempotency_key=key)
        self.matter_ids[number] = matter.pk

    def matter(self, number: int) -> Matter:
        return Matter.objects.get(pk=self.matter_ids[number])

    def fate(
        self, number: int, fate: str, topic: Topic, resident: Resident, received: dt.datetime
    ) -> None:
        if fate == "received":
            return
        self.add(received + dt.timedelta(hours=1), partial(self.assign, number))
        if fate == "assigned":
            return
        days = 9 if fate == "closed_late" else self.rng.randint(0, 2)
        answered = received + dt.timedelta(days=days, hours=3)
        self.add(answered, partial(self.answer, number, topic.answer))
        rating = {
            "closed": Ratings.SATISFIED,
            "closed_late": Ratings.SATISFIED,
            "closed_neutral": Ratings.NEUTRAL,
            "answered_rated": Ratings.SATISFIED,
            "reopened": Ratings.UNSATISFIED,
        }.get(fate)
        if rating:
            phone = self.phone_of(resident)
            self.add(answered + dt.timedelta(days=1), partial(self.rate, number, phone, rating))
        if fate.startswith("closed"):
            self.add(answered + dt.timedelta(days=2), partial(self.close, number))

    def assign(self, number: int) -> None:
        matter_assign(actor=self.secretary, matter=self.matter(number), assignee=self.secretary)

    def answer(self, number: int, text: str) -> None:
        matter_answer(actor=self.secretary, matter=self.matter(number), answer=text)

    def rate(self, number: int, phone: str, rating: str) -> None:
        comment = "答复不解决问题" if rating == Ratings.UNSATISFIED else ""
        matter_rate(
            tracking_code=self.matter(number).tracking_code,
            phone_last4=phone[-4:],
            rating=rating,
            comment=comment,
        )

    def close(self, number: int) -> None:
        matter_close(actor=self.secretary, matter=self.matter(number))

    # Disputes --------------------------------------------------------------------------------

    def disputes(self) -> None:
        first, second = self.with_phone(), self.with_phone()
        third, fourth = self.with_phone(), self.with_phone()
        start = MONTH_START + dt.timedelta(days=3 if self.key == "shangqiulu" else 5)
        self.add(
            at(start, 9),
            partial(
                self.dispute,
                "leak",
                DisputeKinds.NEIGHBOUR,
                "楼上卫生间漏水致楼下天花板受损",
                "楼下住户反映卫生间顶棚持续渗水，楼上住户认为并非其责任，双方多次争执。",
                (first, second),
            ),
        )
        self.add(at(start + dt.timedelta(days=4), 14), partial(self.session, "leak", "第一次调解"))
        self.add(at(start + dt.timedelta(days=11), 14), partial(self.session, "leak", "第二次调解"))
        self.add(
            at(start + dt.timedelta(days=11), 16),
            partial(
                self.conclude,
                "leak",
                DisputeOutcomes.AGREEMENT,
                terms="一、楼上住户于2026年11月30日前修复卫生间防水层；"
                "二、楼上住户承担楼下天花板维修费用人民币壹仟贰佰元；"
                "三、双方今后互相谅解，和睦相处。",
            ),
        )
        parking = start + dt.timedelta(days=7)
        self.add(
            at(parking, 10),
            partial(
                self.dispute,
                "parking",
                DisputeKinds.PROPERTY,
                "公共车位长期被个人占用",
                "多名居民反映一住户用地锁长期占用公共车位，物业劝说无效。",
                (third, fourth),
            ),
        )
        self.add(at(parking + dt.timedelta(days=3), 15), partial(self.session, "parking", "调解"))
        self.add(
            at(parking + dt.timedelta(days=10), 10),
            partial(
                self.conclude,
                "parking",
                DisputeOutcomes.REFERRED,
                referred_to=f"{self.community.parent.name if self.community.parent else ''}"
                "人民调解委员会",
            ),
        )
        family = MONTH_END - dt.timedelta(days=6)
        self.add(
            at(family, 11),
            partial(
                self.dispute,
                "family",
                DisputeKinds.FAMILY,
                "子女就老人赡养费分担产生矛盾",
                "老人反映三名子女对赡养费分担意见不一，请社区协调。",
                (second, third),
            ),
        )
        self.add(at(family + dt.timedelta(days=2), 15), partial(self.session, "family", "首次调解"))

    def dispute(
        self, key: str, kind: str, summary: str, facts: str, parties: tuple[Resident, Resident]
    ) -> None:
        applicant, respondent = parties
        created = dispute_open(
            actor=self.secretary,
            community=self.community,
            kind=kind,
            summary=summary,
            facts=facts,
            parties=[
                PartyInput(
                    name=applicant.name,
                    role=PartyRoles.APPLICANT,
                    resident=applicant,
                    phone=self.phone_of(applicant),
                ),
                PartyInput(
                    name=respondent.name,
                    role=PartyRoles.RESPONDENT,
                    resident=respondent,
                    phone=self.phone_of(respondent),
                ),
            ],
        )
        self.disputes_made[key] = created.pk

    disputes_made: dict[str, int]

    def session(self, key: str, notes: str) -> None:
        mediation_session_add(
            actor=self.secretary,
            dispute=Dispute.objects.get(pk=self.disputes_made[key]),
            held_on=clock.today(),
            mediators="社区人民调解员（演示）",
            notes=notes,
        )

    def conclude(self, key: str, outcome: str, terms: str = "", referred_to: str = "") -> None:
        dispute_conclude(
            actor=self.secretary,
            dispute=Dispute.objects.get(pk=self.disputes_made[key]),
            outcome=outcome,
            outcome_on=clock.today(),
            terms=terms,
            referred_to=referred_to,
        )

    # Certificates --------------------------------------------------------------------------

    def certificates(self) -> None:
        """Residents ask for certificates through the month: those a community may issue are
        issued and numbered; those it may no longer issue are turned away, with the office that
        issues them instead."""
        for index, (code, purpose) in enumerate(CERTIFICATE_ASKS):
            day = MONTH_START + dt.timedelta(days=1 + index * 4)
            self.add(at(day, 9 + index % 6), partial(self.certificate, code, purpose))

    def certificate(self, code: str, purpose: str) -> None:
        with_id = [person for person in self.people if self.registry[person.name].id_number]
        person = self.rng.choice(with_id)
        certificate_request_record(
            actor=self.secretary,
            community=self.community,
            asked=CertificateAsked(
                rule_id=CertificateRule.objects.get(code=code).pk,
                id_number=self.registry[person.name].id_number,
                purpose=purpose,
            ),
        )

    # Visits ----------------------------------------------------------------------------------

    def visits(self) -> None:
        """Every household that needs regular visits gets one during the month, planned on 27
        October; most are recorded on their day, a few are missed."""
        self.add(at(MONTH_START, 8, 30), self.plan_round)

    def plan_round(self) -> None:
        households = list(households_due_for_visit(self.community, now=clock.now()).order_by("pk"))
        for index, household in enumerate(households):
            day = MONTH_START + dt.timedelta(days=1 + index % 26)
            visit = visit_plan(
                actor=self.secretary, household=household, planned_on=day, purpose="月度关爱走访"
            )
            if index % 9 != 8:
                done = at(day, 9 + index % 8)
                self.steps.append((done, len(self.steps), partial(self.record, visit.pk)))
        self.steps.sort(key=lambda step: (step[0], step[1]))

    def record(self, visit_id: int) -> None:
        note = self.rng.choice(
            (
                "老人身体状况良好，生活能自理。",
                "家中暖气正常，已提醒冬季用电用气安全。",
                "老人反映腿脚不便，已联系志愿者每周上门。",
                "家属在家，情况稳定。",
            )
        )
        visit_record(actor=self.secretary, visit=Visit.objects.get(pk=visit_id), note=note)

    # Events and the after-school club --------------------------------------------------------

    def events(self) -> None:
        """The article's summer: 伊春路社区's show for 七一 (1 July) with more than a thousand
        residents, and evening gatherings (纳凉晚会) in both communities in July and August."""
        if self.key == "yichunlu":
            self.add(at(dt.date(2026, 6, 20)), partial(self.summer_show))
        self.add(at(dt.date(2026, 6, 28)), self.evening_gatherings)
        self.add(at(MONTH_START + dt.timedelta(days=2), 9), self.november_events)

    def summer_show(self) -> None:
        show = activity_create(
            actor=self.secretary,
            community=self.community,
            fields=ActivityFields(
                title=SUMMER_SHOW_TITLE,
                held_on=SUMMER_SHOW_DAY,
                starts_at=dt.time(19, 0),
                place="社区文化广场",
                capacity=1200,
                description="庆祝“七一”，社区文艺队、少儿舞蹈班和驻区单位联合演出。",
            ),
        )
        self.add(at(SUMMER_SHOW_DAY, 22), partial(self.attendance, show.pk, 1360))
        self.steps.sort(key=lambda step: (step[0], step[1]))

    def evening_gatherings(self) -> None:
        days = {
            "shangqiulu": ((dt.date(2026, 7, 18), 280), (dt.date(2026, 8, 15), 310)),
            "yichunlu": ((dt.date(2026, 7, 25), 240), (dt.date(2026, 8, 22), 260)),
        }[self.key]
        for day, attendance in days:
            gathering = activity_create(
                actor=self.secretary,
                community=self.community,
                fields=ActivityFields(
                    title=EVENING_GATHERING_TITLE,
                    held_on=day,
                    starts_at=dt.time(19, 30),
                    place="社区广场",
                    capacity=300,
                    description="夏夜纳凉：居民自编自演节目，社区工作人员与居民拉家常、听意见。",
                ),
            )
            self.add(at(day, 22), partial(self.attendance, gathering.pk, attendance))
        self.steps.sort(key=lambda step: (step[0], step[1]))

    def november_events(self) -> None:
        for title, day, place, capacity, attendance in (
            ("“119”消防安全宣传进社区", dt.date(2026, 11, 9), "社区广场", 100, 86),
            ("老年人智能手机课堂", dt.date(2026, 11, 14), "社区活动室", 30, 34),
            ("迎新春书法送春联", dt.date(2027, 1, 30), "社区活动室", 80, None),
        ):
            activity = activity_create(
                actor=self.secretary,
                community=self.community,
                fields=ActivityFields(
                    title=title, held_on=day, place=place, capacity=capacity, starts_at=None
                ),
            )
            if attendance is not None:
                self.add(
                    at(day, 18),
                    partial(self.attendance, activity.pk, attendance),
                )
        self.steps.sort(key=lambda step: (step[0], step[1]))

    def attendance(self, activity_id: int, attendance: int) -> None:
        activity_record_attendance(
            actor=self.secretary,
            activity=Activity.objects.get(pk=activity_id),
            attendance=attendance,
        )

    def club(self) -> None:
        """放学回来吧: the summer holiday (July–August), as the article says; the community's
        children aged 6-12 sign up in late June (some online), more than the places, so the last
        ones wait; one withdraws in the first week and the first who waits moves up; attendance
        on every Tuesday and Thursday of the holiday."""
        self.add(at(dt.date(2026, 6, 22), 9), self.club_open)
        self.add(at(dt.date(2026, 11, 20), 10), self.next_summer)

    def next_summer(self) -> None:
        """Next summer's club is announced in November and takes online sign-ups already."""
        programme_create(
            actor=self.secretary,
            community=self.community,
            fields=ProgrammeFields(
                title=NEXT_SUMMER_CLUB_TITLE,
                place="社区四点半课堂活动室",
                capacity=20 if self.key == "shangqiulu" else 12,
                starts_on=NEXT_CLUB_STARTS,
                ends_on=NEXT_CLUB_ENDS,
                description="暑假里孩子到社区做作业、读书和做游戏，志愿者和社工陪伴，家长下班后来接。",
                min_age=6,
                max_age=12,
            ),
        )

    def club_open(self) -> None:
        capacity = 20 if self.key == "shangqiulu" else 12
        programme = programme_create(
            actor=self.secretary,
            community=self.community,
            fields=ProgrammeFields(
                title=CLUB_TITLE,
                place="社区四点半课堂活动室",
                capacity=capacity,
                starts_on=CLUB_STARTS,
                ends_on=CLUB_ENDS,
                description="暑假里孩子到社区做作业、读书和做游戏，志愿者和社工陪伴，家长下班后来接。",
                min_age=6,
                max_age=12,
            ),
        )
        heads = {
            person.household_id: person
            for person in self.people
            if person.relation == "head" and self.phone_of(person)
        }
        children = [
            person
            for person in self.people
            if person.birth_date is not None
            and 6 <= (CLUB_STARTS - person.birth_date).days // 365 <= 12
            and person.household_id in heads
        ]
        for index, child in enumerate(children[: capacity + 6]):
            guardian = heads[child.household_id]
            clock.pin(at(dt.date(2026, 6, 22 + index % 6), 9, index))
            enrolment_sign_up(
                actor=None if index % 3 == 1 else self.secretary,
                programme=programme,
                child_name=child.name,
                child_birth_date=child.birth_date,
                guardian_name=guardian.name,
                guardian_phone=self.phone_of(guardian),
                online=index % 3 == 1,
            )
        day = CLUB_STARTS
        while day <= CLUB_ENDS:
            if day.weekday() in (1, 3):
                clock.pin(at(dt.date(2026, 6, 28), 8))
                session = session_add(
                    actor=self.secretary,
                    programme=programme,
                    held_on=day,
                    starts_at=dt.time(16, 30),
                    topic="作业辅导与阅读",
                )
                self.add(at(day, 18, 30), partial(self.club_attendance, session.pk))
            day += dt.timedelta(days=1)
        self.add(at(CLUB_STARTS + dt.timedelta(days=3), 17), partial(self.withdraw, programme.pk))
        self.steps.sort(key=lambda step: (step[0], step[1]))

    def withdraw(self, programme_id: int) -> None:
        enrolment = (
            Enrolment.objects.filter(programme_id=programme_id, status=EnrolmentStatuses.ENROLLED)
            .order_by("pk")
            .first()
        )
        if enrolment is not None:
            enrolment_withdraw(actor=self.secretary, enrolment=enrolment, reason="家长工作调动")

    def club_attendance(self, session_id: int) -> None:
        session = ProgrammeSession.objects.select_related("programme").get(pk=session_id)
        enrolled = list(
            Enrolment.objects.filter(
                programme=session.programme, status=EnrolmentStatuses.ENROLLED
            ).values_list("pk", flat=True)
        )
        present = [pk for pk in enrolled if self.rng.random() < 0.88]
        attendance_record(actor=self.secretary, session=session, present_enrolment_ids=present)

    def run(self) -> None:
        """Every step at its moment, in time order; steps add later steps as they run."""
        self.disputes_made = {}
        self.matters()
        self.disputes()
        self.visits()
        self.certificates()
        self.events()
        self.club()
        self.steps.sort(key=lambda step: (step[0], step[1]))
        done = 0
        while done < len(self.steps):
            moment, _order, run = self.steps[done]
            done += 1
            clock.pin(moment)
            run()


def _today_visits(secretary: User, community: Organisation) -> None:
    """On the day the demo is loaded: a few visits for today (two already done) and tomorrow."""
    today = clock.today()
    due = list(households_due_for_visit(community, now=clock.now()).order_by("pk")[:12])
    for index, household in enumerate(due):
        planned = today if index < 6 else today + dt.timedelta(days=1)
        visit = visit_plan(
            actor=secretary, household=household, planned_on=planned, purpose="入户关爱走访"
        )
        if index < 2:
            visit_record(actor=secretary, visit=visit, note="已入户，老人情况良好。")


def seed_residents() -> bool:
    """The residents' platform in the demo; False (and nothing done) when it is there already."""
    communities = {
        key: Organisation.objects.select_related("parent").get(name=name, kind="community")
        for key, name in DEMO_COMMUNITIES.items()
    }
    if ResidentImport.objects.filter(
        community__in=communities.values(), filename=REGISTRY_FILENAME
    ).exists():
        return False
    secretaries = {key: User.objects.get(username=key) for key in DEMO_COMMUNITIES}
    try:
        with transaction.atomic():
            for key, community in communities.items():
                seed_registry(secretaries[key], community, demo_registry(key))
            for key, community in communities.items():
                Month(key, secretaries[key], community).run()
            clock.pin(None)
            for key, community in communities.items():
                _today_visits(secretaries[key], community)
    finally:
        clock.pin(None)
    return True
