"""Chinese labels of the catalog's file format (import and export), independent of the UI language.

The import accepts these labels or the English codes; the export writes these labels.
"""

from communitygate.catalog.models import Domains, Frequencies, ItemClasses

HEADERS = (
    "序号",
    "编码",
    "事项名称",
    "类别",
    "领域",
    "依据",
    "责任部门",
    "社区职责",
    "频次",
    "台账",
    "预计工时",
    "经费",
)
REQUIRED_HEADERS = ("编码", "事项名称", "类别", "领域", "责任部门")
# Read by the import when present (an item's plaques, validity and admitting decision), so a
# catalog's history can be loaded; absent, an item keeps what it has. The export leaves them out.
OPTIONAL_HEADERS = ("牌子", "有效期起", "有效期止", "准入文号")
IMPORT_HEADERS = HEADERS + OPTIONAL_HEADERS

CLASS_ZH: dict[str, str] = {
    ItemClasses.STATUTORY: "法定日常工作",
    ItemClasses.DELEGATED: "委托办理",
    ItemClasses.CERTIFICATE: "证明盖章",
    ItemClasses.EVALUATION: "创建评比",
}
DOMAIN_ZH: dict[str, str] = {
    Domains.PARTY_BUILDING: "党的建设",
    Domains.CIVIL_AFFAIRS: "民政和社会救助",
    Domains.HEALTH: "卫生健康和计划生育",
    Domains.URBAN_MANAGEMENT: "城市管理",
    Domains.LABOUR: "劳动和社会保障",
    Domains.STABILITY: "社会稳定和综合治理",
    Domains.JUSTICE: "司法",
    Domains.CLEAN_GOVERNMENT: "廉政建设",
    Domains.CULTURE: "文化",
    Domains.VETERANS: "退役军人",
    Domains.DISABILITY: "残疾人",
    Domains.OTHER: "其他",
}
FREQUENCY_ZH: dict[str, str] = {
    Frequencies.ONGOING: "常态",
    Frequencies.YEARLY: "每年",
    Frequencies.QUARTERLY: "每季度",
    Frequencies.MONTHLY: "每月",
    Frequencies.WEEKLY: "每周",
    Frequencies.AD_HOC: "不定期",
}


def code_for(label_or_code: str, labels: dict[str, str]) -> str | None:
    """The code for a Chinese label or an English code; None when it is neither."""
    value = label_or_code.strip()
    if value in labels:
        return value
    for code, label in labels.items():
        if label == value:
            return str(code)
    return None
