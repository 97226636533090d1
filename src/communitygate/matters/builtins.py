"""The built-in care tags (关爱标签) and matter categories (民情事项类别) with their answer-by
working days. The office may change the working days and add tags and categories."""

from communitygate.matters.models import MatterCategory
from communitygate.registry.models import CareTag

CARE_TAGS = [
    # code, Chinese, English, needs regular visits
    ("elderly-alone", "独居老人", "Elderly living alone", True),
    ("aged-80-plus", "高龄老人（80岁以上）", "Aged 80 or over", True),
    ("disability", "残疾人", "Person with a disability", True),
    ("subsistence-allowance", "低保对象", "Subsistence allowance", False),
    ("special-hardship", "特困人员", "Special hardship", True),
    ("veteran", "退役军人及优抚对象", "Veteran or entitled group", False),
    ("party-member", "党员", "Party member", False),
    ("child", "儿童", "Child", False),
    ("left-behind", "留守人员", "Left behind", True),
    ("regular-visits", "需定期走访", "Needs regular visits", True),
]

CATEGORIES = [
    # code, Chinese, English, answer within working days
    ("consultation", "咨询", "Consultation", 3),
    ("help", "求助", "Help request", 3),
    ("complaint", "投诉", "Complaint", 5),
    ("suggestion", "建议", "Suggestion", 10),
    ("dispute", "矛盾纠纷", "Dispute", 5),
    ("repair", "报修", "Repair", 3),
    ("certificate", "证明开具", "Certificate", 3),
    ("errand", "办事代办", "Errand", 5),
    ("other", "其他", "Other", 5),
]


def builtins_ensure(**_signal_arguments: object) -> None:
    """Create the built-in tags and categories that are missing; never change existing rows
    (the office may have changed their working days). Runs after every migrate, and after the
    flush between transactional tests, through the post_migrate signal."""
    for position, (code, name, name_en, visits) in enumerate(CARE_TAGS, start=1):
        CareTag.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "builtin": True,
                "needs_visits": visits,
                "position": position * 10,
            },
        )
    for position, (code, name, name_en, days) in enumerate(CATEGORIES, start=1):
        MatterCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "answer_within_workdays": days,
                "position": position * 10,
            },
        )
