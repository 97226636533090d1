"""Residents' matters in bulk: `matters` matters over the window, spread unevenly over the
communities, with the built-in categories' answer-by dates (`matters.services.answer_by_for`,
core.workdays, computed once a category and day), a phone on most (sealed with
`core.phones.seal_phone`, the same sealing `matter_receive` does: ciphertext, blind index,
mask), and statuses by age: older matters mostly closed and rated, recent ones still open, open
ones past their answer-by date escalated. The matters' step records (MatterStep) are not built."""

import datetime as dt
import itertools
import random
from collections.abc import Iterator

from django.db import transaction

from communitygate.core.phones import seal_phone
from communitygate.core.workdays import CountedDate
from communitygate.matters.models import (
    Matter,
    MatterCategory,
    MatterChannels,
    MatterStatuses,
    Ratings,
)
from communitygate.matters.selectors.matters import TRACKING_PREFIX
from communitygate.matters.services.matters import CROCKFORD, TRACKING_LENGTH, answer_by_for
from communitygate.scale.batches import BATCH, local_day, moment_on
from communitygate.scale.groundwork import City
from communitygate.scale.progress import Advance
from communitygate.scale.traffic import DayPicker, Window

M = MatterStatuses
CATEGORY_WEIGHTS = {
    "consultation": 25,
    "help": 15,
    "complaint": 15,
    "suggestion": 8,
    "dispute": 7,
    "repair": 25,
    "other": 5,
}
CHANNEL_WEIGHTS = (
    (MatterChannels.VISIT, 30),
    (MatterChannels.CALL, 30),
    (MatterChannels.DOOR_TO_DOOR, 15),
    (MatterChannels.ONLINE, 20),
    (MatterChannels.OPEN311, 3),
    (MatterChannels.API, 2),
)
STAFF_CHANNELS = frozenset({MatterChannels.VISIT, MatterChannels.CALL, MatterChannels.DOOR_TO_DOOR})
SUMMARIES = {
    "consultation": ("咨询高龄津贴申领条件", "咨询居住证办理流程", "咨询医保参保缴费"),
    "help": ("独居老人需要上门帮助", "申请临时救助", "家中老人走失求助"),
    "complaint": ("楼道堆放杂物无人清理", "夜间施工噪音扰民", "小区垃圾清运不及时"),
    "suggestion": ("建议增设健身器材", "建议楼院加装照明", "建议开设老年食堂"),
    "dispute": ("邻里漏水纠纷", "停车位使用纠纷", "宠物扰邻纠纷"),
    "repair": ("楼道灯损坏", "下水道堵塞", "单元门禁损坏"),
    "other": ("其他事项", "反映情况", "表扬社区工作人员"),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
)
STEPS: dict[str, int] = {M.RECEIVED: 0, M.ASSIGNED: 1, M.ANSWERED: 2, M.CLOSED: 3, M.REOPENED: 3}
ANSWERS = (
    "已联系相关单位处理完毕。",
    "已上门核实并解决。",
    "已答复居民，居民表示满意。",
    "已协调物业处理。",
)


class AnswerBy:
    """`answer_by_for` once a category and day."""

    def __init__(self) -> None:
        self.known: dict[tuple[int, dt.date], CountedDate] = {}

    def of(self, category: MatterCategory, day: dt.date) -> CountedDate:
        key = (category.pk, day)
        if key not in self.known:
            self.known[key] = answer_by_for(category, day)
        return self.known[key]


def _tracking_code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = TRACKING_PREFIX + "".join(rng.choice(CROCKFORD) for _ in range(TRACKING_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _status(received: dt.datetime, window: Window, rng: random.Random) -> str:
    age = (window.now - received).days
    if age > 30:
        weights = (1, 1, 6, 90, 2)
    elif age > 7:
        weights = (5, 10, 25, 55, 5)
    else:
        weights = (40, 30, 20, 8, 2)
    return rng.choices((M.RECEIVED, M.ASSIGNED, M.ANSWERED, M.CLOSED, M.REOPENED), weights)[0]


def _matters(city: City, count: int, window: Window, rng: random.Random) -> Iterator[Matter]:
    categories = {c.code: c for c in MatterCategory.objects.filter(active=True)}
    codes = [code for code in CATEGORY_WEIGHTS if code in categories] or sorted(categories)
    weights = [CATEGORY_WEIGHTS.get(code, 5) for code in codes]
    community_weights = list(itertools.accumulate(rng.uniform(0.3, 1.7) for _ in city.communities))
    days = DayPicker(window)
    answer_by = AnswerBy()
    taken: set[str] = set()
    received_moments = sorted(moment_on(days.pick(rng), rng, 7, 21) for _ in range(count))
    for received_at in received_moments:
        index = rng.choices(range(len(city.communities)), cum_weights=community_weights)[0]
        community = city.communities[index]
        secretary = city.secretaries[index]
        category = categories[rng.choices(codes, weights)[0]]
        channel = rng.choices([c for c, _ in CHANNEL_WEIGHTS], [w for _, w in CHANNEL_WEIGHTS])[0]
        received_on = local_day(received_at)
        due = answer_by.of(category, received_on)
        status = _status(received_at, window, rng)
        sealed = seal_phone(_phone(rng)) if rng.random() < 0.85 else None
        answered = None
        if status in (M.ANSWERED, M.CLOSED, M.REOPENED):
            answered = min(received_at + dt.timedelta(hours=rng.randint(2, 24 * 8)), window.now)
        closed = (
            min(answered + dt.timedelta(days=rng.randint(1, 7)), window.now)
            if answered and status == M.CLOSED
            else None
        )
        rated = closed is not None and rng.random() < 0.6
        open_late = status in (M.RECEIVED, M.ASSIGNED, M.REOPENED) and due.date < window.today
        yield Matter(
            community=community,
            tracking_code=_tracking_code(rng, taken),
            channel=channel,
            category=category,
            summary=rng.choice(SUMMARIES.get(category.code, SUMMARIES["other"])),
            location=f"{rng.randint(1, 60)}号楼{rng.randint(1, 6)}单元",
            contact_name=rng.choice(SURNAMES)
            + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
            phone_ciphertext=sealed.ciphertext if sealed else "",
            phone_digest=sealed.digest if sealed else "",
            phone_masked=sealed.masked if sealed else "",
            status=status,
            received_at=received_at,
            received_by=secretary if channel in STAFF_CHANNELS else None,
            answer_by=due.date,
            answer_by_estimated=due.estimated,
            answer_by_counted_from=received_on,
            assignee=secretary if status != M.RECEIVED else None,
            answer=rng.choice(ANSWERS) if answered else "",
            answered_at=answered,
            first_answered_at=answered,
            closed_at=closed,
            rating=rng.choices(
                (Ratings.SATISFIED, Ratings.NEUTRAL, Ratings.UNSATISFIED), (80, 15, 5)
            )[0]
            if rated
            else "",
            rated_at=closed if rated else None,
            times_reopened=1 if status == M.REOPENED else 0,
            escalated_at=(
                moment_on(due.date + dt.timedelta(days=1), rng, 1, 2)
                if open_late and due.date + dt.timedelta(days=1) < window.today
                else None
            ),
            updated_at=closed or answered or received_at,
            revision=STEPS[status],
        )


def build_matters(
    city: City, count: int, window: Window, rng: random.Random, advance: Advance
) -> int:
    made = 0
    for chunk in itertools.batched(_matters(city, count, window, rng), BATCH):
        with transaction.atomic():
            Matter.objects.bulk_create(chunk)
        made += len(chunk)
        advance(len(chunk))
    return made
